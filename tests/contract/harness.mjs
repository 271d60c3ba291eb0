// Shared harness of the HTTP contract tests: starts the built server on a free port in a
// fresh data directory, and offers small clients (fetch-based and raw socket), JWT forging
// functions, and track functions (multipart uploads, a view of the stored media).
// Nothing here sleeps for a fixed time: every wait has a deadline.
//
// Backend profiles. By default (VOLKRIN_CONTRACT_BACKENDS unset or "embedded") servers run
// on the embedded defaults: SQLite and media files in DATA_DIR, the in-process cache. With
// VOLKRIN_CONTRACT_BACKENDS=services every server started here runs on the services that
// scripts/services start (their VOLKRIN_TEST_* variables): per data directory a fresh
// PostgreSQL database, a Redis key prefix and an S3 bucket, kept across restarts on the same
// directory and dropped (the databases) when the test process exits. A test that sets any
// variable of a backend (DATABASE_URL, REDIS_*, S3_* / AWS_*, or their _FILE forms) keeps
// that backend as it set it. The media view (storedMediaFiles, readStoredMedia, ...) and the
// backend probes (breakDatabase, breakMediaStore, databaseHolds) follow the profile, so that
// the tests read the same in both; skipWithServices(reason) marks the few that cannot.

import assert from 'node:assert/strict';
import { execFile, spawn, spawnSync } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

// The binary under test: VOLKRIN_BIN (relative paths are taken from the current
// directory), else build/volkrin in the repository.
export const serverBinary = process.env.VOLKRIN_BIN
  ? path.resolve(process.env.VOLKRIN_BIN)
  : path.join(repoRoot, 'build', 'volkrin');

const READY_TIMEOUT_MS = 10_000;
const STOP_TIMEOUT_MS = 10_000;
const LISTENING_LINE = /listening on https?:\/\/[^\s]*:(\d+)/;

// Runtime knobs of instrumented builds (sanitizers, coverage) that are passed through
// to the server; they do not change its configuration.
const PASSED_THROUGH = ['ASAN_OPTIONS', 'UBSAN_OPTIONS', 'TSAN_OPTIONS', 'LSAN_OPTIONS', 'LLVM_PROFILE_FILE'];

// Every child still running when the test process exits is killed, so a failing test
// never leaves a server behind.
const liveChildren = new Set();
process.on('exit', () => {
  for (const child of liveChildren) child.kill('SIGKILL');
});

export function makeTempDir(prefix = 'volkrin-contract-') {
  return mkdtempSync(path.join(tmpdir(), prefix));
}

export function randomHex(bytes = 8) {
  return randomBytes(bytes).toString('hex');
}

// ---------------------------------------------------------------------------------------
// Backend profiles (see the top of this file)

const PROFILES = ['embedded', 'services'];
export const backendProfile = process.env.VOLKRIN_CONTRACT_BACKENDS || 'embedded';
if (!PROFILES.includes(backendProfile)) {
  throw new Error(`VOLKRIN_CONTRACT_BACKENDS must be ${PROFILES.join(' or ')} (got ${JSON.stringify(backendProfile)})`);
}
const servicesProfile = backendProfile === 'services';

// For { skip }: the reason why a test does not run in the services profile, false in the
// embedded one. Kept for what only the embedded backends do (media served by this server
// itself) and for what the profile would repeat unchanged.
export function skipWithServices(reason) {
  return servicesProfile ? `not with VOLKRIN_CONTRACT_BACKENDS=services: ${reason}` : false;
}

