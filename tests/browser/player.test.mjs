// Browser tests of the web player: Debian's headless Chromium, driven by playwright-core,
// uses the page the built server serves, against that server on a free port.
//
// VOLKRIN_SCREENSHOTS=docs/screenshots writes the README's screenshots; by default they go
// to a temporary directory that is removed afterwards.

import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { api, createAdmin, createUser, makeTempDir, newUserFields, serverBinary, startServer } from '../contract/harness.mjs';
import { DESKTOP, PHONE, closePage, launchBrowser, navLink, openPage as openPageIn, waitForPlayback } from './page-harness.mjs';

const ADMIN_SECRET = 'browser-test-admin-secret';
const EMPTY_LIBRARY = 'No tracks yet — an admin can upload the first one.';

const scratch = makeTempDir('volkrin-browser-');
const screenshotDir = process.env.VOLKRIN_SCREENSHOTS ? path.resolve(process.env.VOLKRIN_SCREENSHOTS) : path.join(scratch, 'screenshots');
mkdirSync(screenshotDir, { recursive: true });

// Fixtures made with ffmpeg: a 5 s 440 Hz tone and a small PNG cover.
const tonePath = path.join(scratch, 'tone.mp3');
const coverPath = path.join(scratch, 'cover.png');
const notAudioPath = path.join(scratch, 'notes.mp3');
execFileSync('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'sine=frequency=440:duration=5', '-ac', '1', '-b:a', '64k', tonePath]);
execFileSync('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'color=c=0xff7a59:s=64x64', '-frames:v', '1', coverPath]);
writeFileSync(notAudioPath, 'these are words, not sound\n'.repeat(400));

let browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  rmSync(scratch, { recursive: true, force: true });
});

const openPage = (baseUrl, options) => openPageIn(browser, baseUrl, options);

const audioTime = (page) => page.locator('#audio').evaluate((a) => a.currentTime);

async function logInThroughUi(page, email, password) {
  await navLink(page, 'Log in').click();
  const form = page.locator('#login-form');
  await form.getByLabel('Email').fill(email);
  await form.getByLabel('Password').fill(password);
  await form.getByRole('button', { name: 'Log in' }).click();
}

// Upload through the API (multipart, as the page sends it).
async function uploadByApi(baseUrl, token, title) {
  const form = new FormData();
  form.set('title', title);
  form.set('artist', 'Tester');
  form.set('file', new Blob([readFileSync(tonePath)]), 'tone.mp3');
  form.set('thumbnail', new Blob([readFileSync(coverPath)]), 'cover.png');
  const res = await fetch(new URL('/api/tracks/upload', baseUrl), { method: 'POST', headers: { Authorization: `Bearer ${token}` }, body: form });
  const text = await res.text();
  assert.equal(res.status, 201, text);
  return JSON.parse(text).track;
}

