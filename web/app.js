// Volkrin Stream web player: accounts, the track library, albums and artists, playback and
// admin tools, all over the public API.

const TOKEN_KEY = 'volkrin.token';
const VOLUME_KEY = 'volkrin.volume';
const PAGE_SIZE = 20;
const SEARCH_DELAY_MS = 300;
// Stream URLs live 300 s; one older than this is replaced before it is used.
const URL_MAX_AGE_MS = 240_000;
const SEEK_STEP_S = 5;
const VOLUME_STEP = 0.1;
const RETRY_DELAY_MS = 300;
const ALBUM_PAGE_SIZE = 48;
const PLACEHOLDER_IMAGE = '/icon.svg';
const UPLOADS_AT_ONCE = 2;
// The tags of an MP3 or FLAC file sit at its start; this much is read to find them.
const TAG_READ_BYTES = 512 * 1024;
const MAX_FIELD_CHARS = 200;

const $ = (selector) => document.querySelector(selector);

const state = {
  token: localStorage.getItem(TOKEN_KEY),
  user: null,
  tracks: [],
  page: 0,
  query: '',
  hasNext: false,
  queue: [], // the tracks playback moves through (the list as it was when play started)
  current: -1,
  urlFetchedAt: 0,
  wantPlay: false, // what the listener asked for, whatever the element is doing now
  lastTime: 0, // where playback was, kept across a change of source
  resumeAt: null, // position to seek to once a new source has loaded its metadata
  recovering: false,
  albums: [],
  albumQuery: '',
  albumSort: 'name',
  albumsHaveMore: false,
  albumsStale: true, // load the grid again the next time it is shown
};

// ---------------------------------------------------------------------------------------
// API

class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

const UNREACHABLE = 'Cannot reach the server. Check that Volkrin Stream is running and your connection works, then try again.';

function explain(status, message) {
  if (status >= 500) return `The server had a problem (${message ?? status}). Try again in a moment.`;
  return message ?? `The server answered ${status}.`;
}

// One JSON request. `auth` sends the token; a 401 on such a call ends the session.
async function api(method, path, { body, auth = false } = {}) {
  const headers = {};
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (auth && state.token) headers.Authorization = `Bearer ${state.token}`;
  // A read that fails on the network is tried once more: a connection the server was just
  // closing, or a restart, should not interrupt the listener.
  const attempts = method === 'GET' ? 2 : 1;
  let res;
  for (let attempt = 1; !res; attempt += 1) {
    try {
      res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    } catch {
      if (attempt >= attempts) throw new ApiError(0, UNREACHABLE);
      await new Promise((resolve) => setTimeout(resolve, RETRY_DELAY_MS));
    }
  }
  let data = null;
  if ((res.headers.get('Content-Type') ?? '').startsWith('application/json')) data = await res.json();
  if (!res.ok) {
    if (res.status === 401 && auth) sessionEnded();
    throw new ApiError(res.status, explain(res.status, data?.message));
  }
  return data;
}

// ---------------------------------------------------------------------------------------
// Messages

function notify(text, action) {
  $('#notice-text').textContent = text;
  const button = $('#notice-action');
  button.hidden = !action;
  if (action) {
    button.textContent = action.label;
    button.onclick = () => {
      hideNotice();
      action.run();
    };
  }
  $('#notice').hidden = false;
}

function hideNotice() {
  $('#notice').hidden = true;
}

function sessionEnded() {
  setToken(null);
  state.user = null;
  renderAccount();
  notify('Your session has ended. Please log in again.', { label: 'Log in', run: () => go('account') });
}

function formatTime(seconds) {
  if (!Number.isFinite(seconds) || seconds < 0) seconds = 0;
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (key.startsWith('aria-') || key.startsWith('data-')) node.setAttribute(key, value);
    else node[key] = value;
  }
  node.append(...children);
  return node;
}

// ---------------------------------------------------------------------------------------
// Views (#library, #albums, #album/<id>, #artist/<id>, #account, #admin)

function go(view) {
  if (location.hash === `#${view}`) render();
  else location.hash = view;
}

// The view the address asks for, and the id of the album or artist it names.
function currentRoute() {
  const [view, id = ''] = location.hash.slice(1).split('/');
  if (view === 'admin' && state.user?.role === 'admin') return { view };
  if (['account', 'albums'].includes(view)) return { view };
  if ((view === 'album' || view === 'artist') && /^[0-9a-f]{24}$/.test(id)) return { view, id };
  return { view: 'library' };
}

function currentView() {
  return currentRoute().view;
}

