// Readiness, /metrics access control and structured logs, against the built server.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import { api, breakDatabase, breakMediaStore, createAdmin, createUser, randomHex, skipWithServices, startServer } from './harness.mjs';

// A public readiness answer: the overall status and, per component, ok/error and latency,
// nothing more; `secrets` (paths, hosts, bucket names) appear nowhere in it.
function assertBareReadiness(res, secrets) {
  assert.deepEqual(Object.keys(res.json).sort(), ['components', 'status']);
  assert.deepEqual(Object.keys(res.json.components).sort(), ['cache', 'database', 'storage']);
  for (const [name, component] of Object.entries(res.json.components)) {
    assert.deepEqual(Object.keys(component).sort(), ['latencyMs', 'status'], `${name}: ${res.text}`);
    assert.match(component.status, /^(ok|error)$/);
    assert.equal(typeof component.latencyMs, 'number');
  }
  for (const secret of secrets) assert.ok(!res.text.includes(secret), `the answer names ${secret}: ${res.text}`);
}

describe('readiness', () => {
  let server;
  before(async () => {
    server = await startServer();
  });
  after(() => server?.stop());

  it('names no file, path or error text when the database fails, and logs the detail', { skip: skipWithServices('the database is a PostgreSQL server') }, async () => {
    const restore = await breakDatabase(server.dataDir);
    try {
      const down = await api(server.baseUrl, 'GET', '/api/health/ready');
      assert.equal(down.status, 503);
      assert.equal(down.json.components.database.status, 'error');
      assertBareReadiness(down, [server.dataDir, 'volkrin.db', 'missing', 'sqlite']);
    } finally {
      await restore();
    }
    const output = await server.waitForOutput('database is failing');
    const line = output.split('\n').find((l) => l.includes('database is failing'));
    assert.ok(line.includes(path.join(server.dataDir, 'volkrin.db')), `the log line does not name the file: ${line}`);
    assert.equal((await api(server.baseUrl, 'GET', '/api/health/ready')).status, 200);
  });

  it('names no directory or error text when the media directory fails, and logs the detail', { skip: skipWithServices('media are in a bucket (s3-storage.test.mjs checks that answer)') }, async () => {
    const restore = await breakMediaStore(server.dataDir);
    try {
      const down = await api(server.baseUrl, 'GET', '/api/health/ready');
      assert.equal(down.status, 503);
      assert.equal(down.json.components.storage.status, 'error');
      assertBareReadiness(down, [server.dataDir, 'media', 'No such file']);
    } finally {
      await restore();
    }
    const output = await server.waitForOutput('storage is failing');
    const line = output.split('\n').find((l) => l.includes('storage is failing'));
    assert.ok(line.includes(path.join(server.dataDir, 'media')), `the log line does not name the directory: ${line}`);
    assert.equal((await api(server.baseUrl, 'GET', '/api/health/ready')).status, 200);
  });

  it('answers 200 with every component ok on a healthy server', async () => {
    const res = await api(server.baseUrl, 'GET', '/api/health/ready');
    assert.equal(res.status, 200);
    assert.equal(res.json.status, 'ok');
    for (const name of ['database', 'cache', 'storage']) {
      assert.equal(res.json.components[name].status, 'ok', name);
      assert.equal(typeof res.json.components[name].latencyMs, 'number');
    }
  });

  it('flips to 503 naming the database when it becomes unusable, and back when restored', async () => {
    const restore = await breakDatabase(server.dataDir);
    try {
      const down = await api(server.baseUrl, 'GET', '/api/health/ready');
      assert.equal(down.status, 503);
      assert.equal(down.json.status, 'error');
      assert.equal(down.json.components.database.status, 'error');
      assert.equal(down.json.components.storage.status, 'ok');
      const metrics = await api(server.baseUrl, 'GET', '/metrics');
      assert.match(metrics.text, /^volkrin_ready 0$/m);
      assert.match(metrics.text, /^volkrin_backend_errors_total\{backend="database"\} [1-9]\d*$/m);
    } finally {
      await restore();
    }
    const up = await api(server.baseUrl, 'GET', '/api/health/ready');
    assert.equal(up.status, 200);
    assert.equal(up.json.components.database.status, 'ok');
    assert.match((await api(server.baseUrl, 'GET', '/metrics')).text, /^volkrin_ready 1$/m);
  });

  it('flips to 503 naming storage when the media store becomes unusable', async () => {
    const restore = await breakMediaStore(server.dataDir);
    try {
      const down = await api(server.baseUrl, 'GET', '/api/health/ready');
      assert.equal(down.status, 503);
      assert.equal(down.json.components.storage.status, 'error');
      assert.equal(down.json.components.database.status, 'ok');
    } finally {
      await restore();
    }
    assert.equal((await api(server.baseUrl, 'GET', '/api/health/ready')).status, 200);
  });

  it('logs a failing backend once, not once per check', async () => {
    const before = server.output().split('\n').filter((l) => l.includes('database is failing')).length;
    const restore = await breakDatabase(server.dataDir);
    try {
      for (let i = 0; i < 5; i++) await api(server.baseUrl, 'GET', '/api/health/ready');
    } finally {
      await restore();
    }
    await api(server.baseUrl, 'GET', '/api/health/ready');
    const lines = server.output().split('\n');
    assert.equal(lines.filter((l) => l.includes('database is failing')).length, before + 1);
    assert.ok(lines.some((l) => l.includes('database is back')));
  });
});

