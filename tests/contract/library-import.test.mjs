// Contract test of `volkrin import DIR...` beside a running server on the same data
// directory: a tree of a few hundred generated files (nested folders, duplicates, a text file
// named .mp3, a cut-short M4A, a folder cover, hidden and non-audio files) is imported once,
// a second run imports nothing, and an import stopped with SIGINT leaves no partial track or
// orphan object and is completed by running it again. The server sees new tracks at once:
// through Redis in the services profile, through the store's library version otherwise.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import {
  api,
  backendEnvironment,
  createAdmin,
  incomingEntries,
  makeTempDir,
  randomHex,
  readStoredMedia,
  serverBinary,
  startServer,
  storedMediaFiles,
  waitFor,
} from './harness.mjs';
import { badSamples, image, taggedTone } from './media-samples.mjs';

const ADMIN_SECRET = `admin-secret-${randomHex(16)}`;
const ALBUMS = 25;
const TRACKS_PER_ALBUM = 10;

// An ID3v1 tag (128 bytes at the end of an MP3): a cheap way to make many distinct tagged
// files from one encoded tone.
function id3v1({ title, artist, album, year = '', track }) {
  const tag = Buffer.alloc(128);
  tag.write('TAG', 0, 'latin1');
  tag.write(title.slice(0, 30), 3, 'latin1');
  tag.write(artist.slice(0, 30), 33, 'latin1');
  tag.write(album.slice(0, 30), 63, 'latin1');
  tag.write(year.slice(0, 4), 93, 'latin1');
  tag[125] = 0; // ID3v1.1: the next byte is the track number
  tag[126] = track;
  tag[127] = 255; // no genre
  return tag;
}

// Writes `count` MP3s below dir/<Artist>/<Album k>/ with ID3v1 tags; returns their paths.
function writeAlbums(dir, base, { artist, albums, perAlbum }) {
  const files = [];
  for (let a = 0; a < albums; a += 1) {
    const folder = path.join(dir, artist, `Album ${a}`);
    mkdirSync(folder, { recursive: true });
    for (let t = 1; t <= perAlbum; t += 1) {
      const file = path.join(folder, `${String(t).padStart(2, '0')} - Track ${t}.mp3`);
      writeFileSync(file, Buffer.concat([base, id3v1({ title: `Track ${t} of ${a}`, artist, album: `${artist} Album ${a}`, year: '2001', track: t })]));
      files.push(file);
    }
  }
  return files;
}