function render() {
  const { view, id } = currentRoute();
  for (const section of document.querySelectorAll('[data-view]')) section.hidden = section.dataset.view !== view;
  const nav = view === 'album' || view === 'artist' ? 'albums' : view;
  for (const link of document.querySelectorAll('[data-nav]')) {
    if (link.dataset.nav === nav) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  if (view === 'admin') loadUsers();
  if (view === 'albums' && state.albumsStale) loadAlbums();
  if (view === 'album') loadAlbum(id);
  if (view === 'artist') loadArtist(id);
}

// ---------------------------------------------------------------------------------------
// Account

function setToken(token) {
  state.token = token;
  if (token) localStorage.setItem(TOKEN_KEY, token);
  else localStorage.removeItem(TOKEN_KEY);
}

function isAdmin() {
  return state.user?.role === 'admin';
}

function renderAccount() {
  const user = state.user;
  $('#account-link').textContent = user ? user.name : 'Log in';
  $('[data-nav="admin"]').hidden = !isAdmin();
  $('#signed-out').hidden = Boolean(user);
  $('#signed-in').hidden = !user;
  if (user) {
    $('#profile-name').textContent = user.name;
    $('#profile-email').textContent = user.email;
    $('#profile-role').textContent = user.role;
  }
  renderTracks();
  render();
}

async function loadProfile() {
  if (!state.token) return;
  try {
    state.user = await api('GET', '/api/auth/me', { auth: true });
  } catch (err) {
    if (err.status !== 401) notify(err.message, { label: 'Retry', run: loadProfile });
  }
  renderAccount();
}

function bindAuthForm(form, path, fieldsOf) {
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const error = form.querySelector('[data-error]');
    error.textContent = '';
    const submit = form.querySelector('[type=submit]');
    submit.disabled = true;
    try {
      const session = await api('POST', path, { body: fieldsOf(new FormData(form)) });
      setToken(session.token);
      state.user = { _id: session._id, name: session.name, email: session.email, role: session.role };
      form.reset();
      hideNotice();
      renderAccount();
      go('library');
    } catch (err) {
      error.textContent = err.message;
    } finally {
      submit.disabled = false;
    }
  });
}

// ---------------------------------------------------------------------------------------
// Library

let listRequest = 0;

async function loadTracks() {
  const request = ++listRequest;
  const params = new URLSearchParams({ limit: String(PAGE_SIZE + 1), offset: String(state.page * PAGE_SIZE) });
  if (state.query) params.set('q', state.query);
  $('#list-status').textContent = 'Loading…';
  try {
    const tracks = await api('GET', `/api/tracks?${params}`);
    if (request !== listRequest) return; // a newer search has started
    state.hasNext = tracks.length > PAGE_SIZE;
    state.tracks = tracks.slice(0, PAGE_SIZE);
    if (state.tracks.length === 0 && state.page > 0) {
      state.page -= 1; // the last page emptied (e.g. after a delete)
      loadTracks();
      return;
    }
    renderTracks();
  } catch (err) {
    if (request !== listRequest) return;
    state.tracks = [];
    state.hasNext = false;
    renderTracks(err.status === 0 ? 'The track list could not be loaded: the server is unreachable.' : `The track list could not be loaded. ${err.message}`);
    notify(err.message, { label: 'Retry', run: loadTracks });
  }
}

// One playable row: `list` is what playback moves through from it.
function trackItem(track, list, { number, deletable = false } = {}) {
  const label = track.artist ? `${track.title} by ${track.artist}` : track.title;
  const text = el('span', { className: 'track-text' }, el('span', { className: 'track-title' }, track.title), el('span', { className: 'track-artist' }, track.artist || 'Unknown artist'));
  const play = el('button', { type: 'button', className: 'track-play', 'aria-label': `Play ${label}` });
  if (number !== undefined) play.append(el('span', { className: 'track-number' }, number == null ? '' : String(number)));
  play.append(el('img', { src: track.thumbnailUrl ?? PLACEHOLDER_IMAGE, alt: '', loading: 'lazy', width: 56, height: 56 }), text);
  play.addEventListener('click', () => playList(list, track._id));
  const item = el('li', { className: 'track', 'data-id': track._id }, play);
  if (track.albumId && number === undefined) {
    item.append(el('a', { className: 'track-album', href: `#album/${track.albumId}` }, track.album));
  }
  item.append(el('span', { className: 'duration' }, track.durationMs == null ? '–' : formatTime(track.durationMs / 1000)));
  if (state.queue[state.current]?._id === track._id) item.setAttribute('aria-current', 'true');
  if (deletable && isAdmin()) {
    const remove = el('button', { type: 'button', className: 'danger small', 'aria-label': `Delete ${track.title}` }, 'Delete');
    remove.addEventListener('click', () => deleteTrack(track));
    item.append(remove);
  }
  return item;
}

