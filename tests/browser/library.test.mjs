// Browser tests of the web player's library: the album grid (covers, placeholder, sort,
// search), an album page that plays in track order, an artist page, and the admin's upload
// of many files at once (picker and drop), each with its own title and artist read from the
// tags, its own progress and its own result.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { api, createAdmin, makeTempDir, serverBinary, startServer, uploadTrack } from '../contract/harness.mjs';
import { taggedTone } from '../contract/media-samples.mjs';
import { DESKTOP, PHONE, closePage, launchBrowser, navLink, openPage, waitForPlayback } from './page-harness.mjs';

const ADMIN_SECRET = 'browser-library-admin-secret';
const REFUSED = 'Upload failed: The audio file must be MP3, M4A/AAC, OGG/Opus, FLAC or WAV audio';

const scratch = makeTempDir('volkrin-browser-library-');
// VOLKRIN_SCREENSHOTS=docs/screenshots writes the README's screenshots of the albums.
const screenshotDir = process.env.VOLKRIN_SCREENSHOTS ? path.resolve(process.env.VOLKRIN_SCREENSHOTS) : path.join(scratch, 'screenshots');
mkdirSync(screenshotDir, { recursive: true });
let browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  rmSync(scratch, { recursive: true, force: true });
});

// The album tiles' names, in the order shown.
const tileNames = (page) => page.locator('#album-grid .album-name').allTextContents();

// Whether every image of the locator has loaded with pixels.
const imagesLoaded = (locator) => locator.evaluateAll((images) => images.length > 0 && images.every((img) => img.complete && img.naturalWidth > 0));