// Runs `volkrin import` to its end; resolves {code, signal, stdout, stderr}.
// onStderr(text so far, child) is called as standard error grows.
function runImport(env, args, { onStderr } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(serverBinary, ['import', ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
      onStderr?.(stderr, child);
    });
    child.on('error', reject);
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

describe('volkrin import', () => {
  const dataDir = makeTempDir();
  const treeDir = makeTempDir('volkrin-tree-');
  let server;
  let base;
  let admin;
  let importEnv;
  let albumFiles;
  const cover = image('jpg');

  const allTracks = async () => {
    const res = await api(base, 'GET', '/api/tracks');
    assert.equal(res.status, 200, res.text);
    return res.json;
  };
  const summaryCount = (stdout, label) => Number(new RegExp(`^${label}:? (\\d+)`, 'm').exec(stdout)?.[1]);
  const importedCount = (stdout) => Number(/^imported (\d+) track/m.exec(stdout)?.[1]);

  before(async () => {
    const backends = await backendEnvironment(dataDir);
    server = await startServer({ dataDir, env: { ADMIN_SECRET } });
    base = server.baseUrl;
    admin = await createAdmin(base, ADMIN_SECRET);
    importEnv = { PATH: process.env.PATH ?? '/usr/bin:/bin', DATA_DIR: dataDir, APP_ENV: 'development', WORKER_THREADS: '2', ...backends };

    // One untagged tone; each copy gets its own ID3v1 tag, so its own bytes.
    const tone = taggedTone('mp3', {}, { cover: null });
    const untagged = tone.bytes;
    albumFiles = writeAlbums(treeDir, untagged, { artist: 'Importers', albums: ALBUMS, perAlbum: TRACKS_PER_ALBUM });
    // A folder cover for Album 0, in upper case.
    writeFileSync(path.join(treeDir, 'Importers', 'Album 0', 'COVER.JPG'), cover.bytes);
    // Tagged files with embedded covers, deeper down.
    const deep = path.join(treeDir, 'Various', 'disc 1', 'extra');
    mkdirSync(deep, { recursive: true });
    for (const ext of ['flac', 'ogg', 'm4a']) {
      cpSync(taggedTone(ext, { title: `Deep ${ext}`, artist: 'Diver', album: 'Depths', track: '1' }).path, path.join(deep, `deep.${ext}`));
    }
    // Duplicates: the same bytes under other names.
    mkdirSync(path.join(treeDir, 'copies'));
    for (let i = 0; i < 5; i += 1) cpSync(albumFiles[i * 7], path.join(treeDir, 'copies', `copy ${i}.mp3`));
    // Refused: text named .mp3 and an M4A cut short. Ignored: notes, a playlist, hidden files.
    writeFileSync(path.join(treeDir, 'fake.mp3'), 'this is not an mp3\n'.repeat(300));
    writeFileSync(path.join(treeDir, 'Various', 'broken.m4a'), badSamples().truncated.bytes);
    writeFileSync(path.join(treeDir, 'notes.txt'), 'liner notes\n');
    writeFileSync(path.join(treeDir, 'Various', 'list.m3u'), '#EXTM3U\n');
    mkdirSync(path.join(treeDir, '.trash'));
    cpSync(taggedTone('mp3', { title: 'Hidden' }).path, path.join(treeDir, '.trash', 'hidden.mp3'));
  });

  after(async () => {
    await server?.stop();
  });

  const uniqueAudio = ALBUMS * TRACKS_PER_ALBUM + 3;

  it('imports every audio file once, reports the refused ones, and the server lists them at once', async () => {
    const before = await allTracks(); // fills the server's cache, which the import must drop
    assert.equal(before.length, 0);

    const run = await runImport(importEnv, [treeDir]);
    assert.equal(run.code, 3, `exit ${run.code}\n${run.stdout}\n${run.stderr}`);
    assert.equal(importedCount(run.stdout), uniqueAudio, run.stdout);
    assert.equal(summaryCount(run.stdout, 'already present'), 5, run.stdout);
    assert.equal(summaryCount(run.stdout, 'refused'), 2, run.stdout);
    assert.match(run.stdout, /^refused .*\/fake\.mp3: not audio$/m);
    assert.match(run.stdout, /^refused .*\/broken\.m4a: unreadable$/m);
    assert.match(run.stdout, /^ignored \(not audio\): 3$/m, 'the cover, the notes and the playlist');
    assert.doesNotMatch(run.stdout, /hidden/i);

    await waitFor(async () => (await allTracks()).length === uniqueAudio, { timeoutMs: 10_000, what: 'the server listing the imported tracks' });
    const tracks = await allTracks();
    assert.ok(tracks.every((track) => track.uploadedBy?._id === admin._id), 'the tracks are uploaded by the admin');

    const albums = (await api(base, 'GET', '/api/albums?q=Importers&limit=1000')).json;
    assert.equal(albums.length, ALBUMS);
    assert.ok(albums.every((album) => album.trackCount === TRACKS_PER_ALBUM && album.year === 2001));
    const first = albums.find((album) => album.name === 'Importers Album 0');
    const detail = (await api(base, 'GET', `/api/albums/${first._id}`)).json;
    assert.deepEqual(detail.tracks.map((t) => t.trackNumber), Array.from({ length: TRACKS_PER_ALBUM }, (_, i) => i + 1));
    // Album 0 takes its folder's cover; the others have none.
    const coverRes = await fetch(new URL(first.coverUrl, base));
    assert.equal(coverRes.status, 200);
    assert.ok(Buffer.from(await coverRes.arrayBuffer()).equals(cover.bytes), 'the folder cover is not the album cover');
    assert.equal(albums.find((album) => album.name === 'Importers Album 1').coverUrl, null);
    const untitled = tracks.find((t) => t.album === 'Importers Album 1');
    assert.equal(untitled.thumbnailUrl, null);
    assert.equal((await api(base, 'GET', `/api/tracks/${untitled._id}/thumbnail`)).status, 404);

    const depths = (await api(base, 'GET', '/api/albums?q=Depths')).json;
    assert.equal(depths.length, 1);
    assert.equal(depths[0].trackCount, 3);
    assert.notEqual(depths[0].coverUrl, null, 'the embedded covers are used');

    // Exactly the audio of each track, plus the two kinds of covers, and nothing half-written.
    const objects = await storedMediaFiles(dataDir);
    const audioObjects = objects.filter((key) => key.startsWith('audio/'));
    assert.equal(audioObjects.length, uniqueAudio);
    assert.deepEqual(incomingEntries(dataDir), []);
    const sample = tracks.find((t) => t.title === 'Track 3 of 4');
    assert.ok((await readStoredMedia(dataDir, sample.fileKey)).equals(readFileSync(path.join(treeDir, 'Importers', 'Album 4', '03 - Track 3.mp3'))));
  });

  it('imports nothing on a second run and writes nothing', async () => {
    const objectsBefore = await storedMediaFiles(dataDir);
    const run = await runImport(importEnv, [treeDir]);
    assert.equal(run.code, 3, run.stdout);
    assert.equal(importedCount(run.stdout), 0, run.stdout);
    assert.equal(summaryCount(run.stdout, 'already present'), uniqueAudio + 5, run.stdout);
    assert.deepEqual(await storedMediaFiles(dataDir), objectsBefore);
    assert.equal((await allTracks()).length, uniqueAudio);
  });

  it('stops cleanly on SIGINT after the files in progress, and a second run completes the import', async () => {
    const moreDir = makeTempDir('volkrin-tree-more-');
    const tone = taggedTone('mp3', {}, { cover: null, seconds: 2 });
    const more = writeAlbums(moreDir, tone.bytes, { artist: 'Latecomers', albums: 40, perAlbum: 10 });
    const env = { ...importEnv, WORKER_THREADS: '1' };
    let signalled = false;
    const stopped = await runImport(env, [moreDir, '--progress', '0.05'], {
      onStderr: (text, child) => {
        if (!signalled && /^import: [1-9]\d*\//m.test(text)) {
          signalled = true;
          child.kill('SIGINT');
        }
      },
    });
    assert.ok(signalled, `no progress line came:\n${stopped.stderr}`);
    assert.equal(stopped.code, 130, `exit ${stopped.code}\n${stopped.stdout}\n${stopped.stderr}`);
    assert.match(stopped.stdout, /^interrupted: /m);
    const partly = importedCount(stopped.stdout);
    assert.ok(partly > 0 && partly < more.length, `imported ${partly} of ${more.length} before the stop`);

    // Every listed track has its audio, and every stored audio object belongs to a track.
    await waitFor(async () => (await allTracks()).length === uniqueAudio + partly, { timeoutMs: 10_000, what: 'the partial import listed' });
    const keysOf = async () => (await storedMediaFiles(dataDir)).filter((key) => key.startsWith('audio/')).sort();
    const listedKeys = (await allTracks()).map((t) => t.fileKey).sort();
    assert.deepEqual(await keysOf(), listedKeys);
    assert.deepEqual(incomingEntries(dataDir), []);

    const rest = await runImport(env, [moreDir]);
    assert.equal(rest.code, 0, `${rest.stdout}\n${rest.stderr}`);
    assert.equal(importedCount(rest.stdout), more.length - partly);
    assert.equal(summaryCount(rest.stdout, 'already present'), partly);
    await waitFor(async () => (await allTracks()).length === uniqueAudio + more.length, { timeoutMs: 10_000, what: 'the completed import listed' });
    const titles = (await allTracks()).map((t) => `${t.album}/${t.title}`);
    assert.equal(new Set(titles).size, titles.length, 'a file was imported twice');
    assert.deepEqual(await keysOf(), (await allTracks()).map((t) => t.fileKey).sort());
  });

  it('answers usage errors with exit 2 and a line naming the problem', async () => {
    const missing = await runImport(importEnv, [path.join(treeDir, 'no-such-folder')]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /no-such-folder: no such folder/);
    const none = await runImport(importEnv, []);
    assert.equal(none.code, 2);
    assert.match(none.stderr, /usage: volkrin import DIR/);
    const notAdmin = await runImport(importEnv, [treeDir, '--as', 'nobody@example.com']);
    assert.equal(notAdmin.code, 2);
    assert.match(notAdmin.stderr, /nobody@example\.com is not an admin/);
  });
});
