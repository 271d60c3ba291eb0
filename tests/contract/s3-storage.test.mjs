// The server with its media in S3 (s3rver in the test run): an upload lands in the bucket,
// its links redirect to presigned URLs that serve the bytes, deleting removes them, and an
// unreachable store answers 502 without leaving a track behind.
//
// Needs VOLKRIN_TEST_S3_ENDPOINT (scripts/services/s3rver prints it) and ffmpeg; skipped
// without the endpoint unless VOLKRIN_REQUIRE_SERVICES=1.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { api, createAdmin, makeTempDir, randomHex, readMetrics, startServer } from './harness.mjs';

const endpoint = process.env.VOLKRIN_TEST_S3_ENDPOINT;
const required = process.env.VOLKRIN_REQUIRE_SERVICES === '1';
const skip = !endpoint && !required ? 'no S3 service (VOLKRIN_TEST_S3_ENDPOINT)' : false;

const ADMIN_SECRET = `admin-${randomHex(8)}`;
// A 1x1 PNG.
const PNG = Buffer.from(
  '89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082',
  'hex',
);

let audio;
let workDir;

before(() => {
  if (skip) return;
  assert.ok(endpoint, 'VOLKRIN_REQUIRE_SERVICES=1 but VOLKRIN_TEST_S3_ENDPOINT is not set');
  workDir = makeTempDir('volkrin-s3-');
  const file = path.join(workDir, 'tone.mp3');
  execFileSync('ffmpeg', ['-loglevel', 'error', '-f', 'lavfi', '-i', 'sine=frequency=440:duration=2', file]);
  audio = readFileSync(file);
});

function s3Env(overrides = {}) {
  return {
    ADMIN_SECRET,
    S3_BUCKET: process.env.VOLKRIN_TEST_S3_BUCKET ?? 'volkrin-test',
    S3_ENDPOINT: endpoint,
    AWS_ACCESS_KEY_ID: process.env.VOLKRIN_TEST_S3_ACCESS_KEY_ID ?? 'S3RVER',
    AWS_SECRET_ACCESS_KEY: process.env.VOLKRIN_TEST_S3_SECRET_ACCESS_KEY ?? 'S3RVER',
    ...overrides,
  };
}

function uploadForm(title) {
  const form = new FormData();
  form.append('title', title);
  form.append('artist', 'The Testers');
  form.append('file', new Blob([audio], { type: 'audio/mpeg' }), 'tone.mp3');
  form.append('thumbnail', new Blob([PNG], { type: 'image/png' }), 'cover.png');
  return form;
}

// A loopback port nothing listens on.
async function closedPort() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function spoolFiles(dataDir) {
  try {
    return readdirSync(path.join(dataDir, 'spool'));
  } catch {
    return [];
  }
}

test('an uploaded track is served from the bucket through presigned URLs', { skip }, async () => {
  const server = await startServer({ env: s3Env() });
  try {
    const admin = await createAdmin(server.baseUrl, ADMIN_SECRET);
    const created = await api(server.baseUrl, 'POST', '/api/tracks/upload', { token: admin.token, body: uploadForm('In the bucket') });
    assert.equal(created.status, 201, created.text);
    const id = created.json.track._id;
    assert.deepEqual(spoolFiles(server.dataDir), [], 'the spool is emptied after commit');

    const audioLink = await api(server.baseUrl, 'GET', `/api/tracks/${id}/audio`);
    assert.equal(audioLink.status, 302);
    const audioUrl = audioLink.headers.get('location');
    assert.ok(audioUrl.startsWith(`${endpoint.replace(/\/$/, '')}/`), audioUrl);
    assert.match(audioUrl, /X-Amz-Signature=[0-9a-f]{64}/);
    const fetched = await fetch(audioUrl);
    assert.equal(fetched.status, 200);
    assert.ok(Buffer.from(await fetched.arrayBuffer()).equals(audio), 'the audio bytes come back');

    const stream = await api(server.baseUrl, 'GET', `/api/tracks/${id}/stream`);
    assert.equal(stream.status, 200);
    assert.ok(stream.json.url.startsWith(endpoint.replace(/\/$/, '')), stream.json.url);

    const thumbLink = await api(server.baseUrl, 'GET', `/api/tracks/${id}/thumbnail`);
    assert.equal(thumbLink.status, 302);
    const thumb = await fetch(thumbLink.headers.get('location'));
    assert.equal(thumb.status, 200);
    assert.equal(thumb.headers.get('content-type'), 'image/png');
    assert.ok(Buffer.from(await thumb.arrayBuffer()).equals(PNG));

    const ready = await api(server.baseUrl, 'GET', '/api/health/ready');
    assert.equal(ready.status, 200, ready.text);

    const deleted = await api(server.baseUrl, 'DELETE', `/api/tracks/${id}`, { token: admin.token });
    assert.equal(deleted.status, 200, deleted.text);
    assert.equal((await fetch(audioUrl)).status, 404, 'the object is gone from the bucket');
  } finally {
    await server.stop();
  }
});

test('an unreachable media store answers 502 and leaves no track', { skip }, async () => {
  const port = await closedPort();
  const server = await startServer({ env: s3Env({ S3_ENDPOINT: `http://127.0.0.1:${port}` }) });
  try {
    const admin = await createAdmin(server.baseUrl, ADMIN_SECRET);
    const res = await api(server.baseUrl, 'POST', '/api/tracks/upload', { token: admin.token, body: uploadForm('Nowhere') });
    assert.equal(res.status, 502, res.text);
    assert.deepEqual(res.json, { message: 'Media storage is unavailable; try again later' });
    assert.ok(!res.text.includes('S3RVER'), 'no credentials in the answer');

    const list = await api(server.baseUrl, 'GET', '/api/tracks');
    assert.equal(list.status, 200);
    assert.deepEqual(list.json, []);
    assert.deepEqual(spoolFiles(server.dataDir), [], 'the spooled upload is dropped');

    const metrics = await readMetrics(server.baseUrl);
    const storageErrors = /^volkrin_backend_errors_total\{backend="storage"\} (\d+)/m.exec(metrics);
    assert.ok(storageErrors && Number(storageErrors[1]) >= 1, metrics);
    const ready = await api(server.baseUrl, 'GET', '/api/health/ready');
    assert.equal(ready.status, 503, ready.text);
    assert.deepEqual(ready.json.components.storage, { status: 'error', latencyMs: ready.json.components.storage.latencyMs });
    // The answer is public: the bucket and the endpoint go to the log only.
    for (const secret of ['S3RVER', s3Env().S3_BUCKET, '127.0.0.1', 'HeadBucket']) {
      assert.ok(!ready.text.includes(secret), `the readiness answer names ${secret}: ${ready.text}`);
    }
    const logged = server.output().split('\n').find((line) => line.includes('storage is failing'));
    assert.ok(logged?.includes(s3Env().S3_BUCKET), `the log does not name the bucket: ${logged}`);
  } finally {
    await server.stop();
  }
});

after(() => {
  // Nothing else to clean: objects live under s3rver's data directory, removed on its stop.
  if (workDir) execFileSync('rm', ['-rf', workDir]);
});