// Marks the playing track in every list on the page.
function markPlaying() {
  const id = state.queue[state.current]?._id;
  for (const item of document.querySelectorAll('.track[data-id]')) {
    if (item.dataset.id === id) item.setAttribute('aria-current', 'true');
    else item.removeAttribute('aria-current');
  }
}

function renderTracks(errorText) {
  $('#track-list').replaceChildren(...state.tracks.map((track) => trackItem(track, state.tracks, { deletable: true })));
  let status = errorText ?? '';
  if (!errorText && state.tracks.length === 0) {
    status = state.query ? `No tracks match “${state.query}”.` : 'No tracks yet — an admin can upload the first one.';
  }
  $('#list-status').textContent = status;
  $('#prev-page').disabled = state.page === 0;
  $('#next-page').disabled = !state.hasNext;
  $('.pager').hidden = state.page === 0 && !state.hasNext;
  $('#page-label').textContent = `Page ${state.page + 1}`;
}

async function deleteTrack(track) {
  if (!confirm(`Delete “${track.title}”? Its audio and thumbnail are removed for good.`)) return;
  try {
    await api('DELETE', `/api/tracks/${track._id}`, { auth: true });
    if (state.queue[state.current]?._id === track._id) stopPlayback();
    state.queue = state.queue.filter((t) => t._id !== track._id);
    state.albumsStale = true;
    await loadTracks();
  } catch (err) {
    notify(`Could not delete “${track.title}”: ${err.message}`);
  }
}

// ---------------------------------------------------------------------------------------
// Albums and artists

function albumTile(album) {
  const cover = el('img', { src: album.coverUrl ?? PLACEHOLDER_IMAGE, alt: '', loading: 'lazy', width: 160, height: 160, className: album.coverUrl ? 'album-cover' : 'album-cover placeholder' });
  const byline = [album.artist || 'Unknown artist', album.year].filter(Boolean).join(' · ');
  const link = el('a', { className: 'album-tile', href: `#album/${album._id}`, 'aria-label': `${album.name} by ${album.artist || 'unknown artist'}` }, cover, el('span', { className: 'album-name' }, album.name), el('span', { className: 'album-byline' }, byline));
  return el('li', { 'data-id': album._id }, link);
}

function totalTime(durationMs) {
  return formatTime((durationMs ?? 0) / 1000);
}

let albumsRequest = 0;

// The first page of the grid, or (more) the next one after those shown.
async function loadAlbums({ more = false } = {}) {
  const request = ++albumsRequest;
  const offset = more ? state.albums.length : 0;
  const params = new URLSearchParams({ limit: String(ALBUM_PAGE_SIZE + 1), offset: String(offset), sort: state.albumSort });
  if (state.albumQuery) params.set('q', state.albumQuery);
  $('#albums-status').textContent = 'Loading…';
  try {
    const page = await api('GET', `/api/albums?${params}`);
    if (request !== albumsRequest) return;
    state.albumsHaveMore = page.length > ALBUM_PAGE_SIZE;
    state.albums = [...(more ? state.albums : []), ...page.slice(0, ALBUM_PAGE_SIZE)];
    state.albumsStale = false;
    renderAlbums();
  } catch (err) {
    if (request !== albumsRequest) return;
    $('#albums-status').textContent = `The albums could not be loaded. ${err.message}`;
  }
}

function renderAlbums() {
  $('#album-grid').replaceChildren(...state.albums.map(albumTile));
  $('#more-albums').hidden = !state.albumsHaveMore;
  let status = '';
  if (state.albums.length === 0) status = state.albumQuery ? `No albums match “${state.albumQuery}”.` : 'No albums yet: tracks with an album tag make them.';
  $('#albums-status').textContent = status;
}

let detailRequest = 0;