describe('the web player', () => {
  let server;
  before(async () => {
    server = await startServer({ env: { ADMIN_SECRET } });
  });
  after(async () => {
    await server?.stop();
  });

  test('an admin signs up, uploads, plays, seeks, manages users and deletes', async () => {
    const tab = await openPage(server.baseUrl);
    const { page } = tab;
    await page.goto('/');
    await page.getByRole('heading', { name: 'Library' }).waitFor();
    await page.getByText(EMPTY_LIBRARY).waitFor();

    // Sign up as admin: the secret sits under "Advanced".
    await navLink(page, 'Log in').click();
    const signupForm = page.locator('#signup-form');
    const admin = newUserFields({ name: 'Ada Admin' });
    await signupForm.getByLabel('Name').fill(admin.name);
    await signupForm.getByLabel('Email').fill(admin.email);
    await signupForm.getByLabel('Password', { exact: true }).fill(admin.password);
    await signupForm.getByText('Advanced').click();
    await signupForm.getByLabel('Admin secret').fill(ADMIN_SECRET);
    await signupForm.getByRole('button', { name: 'Sign up' }).click();
    await navLink(page, 'Admin').click();

    // A file that is not audio: the server's 415 message is shown on its row.
    const uploadForm = page.locator('#upload-form');
    await uploadForm.getByLabel('Choose audio files').setInputFiles(notAudioPath);
    await uploadForm.getByLabel('Title of notes.mp3').fill('Not Music');
    await uploadForm.getByLabel('Thumbnail of notes.mp3').setInputFiles(coverPath);
    await uploadForm.getByRole('button', { name: 'Upload all' }).click();
    await uploadForm.getByText('Upload failed: The audio file must be MP3, M4A/AAC, OGG/Opus, FLAC or WAV audio').waitFor();
    await uploadForm.getByRole('button', { name: 'Remove notes.mp3' }).click();

    // The real upload, with its progress bar.
    await uploadForm.getByLabel('Choose audio files').setInputFiles(tonePath);
    await uploadForm.getByLabel('Title of tone.mp3').fill('Test Tone');
    await uploadForm.getByLabel('Artist of tone.mp3').fill('Tester');
    await uploadForm.getByLabel('Thumbnail of tone.mp3').setInputFiles(coverPath);
    await uploadForm.getByRole('button', { name: 'Upload all' }).click();
    await uploadForm.getByText('Uploaded “Test Tone” by Tester.').waitFor();
    assert.equal(await uploadForm.getByLabel('Upload progress of tone.mp3').evaluate((p) => p.value), 1, 'upload progress reached the end');
    assert.equal(await uploadForm.getByText('Not Music').count(), 0, 'the removed row is gone');

    // Listed with duration and thumbnail.
    await navLink(page, 'Library').click();
    const row = page.locator('.track', { hasText: 'Test Tone' });
    await row.getByText('0:05').waitFor();
    await page.waitForFunction(() => document.querySelector('.track img')?.naturalWidth === 64);

    // Play, then seek to the middle with the seek bar.
    await page.getByRole('button', { name: 'Play Test Tone by Tester' }).click();
    await waitForPlayback(page, 0.3);
    await page.getByRole('button', { name: 'Pause', exact: true }).click();
    await page.getByRole('slider', { name: 'Seek' }).fill('2.5');
    assert.ok(Math.abs((await audioTime(page)) - 2.5) < 0.3, 'the seek bar moved playback to the middle');
    await page.getByRole('button', { name: 'Play', exact: true }).click();
    await waitForPlayback(page, 2.6);
    assert.match(server.output(), /GET \/media\/audio\/\S+ 206 /, 'the media was served as byte ranges (206)');

    // Keyboard: space pauses and resumes, arrows seek and change the volume.
    await page.locator('body').click({ position: { x: 5, y: 300 } });
    await page.keyboard.press(' ');
    await page.waitForFunction(() => document.querySelector('#audio').paused);
    const before = await audioTime(page);
    await page.keyboard.press('ArrowLeft');
    assert.ok((await audioTime(page)) <= Math.max(0, before - 4.5), 'ArrowLeft went back 5 s');
    await page.keyboard.press('ArrowDown');
    assert.ok(Math.abs((await page.locator('#audio').evaluate((a) => a.volume)) - 0.9) < 1e-6, 'ArrowDown lowered the volume');
    await page.keyboard.press(' ');
    await waitForPlayback(page, 0.2);
    // ... but not while typing into the search box.
    const search = page.getByLabel('Search tracks by title or artist');
    await search.pressSequentially('no such tune');
    await page.getByText('No tracks match “no such tune”.').waitFor();
    assert.equal(await page.locator('#audio').evaluate((a) => a.paused), false, 'typing a space did not pause');
    assert.equal(await search.inputValue(), 'no such tune');
    await search.fill('');
    await row.waitFor();

    // Users: another user can be deleted (after confirming); the admin has no delete button.
    const other = await createUser(server.baseUrl, { name: 'Olga Other' });
    await navLink(page, 'Admin').click();
    const users = page.locator('#user-list');
    await users.getByText(other.email).waitFor();
    assert.equal(await users.getByRole('button', { name: `Delete user ${admin.email}` }).count(), 0, 'no delete button for oneself');
    page.once('dialog', (dialog) => dialog.accept());
    await users.getByRole('button', { name: `Delete user ${other.email}` }).click();
    await users.getByText(other.email).waitFor({ state: 'detached' });
    assert.equal((await api(server.baseUrl, 'POST', '/api/auth/login', { json: { email: other.email, password: other.password } })).status, 401);


    // Delete the track after confirming: the empty state comes back, the player goes away.
    await navLink(page, 'Library').click();
    let question = '';
    page.once('dialog', (dialog) => {
      question = dialog.message();
      dialog.accept();
    });
    await page.getByRole('button', { name: 'Delete Test Tone' }).click();
    await page.getByText(EMPTY_LIBRARY).waitFor();
    assert.match(question, /Delete “Test Tone”\?/);
    assert.equal(await page.locator('#player').isHidden(), true);
    assert.equal((await api(server.baseUrl, 'GET', '/api/tracks')).json.length, 0);

    // Log out from the profile.
    await navLink(page, admin.name).click();
    await page.getByRole('button', { name: 'Log out' }).click();
    await navLink(page, 'Log in').waitFor();
    assert.equal(await page.evaluate(() => localStorage.getItem('volkrin.token')), null);
    await closePage(tab);
  });

  test('a normal user sees no admin controls and the API refuses the admin calls', async () => {
    const admin = await createAdmin(server.baseUrl, ADMIN_SECRET);
    const track = await uploadByApi(server.baseUrl, admin.token, 'Members Only');
    const user = await createUser(server.baseUrl, { name: 'Uma User' });

    const tab = await openPage(server.baseUrl);
    const { page } = tab;
    await page.goto('/');
    await logInThroughUi(page, user.email, user.password);
    await navLink(page, 'Uma User').waitFor();
    await page.getByRole('button', { name: 'Play Members Only by Tester' }).waitFor();
    assert.equal(await navLink(page, 'Admin').isHidden(), true);
    assert.equal(await page.getByRole('button', { name: /^Delete/ }).count(), 0);

    // The profile comes from /api/auth/me.
    await navLink(page, 'Uma User').click();
    await page.locator('#profile-email').getByText(user.email).waitFor();
    await page.locator('#profile-role').getByText('user').waitFor();

    // Forcing the call with the user's own token.
    const forced = await page.evaluate(async (id) => {
      const res = await fetch(`/api/tracks/${id}`, { method: 'DELETE', headers: { Authorization: `Bearer ${localStorage.getItem('volkrin.token')}` } });
      return { status: res.status, body: await res.json() };
    }, track._id);
    assert.deepEqual(forced, { status: 403, body: { message: 'Access denied. Admins only.' } });

    // #admin typed by hand shows the library instead.
    await page.goto('/#admin');
    await page.getByRole('heading', { name: 'Library' }).waitFor();
    assert.equal(await page.locator('#upload-form').isHidden(), true);

    await api(server.baseUrl, 'DELETE', `/api/tracks/${track._id}`, { token: admin.token });
    await closePage(tab);
  });

  test('long lists come in pages of 20', async () => {
    const admin = await createAdmin(server.baseUrl, ADMIN_SECRET);
    const tracks = [];
    for (let i = 1; i <= 21; i += 1) tracks.push(await uploadByApi(server.baseUrl, admin.token, `Page Tune ${String(i).padStart(2, '0')}`));
    const tab = await openPage(server.baseUrl);
    const { page } = tab;
    await page.goto('/');
    // Newest first: tune 21 leads page 1, tune 01 is alone on page 2.
    await page.getByRole('button', { name: 'Play Page Tune 21 by Tester' }).waitFor();
    assert.equal(await page.locator('.track').count(), 20);
    assert.equal(await page.getByRole('button', { name: '← Previous page' }).isDisabled(), true);
    await page.getByRole('button', { name: 'Next page →' }).click();
    await page.getByRole('button', { name: 'Play Page Tune 01 by Tester' }).waitFor();
    assert.equal(await page.locator('.track').count(), 1);
    await page.getByText('Page 2').waitFor();
    assert.equal(await page.getByRole('button', { name: 'Next page →' }).isDisabled(), true);
    await page.getByRole('button', { name: '← Previous page' }).click();
    await page.getByRole('button', { name: 'Play Page Tune 21 by Tester' }).waitFor();
    // A search narrows the list and starts again at page 1.
    await page.getByLabel('Search tracks by title or artist').fill('tune 07');
    await page.getByRole('button', { name: 'Play Page Tune 07 by Tester' }).waitFor();
    await page.waitForFunction(() => document.querySelectorAll('.track').length === 1);
    assert.equal(await page.locator('.pager').isHidden(), true);
    for (const track of tracks) await api(server.baseUrl, 'DELETE', `/api/tracks/${track._id}`, { token: admin.token });
    await closePage(tab);
  });

  test('a wrong password, an ended session and an unreachable server each say what to do', async () => {
    const user = await createUser(server.baseUrl);
    const tab = await openPage(server.baseUrl);
    const { page } = tab;
    await page.goto('/');
    await logInThroughUi(page, user.email, `${user.password}-wrong`);
    await page.locator('#login-form').getByText('Invalid email or password').waitFor();

    // A token the server no longer accepts: the page asks to log in again.
    await page.evaluate(() => localStorage.setItem('volkrin.token', 'not-a-valid-token'));
    await page.reload();
    await page.getByRole('alert').getByText('Your session has ended. Please log in again.').waitFor();
    await page.getByRole('alert').getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('heading', { name: 'Log in' }).waitFor();
    assert.equal(await page.evaluate(() => localStorage.getItem('volkrin.token')), null);
    await closePage(tab);
  });

  test('a stream URL that is too old or refused is replaced without losing the place', async () => {
    const admin = await createAdmin(server.baseUrl, ADMIN_SECRET);
    const track = await uploadByApi(server.baseUrl, admin.token, 'Long Pause');
    const tab = await openPage(server.baseUrl, { setup: (context) => context.clock.install() });
    const { page } = tab;
    const streamCalls = [];
    page.on('request', (req) => {
      if (/\/api\/tracks\/[0-9a-f]{24}\/stream$/.test(req.url())) streamCalls.push(req.url());
    });
    const refusedMedia = () => server.output().match(/GET \/media\/audio\/\S+ 403 /g)?.length ?? 0;
    const refusedBefore = refusedMedia();
    await page.goto('/');
    await page.getByRole('button', { name: 'Play Long Pause by Tester' }).click();
    await waitForPlayback(page, 1.5);
    await page.getByRole('button', { name: 'Pause', exact: true }).click();
    const pausedAt = await audioTime(page);
    const firstSrc = await page.locator('#audio').getAttribute('src');
    assert.equal(streamCalls.length, 1);

    // Next time the page asks, the server hands out a link whose expiry has passed (the
    // server refuses it with 403); the one after that is a good link again.
    await page.route('**/api/tracks/*/stream', async (route) => {
      const res = await route.fetch();
      const { url } = await res.json();
      const stale = new URL(url);
      stale.searchParams.set('expires', String(Math.floor(Date.now() / 1000) - 60));
      await route.fulfill({ response: res, json: { url: stale.toString() } });
    }, { times: 1 });

    await page.locator('#audio').evaluate((a) => {
      window.startedAt = [];
      a.addEventListener('playing', () => window.startedAt.push(a.currentTime));
    });
    // The listener comes back after more than 240 s: the page fetches a fresh link before
    // playing, that one is refused, so it fetches another, and resumes where it paused.
    await page.clock.fastForward('04:10');
    await page.getByRole('button', { name: 'Play', exact: true }).click();
    await waitForPlayback(page, pausedAt + 0.3);
    assert.equal(streamCalls.length, 3, 'one link for the start, one after the pause, one after the refusal');
    await server.waitForOutput(() => refusedMedia() > refusedBefore);
    assert.equal(refusedMedia(), refusedBefore + 1, 'the server refused the stale link once');
    const src = new URL(await page.locator('#audio').getAttribute('src'));
    assert.notEqual(src.href, firstSrc);
    assert.ok(Number(src.searchParams.get('expires')) * 1000 > Date.now() + 240_000, 'playing from a fresh link');
    // Playback went on from the pause, not from the start.
    const startedAt = await page.evaluate(() => window.startedAt);
    assert.ok(startedAt.length > 0 && startedAt.every((t) => Math.abs(t - pausedAt) < 0.3), `playing from ${startedAt} s, paused at ${pausedAt} s`);
    assert.equal(await page.locator('#notice').isHidden(), true, 'the listener was not bothered');

    await api(server.baseUrl, 'DELETE', `/api/tracks/${track._id}`, { token: admin.token });
    await closePage(tab);
  });

  test('when the server goes away the page says so and offers a retry', async () => {
    const tab = await openPage(server.baseUrl);
    const { page } = tab;
    await page.goto('/');
    await page.getByRole('heading', { name: 'Library' }).waitFor();
    await server.stop();
    server = undefined;
    await page.getByLabel('Search tracks by title or artist').fill('anything');
    const alert = page.getByRole('alert').filter({ hasText: 'Cannot reach the server' });
    await alert.waitFor();
    await alert.getByRole('button', { name: 'Retry' }).waitFor();
    await closePage(tab);
  });
});