describe('/metrics access', () => {
  const metricsToken = `metrics-${randomHex(16)}`;
  const adminSecret = `admin-${randomHex(8)}`;
  let server;
  before(async () => {
    server = await startServer({ env: { METRICS_TOKEN: metricsToken, ADMIN_SECRET: adminSecret } });
  });
  after(() => server?.stop());

  it('is refused without credentials when METRICS_TOKEN is set', async () => {
    const res = await api(server.baseUrl, 'GET', '/metrics');
    assert.equal(res.status, 401);
    assert.equal(res.json.message, 'Metrics require authorization');
  });

  it('is refused with a wrong token and with a user token', async () => {
    assert.equal((await api(server.baseUrl, 'GET', '/metrics', { token: 'x'.repeat(40) })).status, 403);
    const user = await createUser(server.baseUrl);
    const res = await api(server.baseUrl, 'GET', '/metrics', { token: user.token });
    assert.equal(res.status, 403);
    assert.equal(res.json.message, 'Access to metrics denied');
  });

  it('is served with METRICS_TOKEN or an admin token', async () => {
    const withToken = await api(server.baseUrl, 'GET', '/metrics', { token: metricsToken });
    assert.equal(withToken.status, 200);
    assert.match(withToken.text, /^volkrin_signups_total \d+$/m);
    const admin = await createAdmin(server.baseUrl, adminSecret);
    assert.equal((await api(server.baseUrl, 'GET', '/metrics', { token: admin.token })).status, 200);
  });

  it('is served without a token to an address in METRICS_ALLOW', async () => {
    const allowed = await startServer({ env: { METRICS_TOKEN: metricsToken, METRICS_ALLOW: '10.0.0.0/8, 127.0.0.0/8' } });
    const refused = await startServer({ env: { METRICS_ALLOW: '10.0.0.0/8' } });
    try {
      assert.equal((await api(allowed.baseUrl, 'GET', '/metrics')).status, 200);
      assert.equal((await api(refused.baseUrl, 'GET', '/metrics')).status, 401);
    } finally {
      await allowed.stop();
      await refused.stop();
    }
  });
});

describe('structured logs', () => {
  it('LOG_FORMAT=json writes one JSON object per line with request fields', async () => {
    const server = await startServer({ env: { LOG_FORMAT: 'json' } });
    try {
      const user = await createUser(server.baseUrl);
      await api(server.baseUrl, 'GET', '/api/auth/me', { token: user.token, headers: { 'X-Request-Id': 'trace-me-42' } });
      const output = await server.waitForOutput('trace-me-42');
      const lines = output.split('\n').filter((l) => l.trim() !== '');
      const records = lines.map((l) => JSON.parse(l));  // every line parses
      const access = records.find((r) => r.requestId === 'trace-me-42');
      assert.equal(access.method, 'GET');
      assert.equal(access.route, '/api/auth/me');
      assert.equal(access.status, 200);
      assert.equal(access.userId, user._id);
      assert.equal(typeof access.durationMs, 'number');
      assert.equal(typeof access.bytes, 'number');
      assert.match(access.time, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      assert.ok(records.some((r) => r.level === 'info' && /listening on/.test(r.msg)));
      assert.ok(!output.includes(user.token));
    } finally {
      await server.stop();
    }
  });
});

describe('deployment settings', () => {
  it('reads JWT_SECRET from JWT_SECRET_FILE and refuses both at once', async () => {
    const { writeFileSync, mkdtempSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(path.join(tmpdir(), 'volkrin-secret-'));
    const secret = `file-secret-${randomHex(24)}`;
    const file = path.join(dir, 'jwt');
    writeFileSync(file, `${secret}\n`);
    const server = await startServer({ env: { JWT_SECRET_FILE: file } });
    try {
      const user = await createUser(server.baseUrl);
      const [, payload, signature] = user.token.split('.');
      const { createHmac } = await import('node:crypto');
      const [header] = user.token.split('.');
      const expected = createHmac('sha256', secret).update(`${header}.${payload}`).digest('base64url');
      assert.equal(signature, expected);
      assert.ok(!server.output().includes(secret));
    } finally {
      await server.stop();
    }
    const { runServerUntilExit } = await import('./harness.mjs');
    const both = await runServerUntilExit({ env: { JWT_SECRET: 'x'.repeat(40), JWT_SECRET_FILE: file } });
    assert.notEqual(both.code, 0);
    assert.match(both.output, /JWT_SECRET_FILE/);
    assert.ok(!both.output.includes(secret));
  });

  it('honours X-Forwarded-For only from TRUST_PROXY addresses, and sends HSTS for https', async () => {
    const trusting = await startServer({ env: { TRUST_PROXY: '127.0.0.1', LOG_FORMAT: 'combined' } });
    const distrusting = await startServer({ env: { LOG_FORMAT: 'combined' } });
    try {
      const headers = { 'X-Forwarded-For': '198.51.100.23', 'X-Forwarded-Proto': 'https' };
      const trusted = await api(trusting.baseUrl, 'GET', '/api/health', { headers });
      assert.match(trusted.headers.get('strict-transport-security') ?? '', /max-age=\d+/);
      await trusting.waitForOutput(/^198\.51\.100\.23 - - \[/m);
      const spoofed = await api(distrusting.baseUrl, 'GET', '/api/health', { headers });
      assert.equal(spoofed.headers.get('strict-transport-security'), null);
      await distrusting.waitForOutput(/^127\.0\.0\.1 - - \[.*"GET \/api\/health/m);
      assert.ok(!distrusting.output().includes('198.51.100.23'));
    } finally {
      await trusting.stop();
      await distrusting.stop();
    }
  });
});
