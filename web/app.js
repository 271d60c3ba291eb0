// Volkrin Stream web player: accounts, the track library, playback and admin tools, all over the public API.

const TOKEN_KEY = 'volkrin.token';
const VOLUME_KEY = 'volkrin.volume';
const PAGE_SIZE = 20;
const SEARCH_DELAY_MS = 300;
// Stream URLs live 300 s; one older than this is replaced before it is used.
const URL_MAX_AGE_MS = 240_000;
const SEEK_STEP_S = 5;
const VOLUME_STEP = 0.1;
const RETRY_DELAY_MS = 300;

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
// Views (#library, #account, #admin)

function go(view) {
  if (location.hash === `#${view}`) render();
  else location.hash = view;
}

function currentView() {
  const view = location.hash.slice(1);
  if (view === 'admin' && state.user?.role === 'admin') return 'admin';
  if (view === 'account') return 'account';
  return 'library';
}

function render() {
  const view = currentView();
  for (const section of document.querySelectorAll('[data-view]')) section.hidden = section.dataset.view !== view;
  for (const link of document.querySelectorAll('[data-nav]')) {
    if (link.dataset.nav === view) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  if (view === 'admin') loadUsers();
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

function renderTracks(errorText) {
  const list = $('#track-list');
  const playing = state.queue[state.current];
  list.replaceChildren(
    ...state.tracks.map((track) => {
      const label = track.artist ? `${track.title} by ${track.artist}` : track.title;
      const play = el(
        'button',
        { type: 'button', className: 'track-play', 'aria-label': `Play ${label}` },
        el('img', { src: track.thumbnailUrl, alt: '', loading: 'lazy', width: 56, height: 56 }),
        el('span', { className: 'track-text' }, el('span', { className: 'track-title' }, track.title), el('span', { className: 'track-artist' }, track.artist || 'Unknown artist')),
      );
      play.addEventListener('click', () => playFromList(track._id));
      const item = el('li', { className: 'track', 'data-id': track._id }, play, el('span', { className: 'duration' }, track.durationMs == null ? '–' : formatTime(track.durationMs / 1000)));
      if (playing && playing._id === track._id) item.setAttribute('aria-current', 'true');
      if (isAdmin()) {
        const remove = el('button', { type: 'button', className: 'danger small', 'aria-label': `Delete ${track.title}` }, 'Delete');
        remove.addEventListener('click', () => deleteTrack(track));
        item.append(remove);
      }
      return item;
    }),
  );
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
    await loadTracks();
  } catch (err) {
    notify(`Could not delete “${track.title}”: ${err.message}`);
  }
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

function playFromList(id) {
  state.queue = [...state.tracks];
  playAt(state.queue.findIndex((t) => t._id === id));
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
  renderTracks();
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
  $('#now-thumb').src = track.thumbnailUrl;
  $('#now-title').textContent = track.title;
  $('#now-artist').textContent = track.artist || 'Unknown artist';
  $('#prev-track').disabled = false;
  $('#next-track').disabled = state.current >= state.queue.length - 1;
  const total = (track.durationMs ?? 0) / 1000;
  $('#seek').max = String(total);
  $('#time-total').textContent = formatTime(total);
  document.title = `${track.title} — Volkrin Stream`;
  renderTracks();
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

function uploadTrack(form) {
  const progress = $('#upload-progress');
  const status = $('#upload-status');
  const submit = form.querySelector('[type=submit]');
  const xhr = new XMLHttpRequest();
  xhr.open('POST', '/api/tracks/upload');
  xhr.setRequestHeader('Authorization', `Bearer ${state.token}`);
  xhr.responseType = 'json';
  xhr.upload.addEventListener('progress', (event) => {
    if (event.lengthComputable) progress.value = event.loaded / event.total;
  });
  const done = (message, ok) => {
    submit.disabled = false;
    progress.hidden = true;
    status.textContent = message;
    status.classList.toggle('error', !ok);
  };
  xhr.addEventListener('load', () => {
    const message = xhr.response?.message;
    if (xhr.status === 201) {
      done(`Uploaded “${xhr.response.track.title}”.`, true);
      form.reset();
      state.page = 0;
      loadTracks();
    } else {
      if (xhr.status === 401) sessionEnded();
      done(`Upload failed: ${explain(xhr.status, message)}`, false);
    }
  });
  xhr.addEventListener('error', () => done(`Upload failed: ${UNREACHABLE}`, false));
  submit.disabled = true;
  progress.value = 0;
  progress.hidden = false;
  status.classList.remove('error');
  status.textContent = 'Uploading…';
  xhr.send(new FormData(form));
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
  $('#upload-form').addEventListener('submit', (event) => {
    event.preventDefault();
    uploadTrack(event.target);
  });
  $('#notice-close').addEventListener('click', hideNotice);
  window.addEventListener('hashchange', render);
  bindLibrary();
  bindPlayer();
  renderAccount();
  loadProfile();
  loadTracks();
}

main();