describe('volkrin demo', () => {
  const dataDir = makeTempDir('volkrin-demo-');
  const demoEnv = { PATH: process.env.PATH, DATA_DIR: dataDir, PASSWORD_HASH_COST: 'min', APP_ENV: 'development', LOG_FORMAT: 'dev' };
  const runDemo = () => spawnSync(serverBinary, ['demo'], { cwd: dataDir, env: demoEnv, encoding: 'utf8', timeout: 60_000 });
  let server;
  after(async () => {
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  test('fills an empty instance once, and the player shows it at phone and desktop widths', async () => {
    const first = runDemo();
    assert.equal(first.status, 0, first.stderr);
    const credentials = /created the admin (\S+) with the password (\S+)/.exec(first.stdout);
    assert.ok(credentials, first.stdout);
    const again = runDemo();
    assert.equal(again.status, 1);
    assert.match(again.stderr, /already has tracks/);

    server = await startServer({ dataDir, env: { ADMIN_SECRET } });
    const tracks = (await api(server.baseUrl, 'GET', '/api/tracks')).json;
    assert.equal(tracks.length, 4);
    for (const track of tracks) assert.ok(track.durationMs > 5000 && track.format === 'wav', JSON.stringify(track));

    // Signed out, at phone width: the list with its covers (PNGs Chromium decodes).
    const phone = await openPage(server.baseUrl, { viewport: PHONE });
    await phone.page.goto('/');
    await phone.page.getByRole('button', { name: 'Play Morning Light by The Volkrin Ensemble' }).waitFor();
    await phone.page.waitForFunction(() => [...document.querySelectorAll('.track img')].every((img) => img.complete && img.naturalWidth === 160));
    await phone.page.screenshot({ path: path.join(screenshotDir, 'library-phone.png') });
    await navLink(phone.page, 'Log in').click();
    await phone.page.getByRole('heading', { name: 'Log in' }).waitFor();
    await phone.page.screenshot({ path: path.join(screenshotDir, 'login-phone.png') });
    await closePage(phone);

    // The demo admin at desktop width, playing.
    const desk = await openPage(server.baseUrl);
    const { page } = desk;
    await page.goto('/');
    await logInThroughUi(page, credentials[1], credentials[2]);
    await navLink(page, 'Demo Admin').waitFor();
    await page.getByRole('button', { name: 'Play Night Drive by Neon Pulse' }).click();
    await waitForPlayback(page, 1);
    await page.getByRole('button', { name: 'Pause', exact: true }).click();
    await page.waitForFunction(() => [...document.querySelectorAll('.track img')].every((img) => img.complete && img.naturalWidth === 160));
    await page.locator('#play-pause').blur();
    await page.screenshot({ path: path.join(screenshotDir, 'library-desktop.png') });
    await page.setViewportSize(PHONE);
    await page.screenshot({ path: path.join(screenshotDir, 'player-phone.png') });
    await page.setViewportSize(DESKTOP);
    await navLink(page, 'Admin').click();
    await page.locator('#user-list').getByText(credentials[1]).waitFor();
    await page.screenshot({ path: path.join(screenshotDir, 'admin-desktop.png') });
    await page.setViewportSize(PHONE);
    await page.screenshot({ path: path.join(screenshotDir, 'admin-phone.png') });
    await page.setViewportSize(DESKTOP);

    // Next and previous, by button and by key, through the list as it was when play began.
    const nowTitle = page.locator('#now-title');
    await navLink(page, 'Library').click();
    await page.getByRole('button', { name: 'Next track' }).click();
    await nowTitle.getByText('Morning Light').waitFor();
    await waitForPlayback(page, 0.2);
    assert.equal(await page.getByRole('button', { name: 'Next track' }).isDisabled(), true, 'the last track has no next');
    await page.locator('body').click({ position: { x: 5, y: 300 } });
    await page.keyboard.press('p');
    await nowTitle.getByText('Night Drive').waitFor();
    await page.keyboard.press('p');
    await nowTitle.getByText('Harbor Bells').waitFor();
    await page.keyboard.press('n');
    await nowTitle.getByText('Night Drive').waitFor();
    await waitForPlayback(page, 0.2);
    await page.getByRole('button', { name: 'Previous track' }).click();
    await nowTitle.getByText('Harbor Bells').waitFor();
    await closePage(desk);
    assert.ok(existsSync(path.join(screenshotDir, 'library-desktop.png')));
  });
});