// The variables of each backend. A test that sets one of them, or its _FILE form, even to
// undefined, gets none of that backend's from the profile.
const BACKEND_VARIABLES = {
  database: ['DATABASE_URL'],
  cache: ['REDIS_URL', 'UPSTASH_REDIS_URL', 'REDIS_HOST', 'REDIS_PORT', 'REDIS_CA_FILE', 'REDIS_KEY_PREFIX'],
  media: ['S3_BUCKET', 'S3_ENDPOINT', 'S3_FORCE_PATH_STYLE', 'AWS_REGION', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY'],
};

function setsBackend(overrides, backend) {
  return BACKEND_VARIABLES[backend].some((name) => name in overrides || `${name}_FILE` in overrides);
}

// The services of the profile, from what scripts/services/{postgres,redis,s3rver} print.
const services = servicesProfile ? readServices() : undefined;

function readServices() {
  const required = ['VOLKRIN_TEST_POSTGRES_URL', 'VOLKRIN_TEST_REDIS_URL', 'VOLKRIN_TEST_S3_ENDPOINT'];
  const missing = required.filter((name) => !process.env[name]);
  if (missing.length > 0) {
    throw new Error(
      `VOLKRIN_CONTRACT_BACKENDS=services needs ${missing.join(', ')}: ` +
        'eval "$(scripts/services/NAME start DIR)" for postgres, redis and s3rver first',
    );
  }
  return {
    postgresUrl: process.env.VOLKRIN_TEST_POSTGRES_URL,
    redisUrl: process.env.VOLKRIN_TEST_REDIS_URL,
    s3Endpoint: new URL(process.env.VOLKRIN_TEST_S3_ENDPOINT),
    s3Region: 'us-east-1',
    accessKeyId: process.env.VOLKRIN_TEST_S3_ACCESS_KEY_ID ?? 'S3RVER',
    secretAccessKey: process.env.VOLKRIN_TEST_S3_SECRET_ACCESS_KEY ?? 'S3RVER',
  };
}

// What the profile gave each data directory (by absolute path): created on first use and
// kept, so that a server restarted on the same directory finds its data again.
const backendsByDataDir = new Map();
// Databases to drop when the test process exits (after its servers were killed, above).
const createdDatabases = [];
process.on('exit', () => {
  if (createdDatabases.length === 0) return;
  const drops = createdDatabases.flatMap((name) => ['-c', `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`]);
  spawnSync('psql', ['-X', '-q', '-d', services.postgresUrl, ...drops], { stdio: 'ignore', timeout: 10_000 });
});

function backendsOf(dataDir) {
  const key = path.resolve(dataDir);
  let backends = backendsByDataDir.get(key);
  if (!backends) {
    const tag = randomHex(6);
    backends = {
      database: `volkrin_contract_${tag}`,
      bucket: `volkrin-contract-${tag}`,
      redisKeyPrefix: `volkrin-contract-${tag}:`,
      databaseReady: undefined,
      bucketReady: undefined,
      // Whether the last server on this directory kept its media in the profile's bucket.
      mediaInBucket: true,
    };
    backendsByDataDir.set(key, backends);
  }
  return backends;
}

function databaseUrl(name) {
  const url = new URL(services.postgresUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

// Runs SQL statements on the maintenance database through psql, one -c each (so each is its
// own transaction).
function psql(statements) {
  const args = ['-X', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '-d', services.postgresUrl, ...statements.flatMap((sql) => ['-c', sql])];
  return new Promise((resolve, reject) => {
    execFile('psql', args, { timeout: 30_000 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`psql ${statements.join('; ')}: ${stderr || err.message}`));
      else resolve(stdout);
    });
  });
}

function ensureDatabase(backends) {
  backends.databaseReady ??= psql([`CREATE DATABASE "${backends.database}"`]).then(() => {
    createdDatabases.push(backends.database);
  });
  return backends.databaseReady;
}

function ensureBucket(backends) {
  backends.bucketReady ??= s3Request('PUT', backends.bucket).then((res) => {
    if (res.status !== 200) throw new Error(`S3 CreateBucket ${backends.bucket} answered ${res.status}: ${res.body}`);
  });
  return backends.bucketReady;
}

// The variables the profile adds for a server on dataDir (none in the embedded profile),
// creating its database and bucket when needed. Also for commands run on the same data
// directory as a server, such as `volkrin import-mongo`.
export async function backendEnvironment(dataDir, overrides = {}) {
  if (!servicesProfile) return {};
  const backends = backendsOf(dataDir);
  const env = {};
  const pending = [];
  if (!setsBackend(overrides, 'database')) {
    pending.push(ensureDatabase(backends));
    env.DATABASE_URL = databaseUrl(backends.database);
  }
  if (!setsBackend(overrides, 'cache')) {
    env.REDIS_URL = services.redisUrl;
    env.REDIS_KEY_PREFIX = backends.redisKeyPrefix;
  }
  backends.mediaInBucket = !setsBackend(overrides, 'media');
  if (backends.mediaInBucket) {
    pending.push(ensureBucket(backends));
    Object.assign(env, {
      S3_BUCKET: backends.bucket,
      S3_ENDPOINT: services.s3Endpoint.origin,
      AWS_ACCESS_KEY_ID: services.accessKeyId,
      AWS_SECRET_ACCESS_KEY: services.secretAccessKey,
    });
  }
  await Promise.all(pending);
  return env;
}

// Whether the media of dataDir are in the profile's bucket rather than under DATA_DIR/media.
function mediaInBucket(dataDir) {
  return servicesProfile && backendsOf(dataDir).mediaInBucket;
}

// One S3 request, signed (SigV4) with the test credentials. Returns {status, body (Buffer)}.
let signerPromise;
async function s3Request(method, bucket, key = '', { query = {}, body } = {}) {
  signerPromise ??= Promise.all([import('@smithy/signature-v4'), import('@aws-crypto/sha256-js')]).then(
    ([{ SignatureV4 }, { Sha256 }]) =>
      new SignatureV4({
        service: 's3',
        region: services.s3Region,
        credentials: { accessKeyId: services.accessKeyId, secretAccessKey: services.secretAccessKey },
        sha256: Sha256,
        uriEscapePath: false,
        applyChecksum: true,
      }),
  );
  const endpoint = services.s3Endpoint;
  const encodedPath = `/${bucket}${key ? `/${key.split('/').map(encodeURIComponent).join('/')}` : ''}`;
  const signed = await (await signerPromise).sign({
    method,
    protocol: endpoint.protocol,
    hostname: endpoint.hostname,
    port: endpoint.port ? Number(endpoint.port) : undefined,
    path: encodedPath,
    query,
    headers: { host: endpoint.host },
    body,
  });
  const url = new URL(encodedPath, endpoint);
  for (const [name, value] of Object.entries(query)) url.searchParams.set(name, value);
  const { host, ...headers } = signed.headers;
  const res = await fetch(url, { method, headers, body, signal: AbortSignal.timeout(10_000) });
  return { status: res.status, body: Buffer.from(await res.arrayBuffer()) };
}

const XML_ENTITIES = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
const xmlText = (text) => text.replace(/&(amp|lt|gt|quot|apos);/g, (_, name) => XML_ENTITIES[name]);

// Every key in a bucket (ListObjectsV2, page by page).
async function bucketKeys(bucket) {
  const keys = [];
  let token;
  for (;;) {
    const query = { 'list-type': '2' };
    if (token !== undefined) query['continuation-token'] = token;
    const res = await s3Request('GET', bucket, '', { query });
    const xml = res.body.toString('utf8');
    if (res.status !== 200) throw new Error(`S3 ListObjectsV2 ${bucket} answered ${res.status}: ${xml}`);
    for (const match of xml.matchAll(/<Key>([^<]*)<\/Key>/g)) keys.push(xmlText(match[1]));
    const next = /<NextContinuationToken>([^<]*)<\/NextContinuationToken>/.exec(xml);
    if (!/<IsTruncated>true<\/IsTruncated>/.test(xml) || !next) return keys;
    token = xmlText(next[1]);
  }
}

// The environment the server sees: PATH, test-friendly defaults, the backends of the
// profile, then the overrides. An override whose value is undefined removes the variable.
function serverEnvironment(dataDir, backends, overrides) {
  const env = { PATH: process.env.PATH ?? '/usr/bin:/bin' };
  for (const name of PASSED_THROUGH) {
    if (process.env[name] !== undefined) env[name] = process.env[name];
  }
  Object.assign(env, {
    PORT: '0',
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    PASSWORD_HASH_COST: 'min',
    LOG_FORMAT: 'dev',
    APP_ENV: 'development',
    // The suites sign up and log in many users from 127.0.0.1; rate-limit.test.mjs sets
    // its own small limits.
    RATE_LIMIT_LOGIN_PER_ADDRESS: '100000/1m',
    RATE_LIMIT_LOGIN_PER_ACCOUNT: '100000/1m',
    RATE_LIMIT_LOGIN_PER_ACCOUNT_ADDRESS: '100000/1m',
    RATE_LIMIT_SIGNUP_PER_ADDRESS: '100000/1m',
  });
  Object.assign(env, backends);
  for (const [name, value] of Object.entries(overrides)) {
    if (value === undefined) delete env[name];
    else env[name] = String(value);
  }
  return env;
}

// Spawns the binary and records everything it prints (stdout and stderr, in arrival
// order). The working directory is the data directory, so no stray .env is read.
async function spawnServer({ env = {}, dataDir } = {}) {
  const ownsDataDir = dataDir === undefined;
  const dir = dataDir ?? makeTempDir();
  let backends;
  try {
    backends = await backendEnvironment(dir, env);
  } catch (err) {
    if (ownsDataDir) rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  const fullEnv = serverEnvironment(dir, backends, env);
  const proc = spawn(serverBinary, [], { cwd: dir, env: fullEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  liveChildren.add(proc);

  let output = '';
  const perStream = { stdout: '', stderr: '' };
  const listeners = new Set();
  const notify = () => {
    for (const listener of [...listeners]) listener();
  };
  for (const name of ['stdout', 'stderr']) {
    proc[name].setEncoding('utf8');
    proc[name].on('data', (chunk) => {
      output += chunk;
      perStream[name] += chunk;
      notify();
    });
  }

  let exitInfo = null;
  let spawnError = null;
  const exited = new Promise((resolve) => {
    // A binary that cannot be started emits 'error', then 'close'.
    proc.on('error', (err) => {
      spawnError = err;
    });
    // 'close' rather than 'exit': by then stdout and stderr are fully read.
    proc.on('close', (code, signal) => {
      exitInfo = { code, signal };
      liveChildren.delete(proc);
      notify();
      resolve(exitInfo);
    });
  });

  // Resolves when check() returns a truthy value, re-checking on every output chunk and
  // on exit; rejects at the deadline.
  function waitUntil(check, timeoutMs, what) {
    return new Promise((resolve, reject) => {
      const attempt = () => {
        let result;
        try {
          result = check();
        } catch (err) {
          finish();
          reject(err);
          return;
        }
        if (result) {
          finish();
          resolve(result);
        }
      };
      const timer = setTimeout(() => {
        finish();
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}; server output:\n${output}`));
      }, timeoutMs);
      const finish = () => {
        clearTimeout(timer);
        listeners.delete(attempt);
      };
      listeners.add(attempt);
      attempt();
    });
  }

  return {
    proc,
    dataDir: dir,
    ownsDataDir,
    output: () => output,
    streamOutput: (name) => perStream[name],
    exited,
    exitInfo: () => exitInfo,
    spawnError: () => spawnError,
    waitUntil,
  };
}

function describeExit(info, spawnError) {
  if (spawnError) return `could not start ${serverBinary}: ${spawnError.message}`;
  return info.signal ? `was killed by ${info.signal}` : `exited with code ${info.code}`;
}

// Starts the server and resolves once it has printed its listening line.
// Returns {baseUrl, port, dataDir, proc, output(), waitForOutput(), waitForExit(), stop(), kill()}.
export async function startServer({ env = {}, dataDir } = {}) {
  const child = await spawnServer({ env, dataDir });
  const host = env.HOST ?? '127.0.0.1';

  let port;
  try {
    port = await child.waitUntil(
      () => {
        for (const name of ['stdout', 'stderr']) {
          const match = LISTENING_LINE.exec(child.streamOutput(name));
          if (match) return Number(match[1]);
        }
        const info = child.exitInfo();
        if (info) {
          const what = child.spawnError() ? describeExit(info, child.spawnError()) : `server ${describeExit(info)} before listening`;
          throw new Error(`${what}; output:\n${child.output()}`);
        }
        return undefined;
      },
      READY_TIMEOUT_MS,
      'the "listening on http://HOST:PORT" line',
    );
  } catch (err) {
    child.proc.kill('SIGKILL');
    await child.exited;
    if (child.ownsDataDir) rmSync(child.dataDir, { recursive: true, force: true });
    throw err;
  }

  const urlHost = host.includes(':') ? `[${host}]` : host;

  async function waitForExit(timeoutMs = STOP_TIMEOUT_MS) {
    await child.waitUntil(() => child.exitInfo(), timeoutMs, 'the server to exit');
    return child.exitInfo();
  }

  function removeDataDir() {
    if (child.ownsDataDir) rmSync(child.dataDir, { recursive: true, force: true });
  }

  // SIGTERM, then SIGKILL if it has not exited after 10 s. Returns the exit code
  // (null when it ended by a signal).
  async function stop() {
    if (!child.exitInfo()) {
      child.proc.kill('SIGTERM');
      const timer = setTimeout(() => child.proc.kill('SIGKILL'), STOP_TIMEOUT_MS);
      await child.exited;
      clearTimeout(timer);
    }
    removeDataDir();
    return child.exitInfo().code;
  }

  async function kill() {
    if (!child.exitInfo()) child.proc.kill('SIGKILL');
    await child.exited;
    removeDataDir();
  }

  return {
    baseUrl: `http://${urlHost}:${port}`,
    port,
    host,
    dataDir: child.dataDir,
    proc: child.proc,
    output: child.output,
    // Resolves with the output once it matches pattern: a substring, a RegExp, or a
    // function given the output.
    waitForOutput: (pattern, timeoutMs = 5000) => {
      const matches = (text) => {
        if (typeof pattern === 'string') return text.includes(pattern);
        if (typeof pattern === 'function') return pattern(text);
        return pattern.test(text);
      };
      return child.waitUntil(() => matches(child.output()) && child.output(), timeoutMs, `output matching ${pattern}`);
    },
    waitForExit,
    stop,
    kill,
  };
}

// Runs the server expecting it to refuse to start: resolves with {code, signal, output}
// once it exits; rejects (after killing it) if it is still running at the deadline.
export async function runServerUntilExit({ env = {}, timeoutMs = 5000 } = {}) {
  const child = await spawnServer({ env });
  try {
    await child.waitUntil(() => child.exitInfo(), timeoutMs, 'the server to exit');
    if (child.spawnError()) throw new Error(describeExit(child.exitInfo(), child.spawnError()));
    return { ...child.exitInfo(), output: child.output() };
  } finally {
    if (!child.exitInfo()) {
      child.proc.kill('SIGKILL');
      await child.exited;
    }
    rmSync(child.dataDir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------
// HTTP through fetch

// One request. json: a value sent as a JSON body; body: raw body (string or Buffer), sent
// with whatever Content-Type headers say. Returns {status, headers, json, text}; json is
// the parsed body when the response says it is JSON.
export async function api(base, method, urlPath, { token, json, body, headers = {}, timeoutMs = 10_000 } = {}) {
  const requestHeaders = { ...headers };
  let requestBody = body;
  if (json !== undefined) {
    requestBody = JSON.stringify(json);
    const hasContentType = Object.keys(requestHeaders).some((name) => name.toLowerCase() === 'content-type');
    if (!hasContentType) requestHeaders['Content-Type'] = 'application/json';
  }
  if (token !== undefined) requestHeaders.Authorization = `Bearer ${token}`;

  const res = await fetch(new URL(urlPath, base), {
    method,
    headers: requestHeaders,
    body: requestBody,
    redirect: 'manual',
    signal: AbortSignal.timeout(timeoutMs),
  });
  const text = await res.text();
  let parsed;
  // A 304 may repeat the Content-Type of the 200 it stands for, without a body.
  const bodyless = res.status === 304 || res.status === 204;
  if (!bodyless && /^application\/json\b/i.test(res.headers.get('content-type') ?? '')) {
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new Error(`${method} ${urlPath} answered ${res.status} with a JSON content type but invalid JSON: ${text}`);
    }
  }
  return { status: res.status, headers: res.headers, json: parsed, text };
}

let userCounter = 0;

// Fields for a fresh user: unique email, distinctive password.
export function newUserFields(overrides = {}) {
  userCounter += 1;
  const tag = `${userCounter}-${randomHex(4)}`;
  return {
    name: `Test User ${tag}`,
    email: `user-${tag}@example.com`,
    password: `pw-${randomHex(12)}`,
    ...overrides,
  };
}

export function signup(base, fields) {
  return api(base, 'POST', '/api/auth/signup', { json: fields });
}

export function login(base, email, password) {
  return api(base, 'POST', '/api/auth/login', { json: { email, password } });
}

// Signs a user up and fails unless it answered 201. Returns the response body plus the
// fields that were sent (password included).
export async function createUser(base, overrides = {}) {
  const fields = newUserFields(overrides);
  const res = await signup(base, fields);
  if (res.status !== 201) {
    throw new Error(`signup of ${fields.email} answered ${res.status}: ${res.text}`);
  }
  return { ...fields, ...res.json };
}

// An admin, on a server started with ADMIN_SECRET=adminSecret.
export async function createAdmin(base, adminSecret, overrides = {}) {
  const admin = await createUser(base, { role: 'admin', adminSecret, ...overrides });
  if (admin.role !== 'admin') throw new Error(`signup with the admin secret gave role ${admin.role}`);
  return admin;
}

// ---------------------------------------------------------------------------------------
// Metrics

export async function readMetrics(base) {
  const res = await api(base, 'GET', '/metrics');
  if (res.status !== 200) throw new Error(`/metrics answered ${res.status}: ${res.text}`);
  return res.text;
}

// The value of an unlabelled sample, or undefined when the metric has no such line.
export function metricValue(metricsText, name) {
  for (const line of metricsText.split('\n')) {
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)\s+(\S+)/.exec(line);
    if (match && match[1] === name) return Number(match[2]);
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------
// JWT forging (the token format of the original backend, jsonwebtoken's HS256)

export function base64url(data) {
  return Buffer.from(data).toString('base64url');
}

const HMAC_OF = { HS256: 'sha256', HS384: 'sha384', HS512: 'sha512' };

// header and payload are objects, serialized in their key order.
export function signJwt(payload, secret, { alg = 'HS256', header = { alg, typ: 'JWT' } } = {}) {
  const signingInput = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(payload))}`;
  const signature = createHmac(HMAC_OF[alg], secret).update(signingInput).digest('base64url');
  return `${signingInput}.${signature}`;
}

export const nowSeconds = () => Math.floor(Date.now() / 1000);

// Exactly what jsonwebtoken's jwt.sign({id, role}, secret, {expiresIn}) produces.
export function originalStyleToken({ id, role }, secret, { iat = nowSeconds(), lifetimeSeconds = 7 * 24 * 3600 } = {}) {
  return signJwt({ id, role, iat, exp: iat + lifetimeSeconds }, secret);
}

export function expiredToken({ id, role }, secret) {
  const iat = nowSeconds() - 3600;
  return signJwt({ id, role, iat, exp: iat + 60 }, secret);
}

// alg "none": no signature at all.
export function unsignedToken(payload) {
  return `${base64url(JSON.stringify({ alg: 'none', typ: 'JWT' }))}.${base64url(JSON.stringify(payload))}.`;
}

// ---------------------------------------------------------------------------------------
// Raw HTTP/1.1 over a socket, for what fetch cannot show: connection reuse and closing,
// oversized headers, slow clients.

export class RawConnection {
  static open(port, host = '127.0.0.1', timeoutMs = 5000) {
    return new Promise((resolve, reject) => {
      const socket = connect({ port, host });
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new Error(`could not connect to ${host}:${port} within ${timeoutMs} ms`));
      }, timeoutMs);
      socket.once('connect', () => {
        clearTimeout(timer);
        resolve(new RawConnection(socket));
      });
      socket.once('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
    });
  }

  constructor(socket) {
    this.socket = socket;
    this.buffer = Buffer.alloc(0);
    this.receivedBytes = 0;
    this.closed = false;
    this.closedAt = undefined;
    this.error = undefined;
    this.listeners = new Set();
    socket.on('data', (chunk) => {
      this.buffer = Buffer.concat([this.buffer, chunk]);
      this.receivedBytes += chunk.length;
      this.notify();
    });
    // A reset after the server answered is normal for some tests: keep the error, and
    // let the data already received be read.
    socket.on('error', (err) => {
      this.error = err;
    });
    socket.on('close', () => {
      this.closed = true;
      this.closedAt = performance.now();
      this.notify();
    });
  }

  get localPort() {
    return this.socket.localPort;
  }

  notify() {
    for (const listener of [...this.listeners]) listener();
  }

  // Resolves when the data is handed to the kernel; rejects if the connection failed.
  write(data) {
    return new Promise((resolve, reject) => {
      if (this.closed || this.socket.destroyed) {
        reject(this.error ?? new Error('connection already closed'));
        return;
      }
      this.socket.write(data, (err) => (err ? reject(err) : resolve()));
    });
  }

  waitUntil(check, timeoutMs, what) {
    return new Promise((resolve, reject) => {
      const attempt = () => {
        let result;
        try {
          result = check();
        } catch (err) {
          finish();
          reject(err);
          return;
        }
        if (result !== undefined) {
          finish();
          resolve(result);
        }
      };
      const timer = setTimeout(() => {
        finish();
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
      }, timeoutMs);
      const finish = () => {
        clearTimeout(timer);
        this.listeners.delete(attempt);
      };
      this.listeners.add(attempt);
      attempt();
    });
  }

  // Reads the next response (skipping 1xx). Resolves with {status, reason, headers
  // (lower-case names), body (Buffer), text, json, complete}; complete is false when the
  // connection closed before the whole body arrived.
  async readResponse({ timeoutMs = 5000 } = {}) {
    for (;;) {
      const response = await this.waitUntil(
        () => {
          const parsed = parseResponse(this.buffer, this.closed);
          if (parsed) return parsed;
          if (this.closed) {
            const detail = this.error ? ` (${this.error.code ?? this.error.message})` : '';
            throw new Error(`connection closed before a response${detail}; received: ${JSON.stringify(this.buffer.toString('latin1').slice(0, 200))}`);
          }
          return undefined;
        },
        timeoutMs,
        'a response',
      );
      this.buffer = this.buffer.subarray(response.consumed);
      delete response.consumed;
      if (response.status >= 200) return response;
    }
  }

  // Resolves true as soon as some bytes arrived (or the connection closed), false if
  // nothing came within timeoutMs.
  async waitForData({ timeoutMs = 1000 } = {}) {
    try {
      return await this.waitUntil(() => (this.receivedBytes > 0 || this.closed ? true : undefined), timeoutMs, 'data');
    } catch {
      return false;
    }
  }

  // Resolves with the time (performance.now()) at which the connection closed.
  waitForClose({ timeoutMs = 5000 } = {}) {
    return this.waitUntil(() => (this.closed ? this.closedAt : undefined), timeoutMs, 'the connection to close');
  }

  destroy() {
    this.socket.destroy();
  }
}

// Parses one response at the start of buf; undefined while incomplete.
function parseResponse(buf, closed) {
  const headerEnd = buf.indexOf('\r\n\r\n');
  if (headerEnd < 0) return undefined;
  const lines = buf.subarray(0, headerEnd).toString('latin1').split('\r\n');
  const statusMatch = /^HTTP\/1\.[01] (\d{3})(?: (.*))?$/.exec(lines[0]);
  if (!statusMatch) throw new Error(`not an HTTP status line: ${JSON.stringify(lines[0])}`);
  const status = Number(statusMatch[1]);
  const headers = {};
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(':');
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    headers[name] = name in headers ? `${headers[name]}, ${value}` : value;
  }

  const bodyStart = headerEnd + 4;
  let body;
  let consumed;
  let complete = true;
  if (status < 200 || status === 204 || status === 304) {
    body = Buffer.alloc(0);
    consumed = bodyStart;
  } else if (/\bchunked\b/i.test(headers['transfer-encoding'] ?? '')) {
    const decoded = decodeChunked(buf, bodyStart);
    if (decoded) {
      ({ body, consumed } = decoded);
    } else if (closed) {
      body = buf.subarray(bodyStart);
      consumed = buf.length;
      complete = false;
    } else {
      return undefined;
    }
  } else if (headers['content-length'] !== undefined) {
    const length = Number(headers['content-length']);
    if (buf.length >= bodyStart + length) {
      body = buf.subarray(bodyStart, bodyStart + length);
      consumed = bodyStart + length;
    } else if (closed) {
      body = buf.subarray(bodyStart);
      consumed = buf.length;
      complete = false;
    } else {
      return undefined;
    }
  } else if (closed) {
    body = buf.subarray(bodyStart);
    consumed = buf.length;
  } else {
    return undefined;
  }

  const text = body.toString('utf8');
  let json;
  if (complete && /^application\/json\b/i.test(headers['content-type'] ?? '')) {
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
  }
  return { status, reason: statusMatch[2] ?? '', headers, body, text, json, complete, consumed };
}

function decodeChunked(buf, start) {
  const parts = [];
  let pos = start;
  for (;;) {
    const lineEnd = buf.indexOf('\r\n', pos);
    if (lineEnd < 0) return undefined;
    const size = parseInt(buf.subarray(pos, lineEnd).toString('latin1').split(';')[0], 16);
    pos = lineEnd + 2;
    if (size === 0) {
      // Trailers end with an empty line.
      const trailerEnd = buf.indexOf('\r\n\r\n', pos - 2);
      if (trailerEnd < 0) return undefined;
      return { body: Buffer.concat(parts), consumed: trailerEnd + 4 };
    }
    if (buf.length < pos + size + 2) return undefined;
    parts.push(buf.subarray(pos, pos + size));
    pos += size + 2;
  }
}

export function rawGet(urlPath, extraHeaderLines = []) {
  return [`GET ${urlPath} HTTP/1.1`, 'Host: 127.0.0.1', ...extraHeaderLines, '', ''].join('\r\n');
}

export function rawPost(urlPath, body, extraHeaderLines = []) {
  return [
    `POST ${urlPath} HTTP/1.1`,
    'Host: 127.0.0.1',
    'Content-Type: application/json',
    `Content-Length: ${Buffer.byteLength(body)}`,
    ...extraHeaderLines,
    '',
    body,
  ].join('\r\n');
}

// Sends one request with "Connection: close" among its header lines and reads until the
// server closes. Returns {status, headers (lower-case names), body}, where body is every
// byte after the header block: a HEAD or 304 answer must leave it empty.
export async function rawExchange(port, requestText, { timeoutMs = 5000 } = {}) {
  const conn = await RawConnection.open(port);
  try {
    await conn.write(requestText);
    await conn.waitForClose({ timeoutMs });
  } finally {
    conn.destroy();
  }
  const headerEnd = conn.buffer.indexOf('\r\n\r\n');
  if (headerEnd < 0) throw new Error(`no complete response header: ${JSON.stringify(conn.buffer.toString('latin1').slice(0, 200))}`);
  const [statusLine, ...lines] = conn.buffer.subarray(0, headerEnd).toString('latin1').split('\r\n');
  const headers = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { status: Number(statusLine.split(' ')[1]), headers, body: conn.buffer.subarray(headerEnd + 4) };
}

// Linux only: resolves once the server process has read everything sent on the
// connection (its receive queue for that connection is empty), so that a request is
// known to be in the server's hands. Elsewhere it resolves at once.
export async function waitUntilServerHasRead(serverPort, clientPort, timeoutMs = 5000) {
  const hexPort = (port) => port.toString(16).toUpperCase().padStart(4, '0');
  const serverSide = `:${hexPort(serverPort)}`;
  const clientSide = `:${hexPort(clientPort)}`;
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    let table;
    try {
      table = readFileSync('/proc/net/tcp', 'utf8') + readFileSync('/proc/net/tcp6', 'utf8');
    } catch {
      return;
    }
    let pending;
    for (const line of table.split('\n')) {
      const fields = line.trim().split(/\s+/);
      if (fields.length > 4 && fields[1].endsWith(serverSide) && fields[2].endsWith(clientSide)) {
        pending = parseInt(fields[4].split(':')[1], 16);
      }
    }
    if (pending === undefined || pending === 0) return;
    if (performance.now() > deadline) throw new Error(`the server did not read the request within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

// ---------------------------------------------------------------------------------------
// Polling

// Resolves with the first truthy value of check() (which may be async), calling it every
// intervalMs; rejects at the deadline.
export async function waitFor(check, { timeoutMs = 5000, intervalMs = 10, what = 'a condition' } = {}) {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const result = await check();
    if (result) return result;
    if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

// ---------------------------------------------------------------------------------------
// Tracks: multipart bodies, uploads and the media directory

// A multipart/form-data body built byte by byte, for what FormData cannot express.
// parts: [{name, data, filename?, contentType?}] with data a string or Buffer.
// finalBoundary: false leaves out the closing "--boundary--" line.
// Returns {body (Buffer), contentType, boundary}.
export function multipartBody(parts, { boundary = `volkrin-${randomHex(12)}`, finalBoundary = true } = {}) {
  const chunks = [];
  for (const part of parts) {
    let disposition = `form-data; name="${part.name}"`;
    if (part.filename !== undefined) disposition += `; filename="${part.filename}"`;
    const lines = [`--${boundary}`, `Content-Disposition: ${disposition}`];
    if (part.contentType !== undefined) lines.push(`Content-Type: ${part.contentType}`);
    chunks.push(Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'utf8'));
    chunks.push(Buffer.isBuffer(part.data) ? part.data : Buffer.from(String(part.data), 'utf8'));
    chunks.push(Buffer.from('\r\n'));
  }
  if (finalBoundary) chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(chunks), contentType: `multipart/form-data; boundary=${boundary}`, boundary };
}

// The multipart parts of an upload: title, artist, file (the audio) and thumbnail. A file
// is {bytes, name, mime}; a field left undefined is left out of the form.
export function uploadParts({ title, artist, audio, thumbnail }) {
  const parts = [];
  if (title !== undefined) parts.push({ name: 'title', data: title });
  if (artist !== undefined) parts.push({ name: 'artist', data: artist });
  if (audio !== undefined) parts.push({ name: 'file', filename: audio.name, contentType: audio.mime, data: audio.bytes });
  if (thumbnail !== undefined) {
    parts.push({ name: 'thumbnail', filename: thumbnail.name, contentType: thumbnail.mime, data: thumbnail.bytes });
  }
  return parts;
}

// POST /api/tracks/upload with fetch's FormData, as a browser sends it. Same fields as
// uploadParts. Returns what api() returns.
export function uploadTrack(base, token, fields, { timeoutMs = 30_000 } = {}) {
  const form = new FormData();
  for (const part of uploadParts(fields)) {
    if (part.filename === undefined) form.append(part.name, part.data);
    else form.append(part.name, new Blob([part.data], { type: part.contentType }), part.filename);
  }
  return api(base, 'POST', '/api/tracks/upload', { token, body: form, timeoutMs });
}

// POST /api/tracks/upload with a hand-built multipart body (see multipartBody).
export function uploadMultipart(base, token, parts, options = {}) {
  const { body, contentType } = multipartBody(parts, options);
  return api(base, 'POST', '/api/tracks/upload', { token, body, headers: { 'Content-Type': contentType }, timeoutMs: 30_000 });
}

// The bytes of a whole POST /api/tracks/upload request for a raw connection: the header
// block, then the body, with Content-Length or, when chunked, in chunks of chunkSize.
export function uploadRequestBytes({ token, body, contentType, chunked = false, chunkSize = 16 * 1024 }) {
  const lines = ['POST /api/tracks/upload HTTP/1.1', 'Host: 127.0.0.1', `Content-Type: ${contentType}`];
  if (token !== undefined) lines.push(`Authorization: Bearer ${token}`);
  lines.push(chunked ? 'Transfer-Encoding: chunked' : `Content-Length: ${body.length}`);
  const head = Buffer.from(`${lines.join('\r\n')}\r\n\r\n`);
  if (!chunked) return Buffer.concat([head, body]);
  const chunks = [head];
  for (let start = 0; start < body.length; start += chunkSize) {
    const chunk = body.subarray(start, start + chunkSize);
    chunks.push(Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from('0\r\n\r\n'));
  return Buffer.concat(chunks);
}

// The stored media of a server: files under DATA_DIR/media on the embedded backends, the
// objects of its bucket in the services profile. Keys are "audio/<uuid>-song.mp3".
const mediaRoot = (dataDir) => path.join(dataDir, 'media');

// Where partial uploads are written while they arrive: DATA_DIR/media/.incoming, or the
// spool directory DATA_DIR/spool of the S3 store.
export const incomingDir = (dataDir) => (mediaInBucket(dataDir) ? path.join(dataDir, 'spool') : path.join(dataDir, 'media', '.incoming'));

// Every stored object (partial uploads excluded), as sorted keys.
export async function storedMediaFiles(dataDir) {
  if (mediaInBucket(dataDir)) return (await bucketKeys(backendsOf(dataDir).bucket)).sort();
  const root = mediaRoot(dataDir);
  const files = [];
  const walk = (relative) => {
    let entries;
    try {
      entries = readdirSync(path.join(root, relative), { withFileTypes: true });
    } catch (err) {
      if (err.code === 'ENOENT') return;
      throw err;
    }
    for (const entry of entries) {
      const child = relative ? `${relative}/${entry.name}` : entry.name;
      if (entry.isDirectory()) {
        if (child !== '.incoming') walk(child);
      } else {
        files.push(child);
      }
    }
  };
  walk('');
  return files.sort();
}

// The bytes stored under key, or undefined when there is no such object.
export async function readStoredMedia(dataDir, key) {
  if (mediaInBucket(dataDir)) {
    const res = await s3Request('GET', backendsOf(dataDir).bucket, key);
    if (res.status === 404) return undefined;
    if (res.status !== 200) throw new Error(`S3 GetObject ${key} answered ${res.status}: ${res.body}`);
    return res.body;
  }
  const file = path.join(mediaRoot(dataDir), key);
  return existsSync(file) ? readFileSync(file) : undefined;
}

// Stores bytes under key where a server on dataDir finds its media (as when the media of
// another installation are copied over).
export async function storeMedia(dataDir, key, bytes) {
  if (mediaInBucket(dataDir)) {
    const backends = backendsOf(dataDir);
    await ensureBucket(backends);
    const res = await s3Request('PUT', backends.bucket, key, { body: bytes });
    if (res.status !== 200) throw new Error(`S3 PutObject ${key} answered ${res.status}: ${res.body}`);
    return;
  }
  const file = path.join(mediaRoot(dataDir), key);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, bytes);
}

// Makes the media store of a running server unusable until the returned function is
// called: the media directory is moved away, or the (empty) bucket is deleted.
export async function breakMediaStore(dataDir) {
  if (mediaInBucket(dataDir)) {
    const { bucket } = backendsOf(dataDir);
    const res = await s3Request('DELETE', bucket);
    if (res.status !== 204 && res.status !== 200) throw new Error(`S3 DeleteBucket ${bucket} answered ${res.status}: ${res.body}`);
    return async () => {
      const again = await s3Request('PUT', bucket);
      if (again.status !== 200) throw new Error(`S3 CreateBucket ${bucket} answered ${again.status}: ${again.body}`);
    };
  }
  const media = mediaRoot(dataDir);
  renameSync(media, `${media}.moved`);
  return async () => renameSync(`${media}.moved`, media);
}

// Makes the database of a running server unusable until the returned function is called:
// the SQLite file is moved away, or the PostgreSQL database refuses connections and those
// of the server are ended.
export async function breakDatabase(dataDir) {
  if (servicesProfile) {
    const { database } = backendsOf(dataDir);
    await psql([
      `ALTER DATABASE "${database}" ALLOW_CONNECTIONS false`,
      `SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = '${database}'`,
    ]);
    return async () => {
      await psql([`ALTER DATABASE "${database}" ALLOW_CONNECTIONS true`]);
    };
  }
  const db = path.join(dataDir, 'volkrin.db');
  renameSync(db, `${db}.moved`);
  return async () => renameSync(`${db}.moved`, db);
}

// Whether the stored data of dataDir hold text anywhere: the SQLite file with its
// write-ahead log, or a data-only dump of the PostgreSQL database.
export async function databaseHolds(dataDir, text) {
  if (servicesProfile) {
    const dump = await new Promise((resolve, reject) => {
      const url = databaseUrl(backendsOf(dataDir).database);
      execFile('pg_dump', ['--data-only', '-d', url], { timeout: 30_000, maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
        if (err) reject(new Error(`pg_dump: ${stderr || err.message}`));
        else resolve(stdout);
      });
    });
    return dump.includes(text);
  }
  return ['volkrin.db', 'volkrin.db-wal'].some((name) => {
    const file = path.join(dataDir, name);
    return existsSync(file) && readFileSync(file).includes(text);
  });
}

// The names of the partial uploads (see incomingDir); [] when there is no such directory.
export function incomingEntries(dataDir) {
  try {
    return readdirSync(incomingDir(dataDir)).sort();
  } catch (err) {
    if (err.code === 'ENOENT') return [];
    throw err;
  }
}

// GET /api/tracks, failing unless it answers 200 with an array.
export async function listTracks(base, query = '') {
  const res = await api(base, 'GET', `/api/tracks${query}`);
  if (res.status !== 200 || !Array.isArray(res.json)) throw new Error(`GET /api/tracks${query} answered ${res.status}: ${res.text}`);
  return res.json;
}

// What a failed upload must leave as it found: the track list and the stored media.
export async function trackState(base, dataDir) {
  return { tracks: await listTracks(base), files: await storedMediaFiles(dataDir) };
}

// Fails unless the track list and the stored media equal `before` and no partial upload is left.
export async function assertNothingLeftBehind(base, dataDir, before) {
  const now = await trackState(base, dataDir);
  assert.deepEqual(now.tracks, before.tracks, 'the track list changed');
  assert.deepEqual(now.files, before.files, 'stored media were added or removed');
  assert.deepEqual(incomingEntries(dataDir), [], 'a partial upload was left behind');
}
