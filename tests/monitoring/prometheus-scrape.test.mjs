// End to end: a real Prometheus scrapes the built server every second while a scripted
// scenario runs against the API; the counters Prometheus stored must match the scenario
// exactly, the path label must only ever hold route templates, the alert rules must load
// and evaluate, and every dashboard query must be valid PromQL.
//
// Needs the `prometheus` binary (Debian package prometheus). Every wait has a deadline.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import {
  api, createAdmin, createUser, login, makeTempDir, randomHex, repoRoot, startServer,
} from '../contract/harness.mjs';

const PROMETHEUS_BIN = process.env.PROMETHEUS_BIN ?? 'prometheus';
const TARGET_UP_TIMEOUT_MS = 30_000;
const SAMPLE_TIMEOUT_MS = 15_000;
const RULES_TIMEOUT_MS = 15_000;
const STOP_TIMEOUT_MS = 10_000;
const ADMIN_SECRET = `admin-secret-${randomHex(8)}`;

const alertsFile = path.join(repoRoot, 'deploy', 'prometheus', 'alerts.yml');
const dashboardFile = path.join(repoRoot, 'deploy', 'grafana', 'volkrin-dashboard.json');

// Every route template the server registers; anything else in the path label is a leak.
const ROUTE_TEMPLATES = new Set([
  '#unmatched',
  '/api/health', '/api/health/ready', '/metrics',
  '/api/auth/signup', '/api/auth/login', '/api/auth/me', '/api/auth/users', '/api/auth/users/:id',
  '/api/tracks', '/api/tracks/upload', '/api/tracks/mock-upload', '/api/tracks/:id',
  '/api/tracks/:id/stream', '/api/tracks/:id/audio', '/api/tracks/:id/thumbnail',
  '/media/*key',
]);

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// Polls fn (async) until it returns something other than undefined; rejects at the
// deadline with the last error or value seen.
async function pollUntil(fn, timeoutMs, what, intervalMs = 100) {
  const deadline = performance.now() + timeoutMs;
  let last;
  for (;;) {
    try {
      const result = await fn();
      if (result !== undefined) return result;
      last = 'no result yet';
    } catch (err) {
      last = err.message;
    }
    if (performance.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (last: ${last})`);
    }
    await sleep(intervalMs);
  }
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

// Starts Prometheus and returns {url, output(), stop()}.
async function startPrometheus(configFile, storageDir) {
  const port = await freePort();
  const proc = spawn(PROMETHEUS_BIN, [
    `--config.file=${configFile}`,
    `--storage.tsdb.path=${storageDir}`,
    `--web.listen-address=127.0.0.1:${port}`,
    '--log.level=warn',
  ], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  let exitInfo = null;
  let spawnError = null;
  for (const stream of [proc.stdout, proc.stderr]) {
    stream.setEncoding('utf8');
    stream.on('data', (chunk) => { output += chunk; });
  }
  proc.on('error', (err) => { spawnError = err; });
  const exited = new Promise((resolve) => {
    proc.on('close', (code, signal) => {
      exitInfo = { code, signal };
      resolve(exitInfo);
    });
  });
  const killOnExit = () => proc.kill('SIGKILL');
  process.on('exit', killOnExit);

  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    process.off('exit', killOnExit);
    if (exitInfo) return;
    proc.kill('SIGTERM');
    const timer = setTimeout(() => proc.kill('SIGKILL'), STOP_TIMEOUT_MS);
    await exited;
    clearTimeout(timer);
  };
  try {
    await pollUntil(async () => {
      if (spawnError) throw new Error(`could not start ${PROMETHEUS_BIN}: ${spawnError.message}`);
      if (exitInfo) throw new Error(`prometheus exited (${JSON.stringify(exitInfo)}): ${output}`);
      const res = await fetch(`${url}/-/ready`, { signal: AbortSignal.timeout(2000) });
      return res.status === 200 ? true : undefined;
    }, TARGET_UP_TIMEOUT_MS, 'Prometheus to be ready');
  } catch (err) {
    await stop();
    throw new Error(`${err.message}\nprometheus output:\n${output}`);
  }
  return { url, output: () => output, stop };
}

// GET on the HTTP API of Prometheus; returns `data` of a successful answer.
async function promApi(prom, apiPath, params = {}) {
  const url = new URL(`/api/v1/${apiPath}`, prom.url);
  for (const [name, value] of Object.entries(params)) {
    for (const v of [value].flat()) url.searchParams.append(name, v);
  }
  const res = await fetch(url, { signal: AbortSignal.timeout(5000) });
  const body = await res.json();
  if (res.status !== 200 || body.status !== 'success') {
    throw new Error(`${url.pathname}${url.search} answered ${res.status}: ${JSON.stringify(body)}`);
  }
  return body.data;
}

async function instantQuery(prom, query) {
  const data = await promApi(prom, 'query', { query });
  return data.result;
}

// The value of a query that must return exactly one series.
async function singleValue(prom, query) {
  const result = await instantQuery(prom, query);
  assert.equal(result.length, 1, `${query} returned ${result.length} series: ${JSON.stringify(result)}`);
  return Number(result[0].value[1]);
}

describe('Prometheus scraping the server', () => {
  let server;
  let prom;
  let workDir;
  let scenarioEnd;
  let target;

  before(async () => {
    workDir = makeTempDir('volkrin-prometheus-');
    server = await startServer({ env: { ADMIN_SECRET } });
    const configFile = path.join(workDir, 'prometheus.yml');
    writeFileSync(configFile, [
      'global:',
      '  scrape_interval: 1s',
      '  scrape_timeout: 1s',
      '  evaluation_interval: 1s',
      'rule_files:',
      `  - ${JSON.stringify(alertsFile)}`,
      'scrape_configs:',
      '  - job_name: volkrin',
      '    static_configs:',
      `      - targets: ['127.0.0.1:${server.port}']`,
      '',
    ].join('\n'));
    prom = await startPrometheus(configFile, path.join(workDir, 'tsdb'));

    target = await pollUntil(async () => {
      const data = await promApi(prom, 'targets', { state: 'active' });
      const found = data.activeTargets.find((t) => t.labels.job === 'volkrin');
      if (found?.health === 'up') return found;
      if (found?.lastError) throw new Error(found.lastError);
      return undefined;
    }, TARGET_UP_TIMEOUT_MS, 'the volkrin target to be up');

    // The scenario.
    const base = server.baseUrl;
    const users = [];
    for (let i = 0; i < 3; i += 1) users.push(await createUser(base));
    for (let i = 0; i < 2; i += 1) {
      const res = await login(base, users[0].email, 'not-the-password');
      assert.equal(res.status, 401, res.text);
    }
    for (let i = 0; i < 4; i += 1) {
      const res = await login(base, users[i % 3].email, users[i % 3].password);
      assert.equal(res.status, 200, res.text);
    }
    const admin = await createAdmin(base, ADMIN_SECRET);
    const deleted = await api(base, 'DELETE', `/api/auth/users/${users[2]._id}`, { token: admin.token });
    assert.equal(deleted.status, 200, deleted.text);
    for (let i = 0; i < 2; i += 1) {
      const res = await api(base, 'GET', '/api/tracks');
      assert.equal(res.status, 200, res.text);
    }
    const unmatched = await api(base, 'GET', `/api/no-such-route-${randomHex(4)}`);
    assert.equal(unmatched.status, 404, unmatched.text);
    const stream = await api(base, 'GET', `/api/tracks/${randomHex(12)}/stream`);
    assert.equal(stream.status, 404, stream.text);
    // Every counter above is updated before its response is sent, so a scrape that
    // starts after this instant sees the whole scenario.
    scenarioEnd = Date.now() / 1000;

    await pollUntil(async () => {
      const result = await instantQuery(prom, 'timestamp(volkrin_signups_total{job="volkrin"})');
      return result.length === 1 && Number(result[0].value[1]) > scenarioEnd ? true : undefined;
    }, SAMPLE_TIMEOUT_MS, 'a scrape taken after the scenario');
  });

  after(async () => {
    await prom?.stop();
    await server?.stop();
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  });

  it('scrapes the server without errors', async () => {
    assert.equal(target.lastError, '');
    assert.equal(await singleValue(prom, 'up{job="volkrin"}'), 1);
  });

  it('stores the counters of the scenario exactly', async () => {
    const expected = {
      volkrin_signups_total: 4, // three users and the admin
      volkrin_logins_total: 4,
      volkrin_failed_logins_total: 2,
      volkrin_user_deletions_total: 1,
      volkrin_cache_misses_total: 1,
      volkrin_cache_hits_total: 1,
      volkrin_track_uploads_total: 0,
      volkrin_track_deletions_total: 0,
    };
    const actual = {};
    for (const name of Object.keys(expected)) {
      actual[name] = await singleValue(prom, `${name}{job="volkrin"}`);
    }
    assert.deepEqual(actual, expected);
  });

  it('labels requests to a matched route with its template', async () => {
    const result = await instantQuery(prom, 'http_request_duration_seconds_count{job="volkrin", path="/api/tracks/:id/stream"}');
    assert.equal(result.length, 1, JSON.stringify(result));
    assert.equal(result[0].metric.method, 'GET');
    assert.equal(result[0].metric.status_code, '404');
    assert.equal(Number(result[0].value[1]), 1);

    const unmatched = await instantQuery(prom, 'http_request_duration_seconds_count{job="volkrin", path="#unmatched"}');
    assert.equal(unmatched.length, 1, JSON.stringify(unmatched));
    assert.equal(unmatched[0].metric.status_code, '404');
  });

  it('never puts a raw path in the path label', async () => {
    const series = await promApi(prom, 'series', {
      'match[]': 'http_request_duration_seconds_count{job="volkrin"}',
      start: String(Math.floor(scenarioEnd) - 300),
    });
    const paths = [...new Set(series.map((s) => s.path))].sort();
    assert.ok(paths.length > 0, 'no http_request_duration_seconds_count series at all');
    for (const p of paths) {
      assert.doesNotMatch(p, /[0-9a-f]{24}/, `path label with an id: ${p}`);
      assert.doesNotMatch(p, /no-such-route/, `path label with a raw unmatched path: ${p}`);
      assert.ok(ROUTE_TEMPLATES.has(p), `path label ${JSON.stringify(p)} is not a route template (all: ${paths.join(', ')})`);
    }
    for (const bucketSeries of await promApi(prom, 'series', {
      'match[]': '{job="volkrin", path!=""}',
      start: String(Math.floor(scenarioEnd) - 300),
    })) {
      assert.ok(ROUTE_TEMPLATES.has(bucketSeries.path), `series ${JSON.stringify(bucketSeries)}`);
    }
  });

  it('loads the alert rules and evaluates them without errors, none firing', async () => {
    const expectedAlerts = [...readFileSync(alertsFile, 'utf8').matchAll(/^\s*-\s+alert:\s*(\S+)/gm)].map((m) => m[1]);
    const rules = await pollUntil(async () => {
      const data = await promApi(prom, 'rules');
      const all = data.groups.flatMap((g) => g.rules);
      return all.length > 0 && all.every((r) => r.health === 'ok') ? all : undefined;
    }, RULES_TIMEOUT_MS, 'every rule to be evaluated');
    assert.deepEqual(rules.map((r) => r.name).sort(), [...expectedAlerts].sort());
    for (const rule of rules) assert.equal(rule.lastError ?? '', '', `${rule.name}: ${rule.lastError}`);
    const firing = rules.filter((r) => r.state === 'firing').map((r) => r.name);
    assert.deepEqual(firing, []);
  });

  it('runs every dashboard query as valid PromQL', async () => {
    const dashboard = JSON.parse(readFileSync(dashboardFile, 'utf8'));
    const exprs = [];
    const visit = (panels) => {
      for (const panel of panels ?? []) {
        for (const t of panel.targets ?? []) if (t.expr) exprs.push({ title: `${panel.title} (${t.refId})`, expr: t.expr });
        visit(panel.panels);
      }
    };
    visit(dashboard.panels);
    assert.ok(exprs.length > 0);
    // Grafana's variables, as Grafana would substitute them.
    const substitute = (expr) => expr
      .replaceAll('$__rate_interval', '1m')
      .replaceAll('$__range', '5m')
      .replaceAll('$job', 'volkrin')
      .replaceAll('$instance', '.+');
    // Every query must parse and run; those of events the scenario causes must return
    // data once Prometheus holds two scrapes of every series (rate() needs two samples).
    const allowedEmpty = new Set(['Ready (A)', '5xx responses by route (A)', 'Error ratio (A)']);
    await pollUntil(async () => {
      const empty = [];
      for (const { title, expr } of exprs) {
        const query = substitute(expr);
        assert.doesNotMatch(query, /\$/, `${title}: unsubstituted variable in ${query}`);
        const result = await instantQuery(prom, query);
        if (result.length === 0 && !allowedEmpty.has(title)) empty.push(title);
      }
      if (empty.length > 0) throw new Error(`panels without data: ${empty.join(', ')}`);
      return true;
    }, SAMPLE_TIMEOUT_MS, 'every dashboard query to return data');
  });
});