async function loadAlbum(id) {
  const request = ++detailRequest;
  $('#album-detail').hidden = true;
  $('#album-tracks').replaceChildren();
  $('#album-status').textContent = 'Loading…';
  let album;
  try {
    album = await api('GET', `/api/albums/${id}`);
  } catch (err) {
    if (request === detailRequest) $('#album-status').textContent = err.status === 404 ? 'This album is not in the library (any more).' : `The album could not be loaded. ${err.message}`;
    return;
  }
  if (request !== detailRequest) return;
  $('#album-status').textContent = '';
  $('#album-cover').src = album.coverUrl ?? PLACEHOLDER_IMAGE;
  $('#album-name').textContent = album.name;
  const artist = $('#album-artist');
  artist.textContent = album.artist || 'Unknown artist';
  artist.href = album.artistId ? `#artist/${album.artistId}` : '#albums';
  const count = `${album.trackCount} track${album.trackCount === 1 ? '' : 's'}`;
  $('#album-meta').textContent = [album.year, album.genre, count, totalTime(album.durationMs)].filter(Boolean).join(' · ');
  $('#play-album').onclick = () => playList(album.tracks, album.tracks[0]?._id);
  $('#album-tracks').replaceChildren(...album.tracks.map((track) => trackItem(track, album.tracks, { number: track.trackNumber })));
  $('#album-detail').hidden = false;
  document.title = `${album.name} — Volkrin Stream`;
}

async function loadArtist(id) {
  const request = ++detailRequest;
  $('#artist-detail').hidden = true;
  $('#artist-status').textContent = 'Loading…';
  let artist;
  try {
    artist = await api('GET', `/api/artists/${id}`);
  } catch (err) {
    if (request === detailRequest) $('#artist-status').textContent = err.status === 404 ? 'This artist is not in the library (any more).' : `The artist could not be loaded. ${err.message}`;
    return;
  }
  if (request !== detailRequest) return;
  $('#artist-status').textContent = '';
  $('#artist-name').textContent = artist.name;
  const albums = `${artist.albumCount} album${artist.albumCount === 1 ? '' : 's'}`;
  const tracks = `${artist.trackCount} track${artist.trackCount === 1 ? '' : 's'}`;
  $('#artist-meta').textContent = [albums, tracks, totalTime(artist.durationMs)].join(' · ');
  $('#artist-albums').replaceChildren(...artist.albums.map(albumTile));
  $('#artist-tracks').replaceChildren(...artist.tracks.map((track) => trackItem(track, artist.tracks)));
  $('#artist-detail').hidden = false;
  document.title = `${artist.name} — Volkrin Stream`;
}

function bindAlbums() {
  let timer;
  $('#album-search').addEventListener('input', (event) => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      state.albumQuery = event.target.value.trim();
      loadAlbums();
    }, SEARCH_DELAY_MS);
  });
  $('#album-sort').addEventListener('change', (event) => {
    state.albumSort = event.target.value;
    loadAlbums();
  });
  $('#more-albums').addEventListener('click', () => loadAlbums({ more: true }));
}

// ---------------------------------------------------------------------------------------
// Playback

const audio = $('#audio');

// Points the audio element at a fresh signed URL for the current track, positioned at
// `position` seconds once the new source knows its duration.
async function loadSource(position) {
  const track = state.queue[state.current];
  const { url } = await api('GET', `/api/tracks/${track._id}/stream`);
  if (state.queue[state.current] !== track) return false; // the listener moved on
  state.urlFetchedAt = Date.now();
  state.resumeAt = position > 0 ? position : null;
  state.lastTime = position;
  audio.src = url;
  return true;
}

async function start() {
  try {
    await audio.play();
  } catch (err) {
    // AbortError: a newer load or a pause interrupted this play(), and that one decides.
    // NotSupportedError: the source failed, and the error event handler (recover) takes over.
    if (err.name !== 'AbortError' && err.name !== 'NotSupportedError') notify(`Playback could not start: ${err.message}`);
  }
}

async function playAt(index) {
  if (index < 0 || index >= state.queue.length) return;
  state.current = index;
  state.wantPlay = true;
  state.recovering = false;
  showNowPlaying();
  try {
    if (await loadSource(0)) await start();
  } catch (err) {
    notify(`Could not play this track: ${err.message}`);
  }
}

// Plays `list` (a copy of it: the page may change under it) from the track `id`.
function playList(list, id) {
  state.queue = [...list];
  playAt(Math.max(0, state.queue.findIndex((t) => t._id === id)));
}

function playFromList(id) {
  playList(state.tracks, id);
}

async function togglePlay() {
  if (state.current < 0) {
    if (state.tracks.length > 0) playFromList(state.tracks[0]._id);
    return;
  }
  if (!audio.paused) {
    state.wantPlay = false;
    audio.pause();
    return;
  }
  state.wantPlay = true;
  if (audio.error || Date.now() - state.urlFetchedAt > URL_MAX_AGE_MS) {
    // The URL may have expired while paused (or failed before): fetch a fresh one and
    // resume where we were.
    state.recovering = false;
    try {
      if (!(await loadSource(state.resumeAt ?? audio.currentTime))) return;
    } catch (err) {
      notify(`Could not resume: ${err.message}`);
      return;
    }
  }
  await start();
}

