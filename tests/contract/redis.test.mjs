// Contract tests of the Redis settings: Redis down at start-up, bad URLs, readiness.

import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { after, before, describe, it } from 'node:test';

import { api, randomHex, runServerUntilExit, startServer } from './harness.mjs';

// A loopback port nothing listens on.
function closedPort() {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

const lines = (text) => text.split('\n').filter((line) => line.length > 0);

describe('Redis down at start-up', () => {
  let server;
  let port;
  before(async () => {
    port = await closedPort();
    server = await startServer({ env: { REDIS_URL: `redis://default:${'s3cr3t'.repeat(3)}@127.0.0.1:${port}/2` } });
  });
  after(() => server?.stop());

  it('starts anyway, serves requests, and warns about Redis once, without the password', async () => {
    for (let i = 0; i < 20; i += 1) {
      const res = await api(server.baseUrl, 'GET', '/api/tracks');
      assert.equal(res.status, 200, res.text);
      assert.deepEqual(res.json, []);
    }
    const output = await server.waitForOutput(`127.0.0.1:${port}`);
    const warnings = lines(output).filter((line) => line.includes(`Redis at 127.0.0.1:${port}`));
    assert.equal(warnings.length, 1, output);
    assert.ok(!output.includes('s3cr3t'), 'the output contains the password');
  });

  it('reports the cache as failing without making the instance unready', async () => {
    const res = await api(server.baseUrl, 'GET', '/api/health/ready');
    assert.equal(res.status, 200, res.text);
    assert.equal(res.json.components.cache.status, 'error');
    assert.equal(res.json.components.database.status, 'ok');
    assert.ok(!res.text.includes('s3cr3t'));
    const metrics = await api(server.baseUrl, 'GET', '/metrics');
    assert.match(metrics.text, /^volkrin_backend_errors_total\{backend="cache"\} [1-9]\d*$/m);
  });
});

describe('malformed Redis settings', () => {
  for (const [name, value] of [
    ['REDIS_URL', 'redis://user:hunter2@cache.example:notaport'],
    ['UPSTASH_REDIS_URL', 'http://default:hunter2@eu1.upstash.io'],
    ['REDIS_HOST', 'bad host'],
    ['RATE_LIMIT_LOGIN_PER_ADDRESS', '20 per minute'],
  ]) {
    it(`stop start-up with a line naming ${name}`, async () => {
      const result = await runServerUntilExit({ env: { [name]: value } });
      assert.notEqual(result.code, 0, result.output);
      assert.doesNotMatch(result.output, /listening on/);
      assert.ok(lines(result.output).some((line) => line.includes(name)), result.output);
      assert.ok(!result.output.includes('hunter2'), result.output);
    });
  }
});

describe('Redis up', () => {
  const url = process.env.VOLKRIN_TEST_REDIS_URL;
  const skip = !url && process.env.VOLKRIN_REQUIRE_SERVICES !== '1' ? 'VOLKRIN_TEST_REDIS_URL is not set' : false;
  let server;
  before(async () => {
    if (skip) return;
    assert.ok(url, 'VOLKRIN_TEST_REDIS_URL is not set');
    server = await startServer({ env: { REDIS_URL: url, REDIS_KEY_PREFIX: `volkrin-contract-${randomHex(6)}:` } });
  });
  after(() => server?.stop());

  it('serves the track list from the cache and reports it ready', { skip }, async () => {
    await server.waitForOutput('cache: Redis at');
    const first = await api(server.baseUrl, 'GET', '/api/tracks');
    const second = await api(server.baseUrl, 'GET', '/api/tracks');
    assert.equal(second.status, 200);
    assert.equal(second.headers.get('etag'), first.headers.get('etag'));
    const metrics = (await api(server.baseUrl, 'GET', '/metrics')).text;
    assert.match(metrics, /^volkrin_cache_hits_total [1-9]\d*$/m);
    const ready = await api(server.baseUrl, 'GET', '/api/health/ready');
    assert.equal(ready.json.components.cache.status, 'ok');
  });
});
