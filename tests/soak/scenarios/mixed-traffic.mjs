// Soak scenario "mixed-traffic": for SOAK_MINUTES, concurrent loops of track listing (plain,
// paged, with ETag), search, logins (right and wrong passwords), admin uploads, streaming
// through the signed URL with Range checked byte for byte, and deletes, against one server
// on the embedded backends; its RSS and descriptors are sampled all along. Any 5xx, any
// unexpected status, wrong byte or missing track fails it; at the end the track rows, the
// media files and the client's own record must agree exactly.

import { randomInt } from 'node:crypto';
import { EventEmitter, once } from 'node:events';
import { existsSync } from 'node:fs';

import { api, createUser, incomingEntries, randomHex, storedMediaFiles, uploadTrack } from '../../contract/harness.mjs';
import { createAdminWithCli, loginToken, ProcessSampler, startSoakServer } from '../lib/server.mjs';
import { TrafficStats } from '../lib/stats.mjs';
import { fetchBytes, mediaFile, newUpload, randomRange, rangeProblem, searchTerms, sqlite, streamUrl, trackRows } from '../lib/tracks.mjs';

const LOGIN_USERS = 5;

// Resolves when emitter emits name, or after ms at the latest.
async function nextEvent(emitter, name, ms) {
  await once(emitter, name, { signal: AbortSignal.timeout(ms) }).catch(() => undefined);
}

function sortedNewestFirst(tracks) {
  for (let i = 1; i < tracks.length; i += 1) {
    if (tracks[i - 1].createdAt < tracks[i].createdAt) return false;
  }
  return true;
}