function stopPlayback() {
  state.wantPlay = false;
  state.current = -1;
  audio.removeAttribute('src');
  audio.load();
  $('#player').hidden = true;
  markPlaying();
}

function step(delta) {
  const target = state.current + delta;
  if (delta < 0 && (audio.currentTime > 3 || target < 0)) {
    audio.currentTime = 0; // "previous" first goes back to the start of this track
    return;
  }
  if (target < state.queue.length) playAt(target);
}

function seekBy(seconds) {
  if (state.current < 0) return;
  const end = Number.isFinite(audio.duration) ? audio.duration : Infinity;
  audio.currentTime = Math.min(Math.max(audio.currentTime + seconds, 0), end);
}

function setVolume(value) {
  audio.volume = Math.min(Math.max(value, 0), 1);
}

function showNowPlaying() {
  const track = state.queue[state.current];
  $('#player').hidden = false;
  $('#now-thumb').src = track.thumbnailUrl ?? PLACEHOLDER_IMAGE;
  $('#now-title').textContent = track.title;
  $('#now-artist').textContent = track.artist || 'Unknown artist';
  $('#prev-track').disabled = false;
  $('#next-track').disabled = state.current >= state.queue.length - 1;
  const total = (track.durationMs ?? 0) / 1000;
  $('#seek').max = String(total);
  $('#time-total').textContent = formatTime(total);
  document.title = `${track.title} — Volkrin Stream`;
  markPlaying();
}

function showProgress() {
  const seek = $('#seek');
  if (Number.isFinite(audio.duration)) seek.max = String(audio.duration);
  if (!seek.matches(':active')) seek.value = String(audio.currentTime); // not under a dragging finger
  seek.setAttribute('aria-valuetext', `${formatTime(audio.currentTime)} of ${formatTime(Number(seek.max))}`);
  $('#time-current').textContent = formatTime(audio.currentTime);
  $('#time-total').textContent = formatTime(Number(seek.max));
}

function showPlaying() {
  const button = $('#play-pause');
  button.querySelector('.icon-play').toggleAttribute('hidden', !audio.paused);
  button.querySelector('.icon-pause').toggleAttribute('hidden', audio.paused);
  button.setAttribute('aria-label', audio.paused ? 'Play' : 'Pause');
}

// A media error usually means the signed URL expired or was refused: get a fresh one and
// carry on from the same place. A second failure in a row is reported.
async function recover() {
  if (state.current < 0 || !audio.getAttribute('src')) return;
  if (state.recovering) {
    state.recovering = false;
    notify('This track cannot be played right now. Try again later, or pick another track.');
    return;
  }
  state.recovering = true;
  try {
    if ((await loadSource(state.lastTime)) && state.wantPlay) await start();
  } catch (err) {
    state.recovering = false;
    notify(`Playback stopped: ${err.message}`);
  }
}

function bindPlayer() {
  audio.volume = Number(localStorage.getItem(VOLUME_KEY) ?? 1);
  $('#volume').value = String(audio.volume);
  audio.addEventListener('loadedmetadata', () => {
    if (state.resumeAt !== null) audio.currentTime = state.resumeAt;
    state.resumeAt = null;
    showProgress();
  });
  audio.addEventListener('timeupdate', () => {
    if (audio.readyState > 0 && state.resumeAt === null) state.lastTime = audio.currentTime;
    showProgress();
  });
  audio.addEventListener('canplay', () => (state.recovering = false));
  audio.addEventListener('play', showPlaying);
  audio.addEventListener('pause', showPlaying);
  audio.addEventListener('ended', () => {
    if (state.current < state.queue.length - 1) playAt(state.current + 1);
    else state.wantPlay = false;
  });
  audio.addEventListener('error', recover);
  audio.addEventListener('volumechange', () => {
    $('#volume').value = String(audio.volume);
    localStorage.setItem(VOLUME_KEY, String(audio.volume));
  });
  $('#play-pause').addEventListener('click', togglePlay);
  $('#prev-track').addEventListener('click', () => step(-1));
  $('#next-track').addEventListener('click', () => step(1));
  $('#seek').addEventListener('input', (event) => {
    audio.currentTime = Number(event.target.value);
  });
  $('#volume').addEventListener('input', (event) => setVolume(Number(event.target.value)));

  document.addEventListener('keydown', (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey || event.defaultPrevented) return;
    const target = event.target;
    if (isTyping(target)) return;
    if (target.matches('input[type=range]') && event.key.startsWith('Arrow')) return; // the slider's own keys
    const loaded = state.current >= 0;
    const actions = {
      // Space still presses the buttons of forms and messages.
      ' ': () => !target.closest('form, summary, #notice') && (loaded || state.tracks.length > 0) && togglePlay,
      ArrowLeft: () => loaded && (() => seekBy(-SEEK_STEP_S)),
      ArrowRight: () => loaded && (() => seekBy(SEEK_STEP_S)),
      ArrowUp: () => loaded && (() => setVolume(audio.volume + VOLUME_STEP)),
      ArrowDown: () => loaded && (() => setVolume(audio.volume - VOLUME_STEP)),
      n: () => loaded && (() => step(1)),
      p: () => loaded && (() => step(-1)),
    };
    const action = actions[event.key]?.();
    if (!action) return; // nothing to control: keys keep their usual meaning (scrolling)
    event.preventDefault();
    action();
  });
}

