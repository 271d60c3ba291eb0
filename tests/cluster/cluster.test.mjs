// Two volkrin instances behind nginx (round robin) sharing one PostgreSQL, one Redis and one
// S3 bucket (s3rver), all private to this test: accounts, the cached track list, uploads
// and deletes, and the rate limits are the same whichever instance answers; Redis stopped
// and started again, and PostgreSQL restarted, are ridden out without restarting volkrin;
// and a slow database read on a third instance cannot put an outdated list in the cache.
//
// The requests that count against a per-address limit name their client address in
// X-Forwarded-For (TRUST_PROXY covers the loopback, where both this test and nginx are),
// so that each check has an address of its own. The addresses are documentation ones
// (RFC 5737), only ever written in that header.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import {
  api,
  listTracks,
  makeTempDir,
  metricValue,
  newUserFields,
  randomHex,
  readMetrics,
  startServer,
  uploadTrack,
  waitFor,
} from '../contract/harness.mjs';
import {
  postgresInstalled,
  PrivateRedis,
  redisCommand,
  startHoldingProxy,
  startNginx,
  startPostgres,
  startS3rver,
  which,
} from './services.mjs';

const missing = ['redis-server', 'nginx', 'ffmpeg'].filter((command) => !which(command));
if (!postgresInstalled()) missing.push('postgresql');
const required = process.env.VOLKRIN_REQUIRE_SERVICES === '1';
const skip = missing.length > 0 && !required ? `not installed: ${missing.join(', ')}` : false;

const ADMIN_SECRET = `admin-${randomHex(8)}`;
const KEY_PREFIX = `volkrin-cluster-${randomHex(4)}:`;
const LIMITS = { loginPerAccount: 5, loginPerAccountAddress: 2, loginPerAddress: 8, signupPerAddress: 3 };
const TOO_MANY = { message: 'Too many requests, please try again later' };
const NOT_FOUND = { message: 'Track not found' };
// A 1x1 PNG.
const PNG = Buffer.from(
  '89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082',
  'hex',
);

let addressCount = 0;
// A client address no other check uses.
function freshAddress() {
  addressCount += 1;
  return `198.51.100.${addressCount}`;
}

const from = (address) => ({ 'X-Forwarded-For': address });

function signup(base, fields, address = freshAddress()) {
  return api(base, 'POST', '/api/auth/signup', { json: fields, headers: from(address) });
}

function login(base, email, password, address = freshAddress()) {
  return api(base, 'POST', '/api/auth/login', { json: { email, password }, headers: from(address) });
}

async function createUser(base, overrides = {}) {
  const fields = newUserFields(overrides);
  const res = await signup(base, fields);
  assert.equal(res.status, 201, `signup through ${base}: ${res.text}`);
  return { ...fields, ...res.json };
}

function assertTooMany(res, windowSeconds, where) {
  assert.equal(res.status, 429, `${where}: ${res.status} ${res.text}`);
  assert.deepEqual(res.json, TOO_MANY);
  const retryAfter = res.headers.get('retry-after') ?? '';
  assert.match(retryAfter, /^\d+$/, `${where}: Retry-After ${retryAfter}`);
  assert.ok(Number(retryAfter) >= 1 && Number(retryAfter) <= windowSeconds, `${where}: Retry-After ${retryAfter}`);
}

async function metric(base, name) {
  const value = metricValue(await readMetrics(base), name);
  assert.ok(value !== undefined, `${base}/metrics has no ${name}`);
  return value;
}

async function cacheErrors(base) {
  const match = /^volkrin_backend_errors_total\{backend="cache"\} (\d+)$/m.exec(await readMetrics(base));
  assert.ok(match, `${base}/metrics has no cache error count`);
  return Number(match[1]);
}

const ids = (tracks) => tracks.map((track) => track._id);