describe('the web player library', () => {
  const dataDir = makeTempDir();
  let server;
  let admin;
  const night = [];

  before(async () => {
    server = await startServer({ dataDir, env: { ADMIN_SECRET } });
    admin = await createAdmin(server.baseUrl, ADMIN_SECRET);
    const upload = async (audio) => {
      const res = await uploadTrack(server.baseUrl, admin.token, { audio });
      assert.equal(res.status, 201, res.text);
      return res.json.track;
    };
    // Uploaded out of order: the album page orders by track number.
    for (const n of [2, 3, 1]) {
      night[n] = await upload(taggedTone('mp3', { title: `Shape ${n}`, artist: 'Lumen', album: 'Night Shapes', track: String(n), date: '2020', genre: 'Ambient' }, { seconds: 3 }));
    }
    await upload(taggedTone('flac', { title: 'First Wave', artist: 'Zed', album: 'Alpha Waves', date: '1990' }));
    // An album without any cover art comes in through the import (an upload needs an image).
    const folder = path.join(scratch, 'import', 'Bare Room');
    mkdirSync(folder, { recursive: true });
    cpSync(taggedTone('mp3', { title: 'Empty Walls', artist: 'Lumen', album: 'Bare Room', date: '2015' }, { cover: null }).path, path.join(folder, 'walls.mp3'));
    const run = spawnSync(serverBinary, ['import', path.join(scratch, 'import')], {
      env: { PATH: process.env.PATH, DATA_DIR: dataDir, APP_ENV: 'development' },
      encoding: 'utf8',
      timeout: 60_000,
    });
    assert.equal(run.status, 0, `${run.stdout}\n${run.stderr}`);
  });

  after(async () => {
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  test('the album grid shows covers, sorts and searches, and an album page plays in order', async () => {
    const tab = await openPage(browser, server.baseUrl);
    const { page } = tab;
    await page.goto('/');
    await navLink(page, 'Albums').click();
    await page.getByRole('heading', { name: 'Albums' }).waitFor();
    await page.waitForFunction(() => document.querySelectorAll('#album-grid li').length === 3);
    assert.deepEqual(await tileNames(page), ['Alpha Waves', 'Bare Room', 'Night Shapes']);
    assert.ok(await imagesLoaded(page.locator('#album-grid img:not(.placeholder)')), 'the covers did not load');
    assert.equal(await page.locator('#album-grid img:not(.placeholder)').count(), 2);
    const bare = page.locator('#album-grid li', { hasText: 'Bare Room' });
    assert.equal(await bare.locator('img.placeholder').count(), 1, 'the album without art shows the placeholder');
    await bare.getByText('Lumen · 2015').waitFor();
    await page.screenshot({ path: path.join(screenshotDir, 'albums-desktop.png') });

    await page.getByLabel('Sort by').selectOption('artist');
    await page.waitForFunction(() => document.querySelector('#album-grid .album-name')?.textContent === 'Bare Room' && document.querySelectorAll('#album-grid li').length === 3);
    assert.deepEqual(await tileNames(page), ['Bare Room', 'Night Shapes', 'Alpha Waves']);
    await page.getByLabel('Search albums by name or artist').fill('night');
    await page.waitForFunction(() => document.querySelectorAll('#album-grid li').length === 1);
    assert.deepEqual(await tileNames(page), ['Night Shapes']);

    // The album page: its tracks by number, played from the first.
    await page.getByRole('link', { name: 'Night Shapes by Lumen' }).click();
    await page.getByRole('heading', { name: 'Night Shapes' }).waitFor();
    assert.equal(page.url(), `${server.baseUrl}/#album/${night[1].albumId}`);
    await page.getByText('2020 · Ambient · 3 tracks').waitFor();
    const titles = await page.locator('#album-tracks .track-title').allTextContents();
    assert.deepEqual(titles, ['Shape 1', 'Shape 2', 'Shape 3']);
    assert.ok(await imagesLoaded(page.locator('#album-cover')));
    await page.getByRole('button', { name: 'Play album' }).click();
    await page.locator('#now-title').getByText('Shape 1').waitFor();
    await waitForPlayback(page, 0.3);
    await page.getByRole('button', { name: 'Next track' }).click();
    await page.locator('#now-title').getByText('Shape 2').waitFor();
    assert.equal(await page.locator('#album-tracks .track[aria-current="true"] .track-title').textContent(), 'Shape 2');
    await page.getByRole('button', { name: 'Pause', exact: true }).click();
    await page.setViewportSize(PHONE);
    await page.screenshot({ path: path.join(screenshotDir, 'album-phone.png') });
    await page.setViewportSize(DESKTOP);

    // The artist page: both albums and all tracks of Lumen.
    await page.locator('#album-artist').click();
    await page.getByRole('heading', { name: 'Lumen' }).waitFor();
    await page.getByText('2 albums · 4 tracks').waitFor();
    assert.deepEqual(await page.locator('#artist-albums .album-name').allTextContents(), ['Bare Room', 'Night Shapes']);
    assert.equal(await page.locator('#artist-tracks .track').count(), 4);
    await page.getByRole('button', { name: 'Play Empty Walls by Lumen' }).click();
    await page.locator('#now-title').getByText('Empty Walls').waitFor();
    await waitForPlayback(page, 0.2);

    // The track list links each track to its album.
    await navLink(page, 'Library').click();
    await page.locator('.track', { hasText: 'First Wave' }).getByRole('link', { name: 'Alpha Waves' }).click();
    await page.getByRole('heading', { name: 'Alpha Waves' }).waitFor();

    // An album that is gone says so.
    await page.goto('/#album/0123456789abcdef01234567');
    await page.getByText('This album is not in the library (any more).').waitFor();
    await closePage(tab);
  });

  test('an admin uploads many files at once, by picker and by drop, each with its own result', async () => {
    const tab = await openPage(browser, server.baseUrl, {
      setup: (context) => context.addInitScript((token) => localStorage.setItem('volkrin.token', token), admin.token),
    });
    const { page } = tab;
    await page.goto('/#admin');
    await page.getByRole('heading', { name: 'Upload tracks' }).waitFor();

    const one = taggedTone('mp3', { title: 'Batch One', artist: 'Multi Artist', album: 'Fresh Batch', track: '1' }, { name: 'one.mp3' });
    const two = taggedTone('flac', { title: 'Batch Two', artist: 'Multi Artist', album: 'Fresh Batch', track: '2' }, { name: 'two.flac' });
    const notes = path.join(scratch, 'notes.mp3');
    writeFileSync(notes, 'these are words, not sound\n'.repeat(400));
    const form = page.locator('#upload-form');
    await form.getByLabel('Choose audio files').setInputFiles([one.path, two.path, notes]);
    await page.waitForFunction(() => document.querySelectorAll('.upload-item[data-tags-read]').length === 3);
    assert.equal(await form.getByLabel('Title of one.mp3').inputValue(), 'Batch One');
    assert.equal(await form.getByLabel('Artist of one.mp3').inputValue(), 'Multi Artist');
    assert.equal(await form.getByLabel('Title of two.flac').inputValue(), 'Batch Two');
    assert.equal(await form.getByLabel('Title of notes.mp3').inputValue(), '', 'no tags, so the server decides');

    // A title changed before uploading is what the track gets.
    await form.getByLabel('Title of two.flac').fill('Batch Two (edit)');
    await form.getByRole('button', { name: 'Upload all' }).click();
    await form.getByText('Uploaded “Batch One” by Multi Artist.').waitFor();
    await form.getByText('Uploaded “Batch Two (edit)” by Multi Artist.').waitFor();
    await form.locator('.upload-item', { hasText: 'notes.mp3' }).getByText(REFUSED).waitFor();
    await form.getByText('2 uploaded, 1 failed.').waitFor();
    await page.screenshot({ path: path.join(screenshotDir, 'upload-desktop.png'), fullPage: true });
    assert.equal(await form.getByLabel('Upload progress of one.mp3').evaluate((p) => p.value), 1);

    // A file dropped onto the upload area joins the list, read like the others.
    const dropped = taggedTone('mp3', { title: 'Dropped In', artist: 'Multi Artist', album: 'Fresh Batch', track: '3' }, { name: 'dropped.mp3' });
    await page.evaluate(({ name, bytes }) => {
      const data = new DataTransfer();
      data.items.add(new File([new Uint8Array(bytes)], name, { type: 'audio/mpeg' }));
      document.querySelector('#drop-zone').dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }));
    }, { name: 'dropped.mp3', bytes: [...readFileSync(dropped.path)] });
    await page.waitForFunction(() => document.querySelector('.upload-item:last-child')?.dataset.tagsRead === 'true');
    assert.equal(await form.getByLabel('Title of dropped.mp3').inputValue(), 'Dropped In');
    await form.getByRole('button', { name: 'Remove notes.mp3' }).click();
    await form.getByRole('button', { name: 'Upload all' }).click();
    await form.getByText('Uploaded “Dropped In” by Multi Artist.').waitFor();
    await form.getByText('1 uploaded.').waitFor();

    // The new album, with the cover embedded in the files.
    await navLink(page, 'Albums').click();
    const tile = page.locator('#album-grid li', { hasText: 'Fresh Batch' });
    await tile.waitFor();
    assert.ok(await imagesLoaded(tile.locator('img.album-cover:not(.placeholder)')), 'the embedded cover is not the album cover');
    const album = (await api(server.baseUrl, 'GET', '/api/albums?q=Fresh%20Batch')).json[0];
    assert.equal(album.trackCount, 3);
    await closePage(tab);
  });
});