// Keys typed into a text field are text, not shortcuts.
function isTyping(target) {
  if (target.closest('textarea, select, [contenteditable]')) return true;
  return target.matches('input') && !['range', 'checkbox', 'radio', 'button', 'submit', 'reset', 'file'].includes(target.type);
}

// ---------------------------------------------------------------------------------------
// Admin

// Tags the browser can read cheaply (ID3v2 in MP3, Vorbis comments in FLAC): {title, artist}
// as far as found. Anything else, or a file cut short, gives what was found before it.
async function readTags(file) {
  try {
    const bytes = new Uint8Array(await file.slice(0, TAG_READ_BYTES).arrayBuffer());
    return id3v2Tags(bytes) ?? flacTags(bytes) ?? {};
  } catch {
    return {};
  }
}

const u32be = (b, at) => ((b[at] << 24) | (b[at + 1] << 16) | (b[at + 2] << 8) | b[at + 3]) >>> 0;
const synchsafe = (b, at) => (b[at] << 21) | (b[at + 1] << 14) | (b[at + 2] << 7) | b[at + 3];

// An ID3v2 text frame: an encoding byte, then the text (the first of several values).
function id3Text(bytes) {
  const encoding = bytes[0];
  let body = bytes.subarray(1);
  let label = ['latin1', 'utf-16le', 'utf-16be', 'utf-8'][encoding];
  if (!label) return '';
  if (encoding === 1 && body[0] === 0xfe && body[1] === 0xff) label = 'utf-16be';
  if (encoding === 1 && ((body[0] === 0xff && body[1] === 0xfe) || (body[0] === 0xfe && body[1] === 0xff))) body = body.subarray(2);
  return new TextDecoder(label).decode(body).split('\0')[0];
}

function id3v2Tags(b) {
  if (b.length < 10 || b[0] !== 0x49 || b[1] !== 0x44 || b[2] !== 0x33) return null;
  const major = b[3];
  const flags = b[5];
  if (major < 2 || major > 4 || flags & 0x80) return {}; // unsynchronised tags are rare: leave them to the server
  const end = Math.min(b.length, 10 + synchsafe(b, 6));
  let at = 10;
  if (flags & 0x40 && major === 3) at += 4 + u32be(b, at);
  if (flags & 0x40 && major === 4) at += synchsafe(b, at);
  const wanted = major === 2 ? { TT2: 'title', TP1: 'artist' } : { TIT2: 'title', TPE1: 'artist' };
  const header = major === 2 ? 6 : 10;
  const tags = {};
  while (at + header <= end) {
    const id = String.fromCharCode(...b.subarray(at, at + (major === 2 ? 3 : 4)));
    if (!/^[A-Z0-9]+$/.test(id)) break; // padding
    let size;
    if (major === 2) size = (b[at + 3] << 16) | (b[at + 4] << 8) | b[at + 5];
    else size = major === 4 ? synchsafe(b, at + 4) : u32be(b, at + 4);
    const start = at + header;
    if (size <= 0 || start + size > end) break;
    const field = wanted[id];
    if (field && !tags[field]) tags[field] = id3Text(b.subarray(start, start + size));
    at = start + size;
  }
  return tags;
}

function flacTags(b) {
  if (b.length < 8 || String.fromCharCode(...b.subarray(0, 4)) !== 'fLaC') return null;
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  let at = 4;
  while (at + 4 <= b.length) {
    const last = b[at] & 0x80;
    const type = b[at] & 0x7f;
    const size = (b[at + 1] << 16) | (b[at + 2] << 8) | b[at + 3];
    const start = at + 4;
    if (type === 4) return vorbisComments(b, view, start, Math.min(b.length, start + size));
    if (last) break;
    at = start + size;
  }
  return {};
}

