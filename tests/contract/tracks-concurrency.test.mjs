// Contract test of tracks under concurrent use: 16 workers upload, list, stream and delete
// the same tracks for a bounded time (30 s, or CONTRACT_SOAK_SECONDS). No answer may be a
// 5xx; a listed track either streams or is gone because another worker deleted it; the
// cached list shows every finished upload and no finished deletion; and once everything
// is deleted, no media are stored and no partial upload is left.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import {
  api,
  createAdmin,
  incomingEntries,
  listTracks,
  randomHex,
  startServer,
  storedMediaFiles,
  uploadTrack,
} from './harness.mjs';
import { image, tone } from './media-samples.mjs';

const JWT_SECRET = `jwt-secret-${randomHex(32)}`;
const ADMIN_SECRET = `admin-secret-${randomHex(16)}`;

const WORKERS = 16;
const SOAK_SECONDS = Number(process.env.CONTRACT_SOAK_SECONDS ?? 30);
// Above this many live tracks, workers delete more than they upload.
const TRACK_CEILING = 40;
const AUDIO_FORMATS = ['mp3', 'm4a', 'ogg', 'opus', 'flac'];

const pick = (items) => items[Math.floor(Math.random() * items.length)];

describe(`tracks under ${WORKERS} concurrent workers for ${SOAK_SECONDS} s`, () => {
  let server;
  let base;
  let admin;

  // What the workers know, updated as answers arrive (JavaScript runs one callback at a
  // time, so each check-and-update below is atomic):
  const sizes = new Map(); // track id → uploaded audio size
  const uploadedAt = new Map(); // track id → when its 201 arrived
  const deleting = new Set(); // ids a worker has sent DELETE for (a 404 is fine from then on)
  const deletedAt = new Map(); // track id → when its DELETE answered 200
  const seenInList = new Set(); // every id any list answered
  const counts = { upload: 0, list: 0, stream: 0, media: 0, delete: 0, goneWhileStreaming: 0 };
  const failures = [];

  const live = () => [...sizes.keys()].filter((id) => !deleting.has(id));

  function fail(message) {
    if (failures.length < 20) failures.push(message);
  }

  function checkStatus(what, res, expected) {
    if (res.status >= 500) fail(`${what} answered ${res.status}: ${res.text}`);
    else if (!expected.includes(res.status)) fail(`${what} answered ${res.status}, expected ${expected.join(' or ')}: ${res.text}`);
    return res.status;
  }

  async function doUpload() {
    const ext = pick(AUDIO_FORMATS);
    const audio = tone(ext);
    const res = await uploadTrack(base, admin.token, { title: `Soak ${randomHex(4)}`, artist: 'Soak', audio, thumbnail: image('png') });
    if (checkStatus('upload', res, [201]) === 201) {
      sizes.set(res.json.track._id, audio.bytes.length);
      uploadedAt.set(res.json.track._id, performance.now());
      counts.upload += 1;
    }
  }

  // Streams a track, which must work unless a worker has started deleting it.
  async function doStream(id) {
    const res = await api(base, 'GET', `/api/tracks/${id}/stream`);
    const status = checkStatus(`stream of ${id}`, res, [200, 404]);
    if (status === 404) {
      if (!deleting.has(id)) fail(`stream of ${id} answered 404 but no worker deleted it`);
      else counts.goneWhileStreaming += 1;
      return;
    }
    if (status !== 200) return;
    counts.stream += 1;
    const ranged = Math.random() < 0.5;
    const media = await fetch(res.json.url, { headers: ranged ? { Range: 'bytes=0-99' } : {}, signal: AbortSignal.timeout(10_000) });
    const body = Buffer.from(await media.arrayBuffer());
    const what = `media of ${id}${ranged ? ' (bytes=0-99)' : ''}`;
    if (media.status === 404 && deleting.has(id)) {
      counts.goneWhileStreaming += 1;
      return;
    }
    if (checkStatus(what, { status: media.status, text: body.toString('utf8', 0, 200) }, [ranged ? 206 : 200]) >= 300) return;
    const expected = ranged ? Math.min(100, sizes.get(id)) : sizes.get(id);
    if (body.length !== expected) fail(`${what} sent ${body.length} bytes, expected ${expected}`);
    counts.media += 1;
  }

  async function doList() {
    const sentAt = performance.now();
    const res = await api(base, 'GET', '/api/tracks');
    if (checkStatus('list', res, [200]) !== 200) return;
    counts.list += 1;
    const listed = new Set(res.json.map((track) => track._id));
    // The cache is invalidated at once: what finished before the request is reflected.
    for (const [id, at] of deletedAt) {
      if (at < sentAt && listed.has(id)) fail(`the list still had ${id}, deleted before it was requested`);
    }
    for (const [id, at] of uploadedAt) {
      if (at < sentAt && !deleting.has(id) && !listed.has(id)) fail(`the list missed ${id}, uploaded before it was requested`);
    }
    // A track whose 201 has not arrived yet may already be listed; it is checked at the end.
    for (const id of listed) seenInList.add(id);
    const sample = [...listed].filter((id) => sizes.has(id)).sort(() => Math.random() - 0.5).slice(0, 2);
    for (const id of sample) await doStream(id);
  }

  async function doDelete() {
    const candidates = live();
    if (candidates.length === 0) return doUpload();
    const id = pick(candidates);
    deleting.add(id);
    const res = await api(base, 'DELETE', `/api/tracks/${id}`, { token: admin.token });
    if (checkStatus(`delete of ${id}`, res, [200]) === 200) {
      deletedAt.set(id, performance.now());
      counts.delete += 1;
    }
  }

  async function worker(deadline) {
    while (performance.now() < deadline && failures.length === 0) {
      const crowded = live().length > TRACK_CEILING;
      const roll = Math.random();
      try {
        if (roll < (crowded ? 0.05 : 0.3)) await doUpload();
        else if (roll < 0.6) await doList();
        else if (roll < 0.8) {
          const candidates = [...sizes.keys()];
          if (candidates.length > 0) await doStream(pick(candidates));
        } else await doDelete();
      } catch (err) {
        fail(`request failed: ${err.cause?.message ?? err.message}`);
      }
    }
  }

  before(async () => {
    server = await startServer({ env: { JWT_SECRET, ADMIN_SECRET } });
    base = server.baseUrl;
    admin = await createAdmin(base, ADMIN_SECRET);
    AUDIO_FORMATS.forEach((ext) => tone(ext)); // made before the clock starts
    image('png');
  });

  after(async () => {
    await server?.stop();
  });

  it('never answers 5xx, and every listed track streams or was deleted by a worker', async () => {
    const deadline = performance.now() + SOAK_SECONDS * 1000;
    await Promise.all(Array.from({ length: WORKERS }, () => worker(deadline)));
    assert.deepEqual(failures, [], `after ${JSON.stringify(counts)}`);
    const strangers = [...seenInList].filter((id) => !sizes.has(id));
    assert.deepEqual(strangers, [], 'listed tracks that no worker uploaded');
    assert.ok(counts.upload > 0 && counts.list > 0 && counts.media > 0 && counts.delete > 0, `too little happened: ${JSON.stringify(counts)}`);
  });

  it('leaves no stored media once every track is deleted', async () => {
    for (const track of await listTracks(base)) {
      const res = await api(base, 'DELETE', `/api/tracks/${track._id}`, { token: admin.token });
      assert.equal(res.status, 200, res.text);
    }
    assert.deepEqual(await listTracks(base), []);
    assert.deepEqual(await storedMediaFiles(server.dataDir), []);
    assert.deepEqual(incomingEntries(server.dataDir), []);
  });
});