export default {
  name: 'mixed-traffic',
  describe: 'list, search, login, upload, stream (Range) and delete loops for SOAK_MINUTES; RSS sampled',
  budgetSeconds: (options) => options.minutes * 60 + 300,

  async run(ctx) {
    const { options, outcome } = ctx;
    const dataDir = ctx.tempDir('mixed-traffic-');
    const admin = { email: 'soak-admin@example.com', password: `soak-admin-${randomHex(12)}` };
    createAdminWithCli(dataDir, admin);
    const server = await startSoakServer({ dataDir });
    ctx.onCleanup(() => server.kill());
    const base = server.baseUrl;
    const token = await loginToken(base, admin.email, admin.password);
    const users = [];
    for (let i = 0; i < LOGIN_USERS; i += 1) users.push(await createUser(base));

    const stats = new TrafficStats();
    // The tracks this client uploaded and has not started to delete: id -> upload fields.
    const live = new Map();
    const changes = new EventEmitter();
    changes.setMaxListeners(100);
    const population = options.tracks;

    // Checks a response: a 5xx or a status not in `expected` is a failure. True when it
    // was one of `expected`.
    const expect = (operation, res, ...expected) => {
      if (expected.includes(res.status)) return true;
      const what = `${operation} answered ${res.status}: ${String(res.text ?? '').slice(0, 200)}`;
      if (res.status >= 500) outcome.fail(`${operation}: 5xx`, what);
      else outcome.fail(`${operation}: unexpected status`, what);
      return false;
    };

    const deadline = performance.now() + options.minutes * 60_000;
    const running = () => performance.now() < deadline && !ctx.signal.aborted && !server.exitInfo();
    const pick = () => {
      const ids = [...live.keys()];
      return ids.length ? ids[randomInt(ids.length)] : undefined;
    };
    // The ids live both before and after a request: those its answer must reflect.
    const stableDuring = async (request) => {
      const before = new Set(live.keys());
      const result = await request();
      const stable = [...before].filter((id) => live.has(id));
      return { result, stable };
    };

    async function uploadOne() {
      const fields = newUpload();
      const res = await stats.time('upload', () => uploadTrack(base, token, fields));
      if (!expect('upload', res, 201)) return;
      const track = res.json?.track;
      if (!track?._id || track.title !== fields.title) {
        outcome.fail('upload: wrong answer', res.text.slice(0, 300));
        return;
      }
      live.set(track._id, { ...fields, fileKey: track.fileKey });
      changes.emit('added');
    }

    async function listOnce() {
      const paged = randomInt(2) === 0;
      const query = paged ? `?limit=${1 + randomInt(50)}&offset=${randomInt(population + 10)}` : '';
      const label = paged ? 'list (limit/offset)' : 'list';
      const { result: res, stable } = await stableDuring(() => stats.time(label, () => api(base, 'GET', `/api/tracks${query}`)));
      if (!expect(label, res, 200)) return;
      if (!Array.isArray(res.json) || !sortedNewestFirst(res.json)) {
        outcome.fail(`${label}: wrong answer`, `not an array, newest first: ${res.text.slice(0, 200)}`);
        return;
      }
      if (paged) {
        const limit = Number(new URLSearchParams(query.slice(1)).get('limit'));
        if (res.json.length > limit) outcome.fail(`${label}: wrong answer`, `${res.json.length} tracks for ${query}`);
        return;
      }
      const listed = new Set(res.json.map((t) => t._id));
      const missing = stable.filter((id) => !listed.has(id));
      if (missing.length) outcome.fail('list: track missing', `${missing.length} uploaded tracks not listed, e.g. ${missing[0]}`);
    }

    async function listWithEtag() {
      const first = await stats.time('list', () => api(base, 'GET', '/api/tracks'));
      if (!expect('list', first, 200)) return;
      const etag = first.headers.get('etag');
      if (!etag) {
        outcome.fail('list: wrong answer', 'no ETag');
        return;
      }
      const again = await stats.time('list (If-None-Match)', () => api(base, 'GET', '/api/tracks', { headers: { 'If-None-Match': etag } }));
      expect('list (If-None-Match)', again, 200, 304);
    }

    async function searchOnce() {
      let term = searchTerms[randomInt(searchTerms.length)];
      if (randomInt(2)) term = term.toUpperCase();
      const paged = randomInt(4) === 0;
      const query = `?q=${encodeURIComponent(term)}${paged ? `&limit=${1 + randomInt(10)}` : ''}`;
      const { result: res, stable } = await stableDuring(() => stats.time('search', () => api(base, 'GET', `/api/tracks${query}`)));
      if (!expect('search', res, 200)) return;
      if (!Array.isArray(res.json)) {
        outcome.fail('search: wrong answer', res.text.slice(0, 200));
        return;
      }
      const needle = term.toLowerCase();
      const matches = (t) => t.title.toLowerCase().includes(needle) || t.artist.toLowerCase().includes(needle);
      const stray = res.json.find((t) => !matches(t));
      if (stray) outcome.fail('search: wrong answer', `"${term}" found "${stray.title}" by "${stray.artist}"`);
      if (paged) return;
      const found = new Set(res.json.map((t) => t._id));
      const missing = stable.filter((id) => matches(live.get(id) ?? { title: '', artist: '' }) && !found.has(id));
      if (missing.length) outcome.fail('search: track missing', `"${term}" missed ${missing.length} tracks, e.g. ${missing[0]}`);
    }

    async function loginOnce() {
      const user = users[randomInt(users.length)];
      const right = randomInt(2) === 0;
      const password = right ? user.password : `${user.password}-wrong`;
      const label = right ? 'login (right password)' : 'login (wrong password)';
      const res = await stats.time(label, () => api(base, 'POST', '/api/auth/login', { json: { email: user.email, password } }));
      if (!expect(label, res, right ? 200 : 401)) return;
      if (right && (!res.json?.token || res.json.email !== user.email)) outcome.fail(`${label}: wrong answer`, res.text.slice(0, 200));
    }

    async function streamOnce() {
      const id = pick();
      if (id === undefined) {
        await nextEvent(changes, 'added', 1000);
        return;
      }
      const track = live.get(id);
      const gone = (status) => status === 404 && !live.has(id);
      const signed = await stats.time('stream URL', () => streamUrl(base, id));
      if (gone(signed.status) || !expect('stream URL', signed, 200)) return;
      const audio = track.audio.bytes;
      for (let n = 1 + randomInt(3); n > 0; n -= 1) {
        const range = randomRange(audio.length);
        const res = await stats.time('media Range', () => fetchBytes(signed.url, range.header));
        if (gone(res.status)) return;
        if (res.status >= 500) outcome.fail('media Range: 5xx', `${res.status} for ${range.header}`);
        const problem = rangeProblem(res, range, audio);
        if (problem) outcome.fail(res.status === 206 ? 'media Range: wrong bytes' : 'media Range: unexpected status', `${id}: ${problem}`);
      }
      if (randomInt(5) === 0) {
        const whole = await stats.time('media whole', () => fetchBytes(signed.url));
        if (gone(whole.status) || !expect('media whole', whole, 200)) return;
        if (!whole.body.equals(audio)) outcome.fail('media whole: wrong bytes', `${id}: ${whole.body.length} bytes, expected ${audio.length}`);
      }
      if (randomInt(3) === 0) {
        const thumb = await stats.time('thumbnail', () => fetchBytes(`${base}/api/tracks/${id}/thumbnail`));
        if (gone(thumb.status) || !expect('thumbnail', thumb, 200)) return;
        if (!thumb.body.equals(track.thumbnail.bytes)) outcome.fail('thumbnail: wrong bytes', id);
      }
    }

    async function deleteOnce() {
      if (live.size <= population) {
        await nextEvent(changes, 'added', 1000);
        return;
      }
      const id = pick();
      const track = live.get(id);
      live.delete(id);
      changes.emit('removed');
      const res = await stats.time('delete', () => api(base, 'DELETE', `/api/tracks/${id}`, { token }));
      if (!expect('delete', res, 200)) return;
      if (existsSync(mediaFile(dataDir, track.fileKey))) outcome.fail('delete: audio file left', track.fileKey);
    }

    async function uploadLoopOnce() {
      // Uploads outrun deletes: past twice the population, wait for the deleter.
      if (live.size >= population * 2) {
        await nextEvent(changes, 'removed', 1000);
        return;
      }
      await uploadOne();
    }

    // One loop: calls step() until the time is up; a request that got no answer is a
    // failure, and the loop goes on unless the server has gone.
    const loop = async (name, step) => {
      while (running()) {
        try {
          await step();
        } catch (err) {
          if (server.exitInfo()) break;
          outcome.fail(`${name}: no answer`, err.message);
        }
      }
    };

    ctx.log(`seeding ${population} tracks`);
    while (live.size < population) await uploadOne();
    ctx.log(`running the traffic for ${options.minutes} min against pid ${server.pid}`);
    const sampler = new ProcessSampler(server.pid, options.rssIntervalMs);
    const started = performance.now();
    await Promise.all([
      loop('list', listOnce),
      loop('list', () => (randomInt(4) === 0 ? listWithEtag() : listOnce())),
      loop('search', searchOnce),
      loop('login', loginOnce),
      loop('upload', uploadLoopOnce),
      loop('upload', uploadLoopOnce),
      loop('stream', streamOnce),
      loop('stream', streamOnce),
      loop('delete', deleteOnce),
    ]);
    const elapsedS = (performance.now() - started) / 1000;
    sampler.stop();
    if (server.exitInfo()) outcome.fail('server exited', `${JSON.stringify(server.exitInfo())}\n${server.logTail()}`);
    const memory = sampler.summary();
    if (memory.rssGrows) {
      outcome.note('RSS grows', `last-quarter median ${memory.rssLastQuarterMedianMiB} MiB vs first-quarter ${memory.rssFirstQuarterMedianMiB} MiB`);
    }

    // The end state: the rows, the files and this client's record agree.
    let finalTracks;
    if (!server.exitInfo()) {
      const health = await api(base, 'GET', '/api/health');
      if (health.status !== 200) outcome.fail('health after the soak', `${health.status}`);
      const rows = trackRows(dataDir);
      finalTracks = rows.length;
      const rowIds = new Set(rows.map((r) => r.id));
      const lost = [...live.keys()].filter((id) => !rowIds.has(id));
      const extra = [...rowIds].filter((id) => !live.has(id));
      if (lost.length) outcome.fail('end state: uploaded track lost', lost.join(', '));
      if (extra.length) outcome.fail('end state: deleted track still there', extra.join(', '));
      const expectedFiles = rows.flatMap((r) => [r.file_key, r.thumbnail_key]).sort();
      const files = await storedMediaFiles(dataDir);
      const orphans = files.filter((f) => !expectedFiles.includes(f));
      const missing = expectedFiles.filter((f) => !files.includes(f));
      if (orphans.length) outcome.fail('end state: media file without a track', `${orphans.length}: ${orphans.slice(0, 5).join(', ')}`);
      if (missing.length) outcome.fail('end state: track without its media file', `${missing.length}: ${missing.slice(0, 5).join(', ')}`);
      if (incomingEntries(dataDir).length) outcome.fail('end state: partial upload left', incomingEntries(dataDir).join(', '));
      const integrity = sqlite(dataDir, 'PRAGMA integrity_check');
      if (integrity !== 'ok') outcome.fail('end state: SQLite integrity_check', integrity);
    }
    for (const line of server.problems()) outcome.note('server log warning or error', line);
    const stopped = await server.stop();
    if (stopped.code !== 0) outcome.fail('stop: SIGTERM did not end the server cleanly', JSON.stringify(stopped));

    const operations = stats.summary();
    const requests = Object.values(operations).reduce((sum, op) => sum + op.requests, 0);
    ctx.metrics = {
      minutes: options.minutes,
      elapsedS: Number(elapsedS.toFixed(1)),
      requests,
      requestsPerSecond: Number((requests / elapsedS).toFixed(1)),
      trackPopulation: population,
      tracksAtEnd: finalTracks,
      ...memory,
      operations,
      rssSamples: sampler.samples.map((s) => ({ atS: Number(s.atS.toFixed(1)), rssKiB: s.rssKiB, fds: s.fds, threads: s.threads })),
    };
    ctx.table(
      'Requests by operation',
      ['operation', 'requests', 'statuses', 'p50 ms', 'p99 ms', 'max ms'],
      Object.entries(operations).map(([name, op]) => [
        name,
        op.requests,
        Object.entries(op.statuses).map(([s, n]) => `${s}: ${n}`).join(', '),
        op.p50Ms,
        op.p99Ms,
        op.maxMs,
      ]),
    );
    ctx.table(
      `Server memory (VmRSS, sampled every ${options.rssIntervalMs / 1000} s)`,
      ['samples', 'at the start MiB', 'min MiB', 'median MiB', 'max MiB', 'first-quarter median', 'last-quarter median', 'growth', 'grows',
        'fds first/last/max'],
      [[
        memory.samples,
        memory.rssAtStartMiB,
        memory.rssMinMiB,
        memory.rssMedianMiB,
        memory.rssMaxMiB,
        memory.rssFirstQuarterMedianMiB,
        memory.rssLastQuarterMedianMiB,
        `${memory.rssGrowthPercent} %`,
        memory.rssGrows ? 'yes' : 'no',
        `${memory.fdsFirst}/${memory.fdsLast}/${memory.fdsMax}`,
      ]],
    );
    ctx.headline =
      `${requests} requests (${ctx.metrics.requestsPerSecond}/s) in ${ctx.metrics.elapsedS} s; ` +
      `RSS ${memory.rssMinMiB}/${memory.rssMedianMiB}/${memory.rssMaxMiB} MiB min/median/max, ` +
      `${memory.rssGrows ? 'grows' : 'flat'} (${memory.rssGrowthPercent} %)`;
  },
};