function vorbisComments(b, view, at, end) {
  const tags = {};
  if (at + 4 > end) return tags;
  at += 4 + view.getUint32(at, true); // the vendor string
  if (at + 4 > end) return tags;
  const count = view.getUint32(at, true);
  at += 4;
  const utf8 = new TextDecoder('utf-8');
  for (let i = 0; i < count && at + 4 <= end; i += 1) {
    const size = view.getUint32(at, true);
    at += 4;
    if (at + size > end) break;
    const comment = utf8.decode(b.subarray(at, at + size));
    at += size;
    const eq = comment.indexOf('=');
    const key = comment.slice(0, eq).toUpperCase();
    if (key === 'TITLE' && !tags.title) tags.title = comment.slice(eq + 1);
    if (key === 'ARTIST' && !tags.artist) tags.artist = comment.slice(eq + 1);
  }
  return tags;
}

// Tag text as a form field takes it: one line, no control characters, at most 200 characters.
function fieldText(text) {
  return [...(text ?? '').replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ').trim()].slice(0, MAX_FIELD_CHARS).join('');
}

const uploads = []; // {file, row, title, artist, thumbnail, progress, status, state}

function addUploadFiles(files) {
  for (const file of files) {
    const name = file.name;
    const title = el('input', { maxLength: MAX_FIELD_CHARS, placeholder: 'From the file', 'aria-label': `Title of ${name}` });
    const artist = el('input', { maxLength: MAX_FIELD_CHARS, placeholder: 'From the file', 'aria-label': `Artist of ${name}` });
    const thumbnail = el('input', { type: 'file', accept: 'image/*', 'aria-label': `Thumbnail of ${name}` });
    const progress = el('progress', { max: 1, value: 0, 'aria-label': `Upload progress of ${name}` });
    const status = el('p', { className: 'form-status', role: 'status' });
    const remove = el('button', { type: 'button', className: 'small', 'aria-label': `Remove ${name}` }, 'Remove');
    const row = el(
      'li',
      { className: 'upload-item' },
      el('span', { className: 'file-name' }, name),
      el('label', {}, 'Title', title),
      el('label', {}, 'Artist', artist),
      el('label', {}, 'Thumbnail (optional)', thumbnail),
      progress,
      status,
      remove,
    );
    const upload = { file, row, title, artist, thumbnail, progress, status, state: 'pending' };
    remove.addEventListener('click', () => {
      uploads.splice(uploads.indexOf(upload), 1);
      row.remove();
      showUploadButton();
    });
    uploads.push(upload);
    $('#upload-queue').append(row);
    readTags(file).then((tags) => {
      // What the admin typed meanwhile stays.
      if (!title.value && tags.title) title.value = fieldText(tags.title);
      if (!artist.value && tags.artist) artist.value = fieldText(tags.artist);
      row.dataset.tagsRead = 'true';
    });
  }
  showUploadButton();
}

function showUploadButton() {
  $('#upload-all').disabled = !uploads.some((u) => u.state === 'pending' || u.state === 'failed');
}

// One file's upload; resolves when it has ended either way.
function uploadOne(upload) {
  return new Promise((resolve) => {
    const form = new FormData();
    if (upload.title.value.trim()) form.append('title', upload.title.value);
    if (upload.artist.value.trim()) form.append('artist', upload.artist.value);
    form.append('file', upload.file, upload.file.name);
    const thumbnail = upload.thumbnail.files[0];
    if (thumbnail) form.append('thumbnail', thumbnail, thumbnail.name);
    const xhr = new XMLHttpRequest();
    xhr.open('POST', '/api/tracks/upload');
    xhr.setRequestHeader('Authorization', `Bearer ${state.token}`);
    xhr.responseType = 'json';
    xhr.upload.addEventListener('progress', (event) => {
      if (event.lengthComputable) upload.progress.value = event.loaded / event.total;
    });
    const done = (message, ok) => {
      upload.state = ok ? 'done' : 'failed';
      upload.row.dataset.state = upload.state;
      upload.status.textContent = message;
      upload.status.classList.toggle('error', !ok);
      resolve(ok);
    };
    xhr.addEventListener('load', () => {
      if (xhr.status === 201) {
        upload.progress.value = 1;
        const track = xhr.response.track;
        done(`Uploaded “${track.title}”${track.artist ? ` by ${track.artist}` : ''}.`, true);
        return;
      }
      if (xhr.status === 401) sessionEnded();
      done(`Upload failed: ${explain(xhr.status, xhr.response?.message)}`, false);
    });
    xhr.addEventListener('error', () => done(`Upload failed: ${UNREACHABLE}`, false));
    upload.state = 'uploading';
    upload.row.dataset.state = 'uploading';
    upload.progress.value = 0;
    upload.status.classList.remove('error');
    upload.status.textContent = 'Uploading…';
    xhr.send(form);
  });
}

// Uploads every file not yet uploaded, UPLOADS_AT_ONCE at a time.
async function uploadAll() {
  const waiting = uploads.filter((u) => u.state === 'pending' || u.state === 'failed');
  if (waiting.length === 0) return;
  $('#upload-all').disabled = true;
  $('#upload-status').textContent = `Uploading ${waiting.length} file${waiting.length === 1 ? '' : 's'}…`;
  let ok = 0;
  const next = async () => {
    for (let upload = waiting.shift(); upload; upload = waiting.shift()) if (await uploadOne(upload)) ok += 1;
  };
  const total = waiting.length;
  await Promise.all(Array.from({ length: Math.min(UPLOADS_AT_ONCE, total) }, next));
  const failed = total - ok;
  $('#upload-status').textContent = `${ok} uploaded${failed ? `, ${failed} failed` : ''}.`;
  showUploadButton();
  if (ok > 0) {
    state.page = 0;
    state.albumsStale = true;
    loadTracks();
  }
}

function bindUpload() {
  const zone = $('#drop-zone');
  $('#upload-files').addEventListener('change', (event) => {
    addUploadFiles([...event.target.files]);
    event.target.value = ''; // the same file can be chosen again
  });
  zone.addEventListener('dragover', (event) => {
    event.preventDefault();
    zone.classList.add('dragging');
  });
  zone.addEventListener('dragleave', () => zone.classList.remove('dragging'));
  zone.addEventListener('drop', (event) => {
    event.preventDefault();
    zone.classList.remove('dragging');
    addUploadFiles([...(event.dataTransfer?.files ?? [])]);
  });
  $('#upload-form').addEventListener('submit', (event) => {
    event.preventDefault();
    uploadAll();
  });
}

async function loadUsers() {
  const status = $('#users-status');
  status.textContent = 'Loading…';
  let users;
  try {
    users = await api('GET', '/api/auth/users', { auth: true });
  } catch (err) {
    status.textContent = `The user list could not be loaded. ${err.message}`;
    return;
  }
  status.textContent = `${users.length} user${users.length === 1 ? '' : 's'}`;
  $('#user-list').replaceChildren(
    ...users.map((user) => {
      const who = el('span', { className: 'user-text' }, el('span', { className: 'user-name' }, user.name), el('span', { className: 'user-email' }, user.email));
      const item = el('li', { className: 'user' }, who, el('span', { className: `role role-${user.role}` }, user.role));
      if (user._id !== state.user?._id) {
        const remove = el('button', { type: 'button', className: 'danger small', 'aria-label': `Delete user ${user.email}` }, 'Delete');
        remove.addEventListener('click', () => deleteUser(user));
        item.append(remove);
      } else {
        item.append(el('span', { className: 'you' }, 'you'));
      }
      return item;
    }),
  );
}

async function deleteUser(user) {
  if (!confirm(`Delete the user ${user.email}? The tracks they uploaded stay.`)) return;
  try {
    await api('DELETE', `/api/auth/users/${user._id}`, { auth: true });
  } catch (err) {
    notify(`Could not delete ${user.email}: ${err.message}`);
  }
  loadUsers();
}

// ---------------------------------------------------------------------------------------
// Start

function bindLibrary() {
  let timer;
  $('#search').addEventListener('input', (event) => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      state.query = event.target.value.trim();
      state.page = 0;
      loadTracks();
    }, SEARCH_DELAY_MS);
  });
  $('#prev-page').addEventListener('click', () => {
    state.page = Math.max(0, state.page - 1);
    loadTracks();
  });
  $('#next-page').addEventListener('click', () => {
    state.page += 1;
    loadTracks();
  });
}

function main() {
  bindAuthForm($('#login-form'), '/api/auth/login', (data) => ({ email: data.get('email'), password: data.get('password') }));
  bindAuthForm($('#signup-form'), '/api/auth/signup', (data) => {
    const fields = { name: data.get('name'), email: data.get('email'), password: data.get('password') };
    const secret = data.get('adminSecret');
    return secret ? { ...fields, role: 'admin', adminSecret: secret } : fields;
  });
  $('#logout').addEventListener('click', () => {
    setToken(null);
    state.user = null;
    renderAccount();
    go('library');
  });
  bindUpload();
  $('#notice-close').addEventListener('click', hideNotice);
  window.addEventListener('hashchange', render);
  bindLibrary();
  bindAlbums();
  bindPlayer();
  renderAccount();
  loadProfile();
  loadTracks();
}

main();