describe('two instances behind nginx', { skip }, () => {
  let postgres;
  let s3;
  let redis;
  let nginx;
  let a;
  let b;
  let audio;
  let workDir;
  // name -> base URL of each way in, and the nginx upstream name of each instance.
  let ways;
  let upstreamOf;
  // The environment both instances run with.
  let env;

  before(async () => {
    workDir = makeTempDir('volkrin-cluster-');
    const file = path.join(workDir, 'tone.mp3');
    execFileSync('ffmpeg', ['-loglevel', 'error', '-f', 'lavfi', '-i', 'sine=frequency=440:duration=1', file]);
    audio = readFileSync(file);

    // Each one kept as soon as it runs, so that after() stops it even if another failed.
    const started = await Promise.allSettled([
      startPostgres().then((service) => (postgres = service)),
      startS3rver().then((service) => (s3 = service)),
      PrivateRedis.create().then((service) => (redis = service)),
    ]);
    const failed = started.filter((result) => result.status === 'rejected');
    if (failed.length > 0) {
      throw new Error(`a private service did not start:\n${failed.map((result) => result.reason.stack).join('\n')}`);
    }
    env = {
      DATABASE_URL: postgres.url,
      REDIS_URL: redis.url,
      REDIS_KEY_PREFIX: KEY_PREFIX,
      S3_BUCKET: s3.bucket,
      S3_ENDPOINT: s3.endpoint,
      AWS_ACCESS_KEY_ID: s3.accessKeyId,
      AWS_SECRET_ACCESS_KEY: s3.secretAccessKey,
      AWS_REGION: 'us-east-1',
      JWT_SECRET: randomHex(32),
      ADMIN_SECRET,
      TRUST_PROXY: '127.0.0.0/8',
      RATE_LIMIT_LOGIN_PER_ACCOUNT: `${LIMITS.loginPerAccount}/1m`,
      RATE_LIMIT_LOGIN_PER_ACCOUNT_ADDRESS: `${LIMITS.loginPerAccountAddress}/1m`,
      RATE_LIMIT_LOGIN_PER_ADDRESS: `${LIMITS.loginPerAddress}/1m`,
      RATE_LIMIT_SIGNUP_PER_ADDRESS: `${LIMITS.signupPerAddress}/1m`,
    };
    // Both at once, as a deployment starts them: the schema migration must cope.
    [a, b] = await Promise.all([startServer({ env }), startServer({ env })]);
    await Promise.all([a.waitForOutput('cache: Redis at'), b.waitForOutput('cache: Redis at')]);
    nginx = await startNginx([a.port, b.port]);
    ways = { A: a.baseUrl, B: b.baseUrl, nginx: nginx.baseUrl };
    upstreamOf = { [`127.0.0.1:${a.port}`]: 'A', [`127.0.0.1:${b.port}`]: 'B' };
  });

  after(async () => {
    await nginx?.stop();
    await Promise.all([a?.stop(), b?.stop()]);
    await Promise.all([redis?.destroy(), s3?.stop(), postgres?.stop()]);
    if (workDir) execFileSync('rm', ['-rf', workDir]);
  });

  async function createAdmin(base) {
    return createUser(base, { role: 'admin', adminSecret: ADMIN_SECRET });
  }

  async function upload(base, token, title) {
    const res = await uploadTrack(base, token, {
      title,
      artist: 'Cluster',
      audio: { bytes: audio, name: 'tone.mp3', mime: 'audio/mpeg' },
      thumbnail: { bytes: PNG, name: 'cover.png', mime: 'image/png' },
    });
    assert.equal(res.status, 201, `upload through ${base}: ${res.text}`);
    return res.json.track;
  }

  // The stream URL of a track, fetched: the audio bytes from the shared bucket.
  async function assertStreams(base, id) {
    const res = await api(base, 'GET', `/api/tracks/${id}/stream`);
    assert.equal(res.status, 200, `stream through ${base}: ${res.text}`);
    const media = await fetch(res.json.url);
    assert.equal(media.status, 200, `${res.json.url} through ${base}`);
    assert.ok(Buffer.from(await media.arrayBuffer()).equals(audio), 'the streamed bytes are the uploaded audio');
    return res.json.url;
  }

  async function assertGone(base, id) {
    for (const what of ['stream', 'audio', 'thumbnail']) {
      const res = await api(base, 'GET', `/api/tracks/${id}/${what}`);
      assert.equal(res.status, 404, `${what} through ${base}: ${res.text}`);
      assert.deepEqual(res.json, NOT_FOUND);
    }
    assert.ok(!ids(await listTracks(base)).includes(id), `the track is still listed through ${base}`);
  }

  // Which instance nginx handed a response to.
  function servedBy(res) {
    const name = upstreamOf[res.headers.get('x-upstream')];
    assert.ok(name, `X-Upstream: ${res.headers.get('x-upstream')}`);
    return name;
  }

  it('signs up through A and logs in through B, directly and through nginx', async () => {
    const user = await createUser(a.baseUrl);
    const onB = await login(b.baseUrl, user.email, user.password);
    assert.equal(onB.status, 200, onB.text);
    assert.equal(onB.json._id, user._id);

    // One secret, one users table: each instance takes the other's token.
    for (const [base, token] of [[b.baseUrl, user.token], [a.baseUrl, onB.json.token]]) {
      const me = await api(base, 'GET', '/api/auth/me', { token });
      assert.equal(me.status, 200, me.text);
      assert.equal(me.json._id, user._id);
    }
    const again = await signup(b.baseUrl, { name: 'Again', email: user.email.toUpperCase(), password: 'another password' });
    assert.equal(again.status, 400, again.text);
    assert.deepEqual(again.json, { message: 'User already exists' });

    // Through nginx: signed up on one instance, logged in on both.
    const viaNginx = await createUser(nginx.baseUrl);
    const servers = new Set();
    for (let i = 0; i < 2; i += 1) {
      const res = await login(nginx.baseUrl, viaNginx.email, viaNginx.password);
      assert.equal(res.status, 200, res.text);
      assert.equal(res.json._id, viaNginx._id);
      servers.add(servedBy(res));
    }
    assert.deepEqual([...servers].sort(), ['A', 'B']);
    for (const base of [a.baseUrl, b.baseUrl]) {
      assert.equal((await login(base, viaNginx.email, viaNginx.password)).status, 200, base);
    }
  });

  it('lists an upload through A at once on B, and a delete through A is a 404 on both', async () => {
    const admin = await createAdmin(a.baseUrl);
    const first = await upload(a.baseUrl, admin.token, 'Already there');

    // The list is cached in Redis: filled by B, it is a hit on B and on A.
    const listed = ids(await listTracks(b.baseUrl));
    assert.ok(listed.includes(first._id));
    for (const base of [b.baseUrl, a.baseUrl]) {
      const hits = await metric(base, 'volkrin_cache_hits_total');
      assert.deepEqual(ids(await listTracks(base)), listed);
      assert.equal(await metric(base, 'volkrin_cache_hits_total'), hits + 1, `no cache hit on ${base}`);
    }
    assert.equal((await redisCommand(redis.port, ['EXISTS', `${KEY_PREFIX}tracks:all`])).trim(), ':1');

    const track = await upload(a.baseUrl, admin.token, 'Through A');
    // The very first list through B after the upload has it: no waiting for a TTL.
    assert.deepEqual(ids(await listTracks(b.baseUrl)), [track._id, ...listed]);
    assert.deepEqual(ids(await listTracks(a.baseUrl)), [track._id, ...listed]);
    const url = await assertStreams(b.baseUrl, track._id);
    const audioLink = await api(b.baseUrl, 'GET', `/api/tracks/${track._id}/audio`);
    assert.equal(audioLink.status, 302, audioLink.text);

    const deleted = await api(a.baseUrl, 'DELETE', `/api/tracks/${track._id}`, { token: admin.token });
    assert.equal(deleted.status, 200, deleted.text);
    await assertGone(b.baseUrl, track._id);
    await assertGone(a.baseUrl, track._id);
    assert.deepEqual(ids(await listTracks(b.baseUrl)), listed);
    const again = await api(b.baseUrl, 'DELETE', `/api/tracks/${track._id}`, { token: admin.token });
    assert.equal(again.status, 404, again.text);
    assert.equal((await fetch(url)).status, 404, 'the audio is still in the bucket');
  });

  it('counts login attempts on one account over A, B and nginx together', async () => {
    const user = await createUser(a.baseUrl);
    const order = ['A', 'B', 'nginx'];
    for (let i = 0; i < LIMITS.loginPerAccount; i += 1) {
      const way = order[i % order.length];
      const res = await login(ways[way], user.email, 'wrong password');
      assert.equal(res.status, 401, `attempt ${i + 1} through ${way}: ${res.text}`);
    }
    // One past the limit, with the right password, from a new address: refused everywhere.
    for (const way of ['B', 'A', 'nginx']) {
      assertTooMany(await login(ways[way], user.email, user.password), 60, `through ${way}`);
    }
  });

  it("counts one address's failures on an account over A and B together, without locking the owner out", async () => {
    const user = await createUser(a.baseUrl);
    const stranger = freshAddress();
    for (let i = 0; i < LIMITS.loginPerAccountAddress; i += 1) {
      const way = i % 2 === 0 ? 'A' : 'B';
      const res = await login(ways[way], user.email, 'wrong password', stranger);
      assert.equal(res.status, 401, `attempt ${i + 1} through ${way}: ${res.text}`);
    }
    // Refused everywhere from that address, however often it tries: more tries than the
    // account-wide limit, none of which counts toward it.
    for (let i = 0; i <= LIMITS.loginPerAccount; i += 1) {
      const way = ['A', 'B', 'nginx'][i % 3];
      assertTooMany(await login(ways[way], user.email, user.password, stranger), 60, `through ${way}`);
    }
    for (const way of ['A', 'B', 'nginx']) {
      const res = await login(ways[way], user.email, user.password);
      assert.equal(res.status, 200, `the owner through ${way}: ${res.text}`);
    }
  });

  it('counts login attempts from one address over A and B together', async () => {
    const address = freshAddress();
    for (let i = 0; i < LIMITS.loginPerAddress; i += 1) {
      const way = i % 2 === 0 ? 'A' : 'B';
      const res = await login(ways[way], `nobody-${randomHex(4)}@example.com`, 'whatever pw', address);
      assert.equal(res.status, 401, `attempt ${i + 1} through ${way}: ${res.text}`);
    }
    const user = await createUser(b.baseUrl);
    for (const way of ['A', 'B', 'nginx']) {
      assertTooMany(await login(ways[way], user.email, user.password, address), 60, `through ${way}`);
    }
    assert.equal((await login(a.baseUrl, user.email, user.password)).status, 200, 'another address is refused');
  });

  it('counts sign-ups from one address over A and B together', async () => {
    const address = freshAddress();
    for (let i = 0; i < LIMITS.signupPerAddress; i += 1) {
      const way = i % 2 === 0 ? 'A' : 'B';
      const res = await signup(ways[way], newUserFields(), address);
      assert.equal(res.status, 201, `sign-up ${i + 1} through ${way}: ${res.text}`);
    }
    const refused = newUserFields();
    assertTooMany(await signup(b.baseUrl, refused, address), 60, 'through B');
    assertTooMany(await signup(nginx.baseUrl, newUserFields(), address), 60, 'through nginx');
    assert.equal((await login(a.baseUrl, refused.email, refused.password)).status, 401, 'the refused user exists');
  });

  it('serves everything from the database while Redis is stopped, and caches again once it is back', async () => {
    const admin = await createAdmin(b.baseUrl);
    const listed = ids(await listTracks(a.baseUrl));
    const errorsBefore = { A: await cacheErrors(a.baseUrl), B: await cacheErrors(b.baseUrl) };
    await redis.stop();

    for (const [way, base] of Object.entries(ways)) {
      assert.deepEqual(ids(await listTracks(base)), listed, `list through ${way}`);
      const res = await login(base, admin.email, admin.password);
      assert.equal(res.status, 200, `login through ${way}: ${res.text}`);
    }
    // Limits fail open: more failed logins on one account, from one address, than either
    // account limit allows are all answered, and the right password still works.
    const guesser = freshAddress();
    for (let i = 0; i <= LIMITS.loginPerAccount; i += 1) {
      const way = i % 2 === 0 ? 'A' : 'B';
      const res = await login(ways[way], admin.email, 'wrong password', guesser);
      assert.equal(res.status, 401, `failed login ${i + 1} through ${way}: ${res.text}`);
    }
    assert.equal((await login(b.baseUrl, admin.email, admin.password, guesser)).status, 200, 'the right password');
    const track = await upload(a.baseUrl, admin.token, 'Without Redis');
    assert.deepEqual(ids(await listTracks(b.baseUrl)), [track._id, ...listed]);
    await assertStreams(b.baseUrl, track._id);
    await assertStreams(nginx.baseUrl, track._id);
    const other = await upload(b.baseUrl, admin.token, 'Without Redis either');
    assert.deepEqual(ids(await listTracks(a.baseUrl)), [other._id, track._id, ...listed]);
    const deleted = await api(b.baseUrl, 'DELETE', `/api/tracks/${other._id}`, { token: admin.token });
    assert.equal(deleted.status, 200, deleted.text);
    await assertGone(a.baseUrl, other._id);

    for (const [name, server] of [['A', a], ['B', b]]) {
      assert.ok((await cacheErrors(server.baseUrl)) > errorsBefore[name], `no cache errors counted on ${name}`);
      const ready = await api(server.baseUrl, 'GET', '/api/health/ready');
      assert.equal(ready.status, 200, `${name}: ${ready.text}`);
      assert.equal(ready.json.components.cache.status, 'error', `${name}: ${ready.text}`);
    }

    // The same Redis (empty, on the same port) again: each instance finds it by itself.
    await redis.start();
    for (const [name, server] of [['A', a], ['B', b]]) {
      await waitFor(
        async () => {
          const hits = await metric(server.baseUrl, 'volkrin_cache_hits_total');
          await listTracks(server.baseUrl);
          await listTracks(server.baseUrl);
          return (await metric(server.baseUrl, 'volkrin_cache_hits_total')) > hits;
        },
        { timeoutMs: 10_000, intervalMs: 100, what: `cache hits on ${name} after Redis came back` },
      );
      const ready = await api(server.baseUrl, 'GET', '/api/health/ready');
      assert.equal(ready.json.components.cache.status, 'ok', `${name}: ${ready.text}`);
    }
    assert.equal((await redisCommand(redis.port, ['EXISTS', `${KEY_PREFIX}tracks:all`])).trim(), ':1');
    // Invalidation and shared limits work again.
    assert.deepEqual(ids(await listTracks(b.baseUrl)), [track._id, ...listed]);
    const removed = await api(a.baseUrl, 'DELETE', `/api/tracks/${track._id}`, { token: admin.token });
    assert.equal(removed.status, 200, removed.text);
    assert.deepEqual(ids(await listTracks(b.baseUrl)), listed);
    const user = await createUser(a.baseUrl);
    for (let i = 0; i < LIMITS.loginPerAccount; i += 1) {
      const base = i % 2 === 0 ? a.baseUrl : b.baseUrl;
      assert.equal((await login(base, user.email, 'wrong password')).status, 401);
    }
    assertTooMany(await login(b.baseUrl, user.email, user.password), 60, 'through B after Redis came back');
  });

  it('recovers from a PostgreSQL restart without restarting volkrin', async () => {
    const admin = await createAdmin(a.baseUrl);
    const track = await upload(b.baseUrl, admin.token, 'Before the restart');
    await postgres.restart();

    // Everything below reads or writes the database (the paged list bypasses the cache).
    // Each round signs up and logs in new users, so that no limit is reached however many
    // rounds it takes.
    async function allAnswer() {
      for (const base of Object.values(ways)) {
        const page = await api(base, 'GET', '/api/tracks?limit=50');
        if (page.status !== 200 || !ids(page.json).includes(track._id)) return false;
        const fields = newUserFields();
        if ((await signup(base, fields)).status !== 201) return false;
        if ((await login(base, fields.email, fields.password)).status !== 200) return false;
        if ((await api(base, 'GET', '/api/auth/me', { token: admin.token })).status !== 200) return false;
        if ((await api(base, 'GET', `/api/tracks/${track._id}/stream`)).status !== 200) return false;
        const ready = await api(base, 'GET', '/api/health/ready');
        if (ready.status !== 200 || ready.json.components.database.status !== 'ok') return false;
      }
      return true;
    }
    await waitFor(allAnswer, { timeoutMs: 15_000, intervalMs: 100, what: 'both instances to answer from PostgreSQL again' });

    const after = await upload(a.baseUrl, admin.token, 'After the restart');
    assert.ok(ids(await listTracks(b.baseUrl)).includes(after._id));
    assert.equal((await createUser(b.baseUrl)).role, 'user');
  });

  it('alternates instances through nginx, which all answer alike', async () => {
    const admin = await createAdmin(nginx.baseUrl);
    const sequence = [];
    const record = (res) => {
      sequence.push(servedBy(res));
      return res;
    };

    const lists = [];
    for (let i = 0; i < 4; i += 1) {
      const res = record(await api(nginx.baseUrl, 'GET', '/api/tracks'));
      assert.equal(res.status, 200, res.text);
      lists.push({ etag: res.headers.get('etag'), body: res.text });
    }
    assert.ok(lists.every((list) => list.etag === lists[0].etag && list.body === lists[0].body), 'the instances list different tracks');
    for (let i = 0; i < 4; i += 1) {
      const res = record(await login(nginx.baseUrl, admin.email, admin.password));
      assert.equal(res.status, 200, res.text);
      const me = record(await api(nginx.baseUrl, 'GET', '/api/auth/me', { token: res.json.token }));
      assert.equal(me.json._id, admin._id);
    }

    const created = record(
      await uploadTrack(nginx.baseUrl, admin.token, {
        title: 'Through nginx',
        audio: { bytes: audio, name: 'tone.mp3', mime: 'audio/mpeg' },
        thumbnail: { bytes: PNG, name: 'cover.png', mime: 'image/png' },
      }),
    );
    assert.equal(created.status, 201, created.text);
    const id = created.json.track._id;
    for (let i = 0; i < 2; i += 1) {
      const list = record(await api(nginx.baseUrl, 'GET', '/api/tracks'));
      assert.equal(list.json[0]._id, id, `upload not listed by ${sequence.at(-1)}`);
      const stream = record(await api(nginx.baseUrl, 'GET', `/api/tracks/${id}/stream`));
      assert.equal(stream.status, 200, stream.text);
    }
    const deleted = record(await api(nginx.baseUrl, 'DELETE', `/api/tracks/${id}`, { token: admin.token }));
    assert.equal(deleted.status, 200, deleted.text);
    for (let i = 0; i < 2; i += 1) {
      const stream = record(await api(nginx.baseUrl, 'GET', `/api/tracks/${id}/stream`));
      assert.equal(stream.status, 404, `${sequence.at(-1)}: ${stream.text}`);
      const list = record(await api(nginx.baseUrl, 'GET', '/api/tracks'));
      assert.ok(!ids(list.json).includes(id), `deleted track listed by ${sequence.at(-1)}`);
    }

    for (let i = 1; i < sequence.length; i += 1) {
      assert.notEqual(sequence[i], sequence[i - 1], `requests ${i} and ${i + 1} both went to ${sequence[i]}: ${sequence.join(' ')}`);
    }
  });

  it('keeps a list read before an upload on another instance out of the shared cache', async () => {
    const admin = await createAdmin(a.baseUrl);
    const marker = `Marker ${randomHex(6)}`;
    await upload(a.baseUrl, admin.token, marker);
    // A third instance C reads PostgreSQL through a proxy that can hold the database's
    // answers back: its list is read from a snapshot taken before A's upload and reaches
    // C after A has dropped the cached list, as with a slow read.
    const proxy = await startHoldingProxy(Number(new URL(postgres.url).port));
    const databaseUrl = new URL(postgres.url);
    databaseUrl.port = String(proxy.port);
    let c;
    try {
      c = await startServer({ env: { ...env, DATABASE_URL: databaseUrl.href } });
      await c.waitForOutput('cache: Redis at');
      const misses = await metric(c.baseUrl, 'volkrin_cache_misses_total');
      proxy.hold(marker);
      const slowList = listTracks(c.baseUrl);
      slowList.catch(() => {}); // awaited below; its failure must not go unhandled before
      await proxy.held();
      const track = await upload(a.baseUrl, admin.token, 'While C reads');
      proxy.release();
      assert.ok(!ids(await slowList).includes(track._id), 'the read was not staged before the upload');
      assert.equal(await metric(c.baseUrl, 'volkrin_cache_misses_total'), misses + 1);

      for (const [name, base] of [['A', a.baseUrl], ['B', b.baseUrl], ['C', c.baseUrl]]) {
        assert.ok(ids(await listTracks(base)).includes(track._id), `the list through ${name} lacks the upload`);
      }
    } finally {
      await c?.stop();
      await proxy.close();
    }
  });
});
