// Private back-end services for the cluster test, so that stopping or restarting one
// disturbs no other test: PostgreSQL and s3rver through scripts/services, a plain Redis
// started here (so that it can be stopped and started again on the same port), and
// Debian's nginx in front of the instances. Every process is stopped by its own PID;
// nothing here sleeps for a fixed time.

import { execFile, execFileSync, spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

import { repoRoot, waitFor } from '../contract/harness.mjs';

const run = promisify(execFile);

const scriptsDir = path.join(repoRoot, 'scripts', 'services');

// Services started through scripts/services that still run: stopped synchronously when
// the test process exits, should a test fail before its own cleanup.
const runningScripts = new Map();
// Child processes started here, killed on exit for the same reason. They are unref'd: one
// left running by a failed test must not keep this process (and so the test run) alive.
const liveChildren = new Set();
process.on('exit', () => {
  // SIGTERM: nginx's master then stops its workers too.
  for (const child of liveChildren) child.kill('SIGTERM');
  for (const [dir, name] of runningScripts) {
    try {
      execFileSync(path.join(scriptsDir, name), ['stop', dir], { stdio: 'ignore' });
    } catch {
      // Best effort: the process is exiting anyway.
    }
  }
});

// What scripts/services/postgres looks for: pg_config's bindir or a versioned directory.
export function postgresInstalled() {
  const found = spawnSync('sh', ['-c', 'ls "$(pg_config --bindir 2>/dev/null)"/pg_ctl /usr/lib/postgresql/*/bin/pg_ctl'], {
    encoding: 'utf8',
  });
  return found.stdout.trim().length > 0;
}

function readIfThere(file) {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

export function which(command) {
  return spawnSync('sh', ['-c', `command -v ${command}`], { encoding: 'utf8' }).status === 0;
}

// A loopback port nothing listens on at the moment of asking.
export function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

// The `export NAME=VALUE` lines a service script prints, as an object.
function parseExports(text) {
  const values = {};
  for (const line of text.split('\n')) {
    const match = /^export ([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (match) values[match[1]] = match[2];
  }
  return values;
}

async function serviceScript(name, action, dir) {
  try {
    const { stdout } = await run(path.join(scriptsDir, name), [action, dir], {
      cwd: repoRoot,
      timeout: 60_000,
      encoding: 'utf8',
    });
    return stdout;
  } catch (err) {
    throw new Error(`scripts/services/${name} ${action} failed: ${err.stderr || err.message}`);
  }
}

async function startScriptService(name, dir) {
  runningScripts.set(dir, name);
  const exports = parseExports(await serviceScript(name, 'start', dir));
  return {
    exports,
    async stop() {
      if (!runningScripts.has(dir)) return;
      await serviceScript(name, 'stop', dir);
      runningScripts.delete(dir);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

// PostgreSQL in a directory of its own under /tmp, which the postgres user must reach.
export async function startPostgres() {
  const dir = mkdtempSync('/tmp/volkrin-cluster-postgres-');
  chmodSync(dir, 0o755);
  const service = await startScriptService('postgres', dir);
  const url = service.exports.VOLKRIN_TEST_POSTGRES_URL;
  if (!url) throw new Error('scripts/services/postgres printed no VOLKRIN_TEST_POSTGRES_URL');
  return {
    url,
    // Fast shutdown, then start again on the same port; returns once it accepts connections.
    restart: () => serviceScript('postgres', 'restart', dir),
    stop: service.stop,
  };
}

export async function startS3rver() {
  const dir = mkdtempSync(path.join(tmpdir(), 'volkrin-cluster-s3rver-'));
  const service = await startScriptService('s3rver', dir);
  const e = service.exports;
  if (!e.VOLKRIN_TEST_S3_ENDPOINT) throw new Error('scripts/services/s3rver printed no VOLKRIN_TEST_S3_ENDPOINT');
  return {
    endpoint: e.VOLKRIN_TEST_S3_ENDPOINT,
    bucket: e.VOLKRIN_TEST_S3_BUCKET,
    accessKeyId: e.VOLKRIN_TEST_S3_ACCESS_KEY_ID,
    secretAccessKey: e.VOLKRIN_TEST_S3_SECRET_ACCESS_KEY,
    stop: service.stop,
  };
}

// ---------------------------------------------------------------------------------------
// Redis

// One command over a fresh connection, in RESP; resolves with the raw reply text.
export function redisCommand(port, args, { timeoutMs = 2000 } = {}) {
  const request = `*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(String(a))}\r\n${a}\r\n`).join('')}`;
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: '127.0.0.1' });
    let reply = '';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`Redis on port ${port} did not answer within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.setEncoding('utf8');
    socket.on('connect', () => socket.write(request));
    socket.on('data', (chunk) => {
      reply += chunk;
      // Enough for the short replies asked for here: one line, or a bulk string.
      const bulk = /^\$(-?\d+)\r\n/.exec(reply);
      const complete = bulk ? Number(bulk[1]) < 0 || reply.length >= bulk[0].length + Number(bulk[1]) + 2 : reply.endsWith('\r\n');
      if (complete) {
        clearTimeout(timer);
        socket.end();
        resolve(reply);
      }
    });
    socket.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
}

// A plain Redis without persistence, child of this process. stop() ends it by its PID;
// start() brings a new one up on the same port, as a restarted Redis would be.
export class PrivateRedis {
  static async create() {
    const dir = mkdtempSync(path.join(tmpdir(), 'volkrin-cluster-redis-'));
    // The port is chosen once; another process may take it between the probe and the
    // bind, so a first start that fails tries another.
    for (let attempt = 1; ; attempt += 1) {
      const redis = new PrivateRedis(dir, await freePort());
      try {
        await redis.start();
        return redis;
      } catch (err) {
        if (attempt >= 5) {
          rmSync(dir, { recursive: true, force: true });
          throw err;
        }
      }
    }
  }

  constructor(dir, port) {
    this.dir = dir;
    this.port = port;
    this.url = `redis://127.0.0.1:${port}`;
    this.child = null;
  }

  get pid() {
    return this.child?.pid;
  }

  async start() {
    if (this.child) throw new Error('Redis is already running');
    const args = ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'];
    args.push('--dir', this.dir, '--daemonize', 'no', '--logfile', path.join(this.dir, 'redis.log'));
    const child = spawn('redis-server', args, { stdio: 'ignore' });
    child.unref();
    liveChildren.add(child);
    let exited = false;
    child.exited = new Promise((resolve) =>
      child.once('close', () => {
        exited = true;
        liveChildren.delete(child);
        resolve();
      }),
    );
    this.child = child;
    try {
      await waitFor(
        async () => {
          if (exited) throw new Error(`redis-server on port ${this.port} exited at start; see ${this.dir}/redis.log`);
          try {
            return (await redisCommand(this.port, ['PING'], { timeoutMs: 500 })) === '+PONG\r\n';
          } catch {
            return false;
          }
        },
        { timeoutMs: 10_000, intervalMs: 20, what: `redis-server on port ${this.port}` },
      );
    } catch (err) {
      await this.stop();
      throw err;
    }
  }

  // SIGTERM to its PID (SIGKILL after 5 s); resolves once it has exited.
  async stop() {
    const child = this.child;
    if (!child) return;
    this.child = null;
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await child.exited;
      clearTimeout(timer);
    }
  }

  async destroy() {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------
// nginx

// nginx's configuration for a round-robin upstream of `ports`, in `dir`: one worker (so
// that one round-robin counter decides), every path in `dir`, and the chosen instance
// named in an X-Upstream response header.
function nginxConfig(dir, listenPort, ports) {
  return `daemon off;
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;

events {
  worker_connections 256;
}

http {
  access_log ${dir}/access.log;
  client_body_temp_path ${dir}/client_body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;

  upstream volkrin {
${ports.map((port) => `    server 127.0.0.1:${port};`).join('\n')}
  }

  server {
    listen 127.0.0.1:${listenPort};
    client_max_body_size 50m;

    proxy_http_version 1.1;
    proxy_set_header Connection "";
    proxy_set_header Host $http_host;
    proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
    # A request goes to the instance round robin chose, even when that one fails: the
    # test must see each instance's own answer.
    proxy_next_upstream off;
    add_header X-Upstream $upstream_addr always;

    location / {
      proxy_pass http://volkrin;
    }
  }
}
`;
}

// Debian's nginx as a child of this process, in front of the instances on `ports`.
export async function startNginx(ports) {
  const dir = mkdtempSync(path.join(tmpdir(), 'volkrin-cluster-nginx-'));
  // nginx's workers run as an unprivileged user when the master is root: they must reach
  // the temporary directories.
  chmodSync(dir, 0o755);
  const confFile = path.join(dir, 'nginx.conf');
  for (let attempt = 1; ; attempt += 1) {
    const port = await freePort();
    writeFileSync(confFile, nginxConfig(dir, port, ports));
    // -e: the error log of the time before the configuration is read.
    const child = spawn('nginx', ['-p', dir, '-c', confFile, '-e', path.join(dir, 'startup.log')], { stdio: 'ignore' });
    child.unref();
    liveChildren.add(child);
    const output = () =>
      ['startup.log', 'error.log'].map((name) => readIfThere(path.join(dir, name))).join('');
    let exited = false;
    const closed = new Promise((resolve) =>
      child.once('close', () => {
        exited = true;
        liveChildren.delete(child);
        resolve();
      }),
    );
    const baseUrl = `http://127.0.0.1:${port}`;
    try {
      await waitFor(
        async () => {
          if (exited) throw new Error(`nginx exited at start: ${output()}`);
          try {
            const res = await fetch(`${baseUrl}/api/health`, { signal: AbortSignal.timeout(1000) });
            await res.arrayBuffer();
            return res.status === 200;
          } catch {
            return false;
          }
        },
        { timeoutMs: 10_000, intervalMs: 20, what: `nginx on port ${port}` },
      );
    } catch (err) {
      if (!exited) child.kill('SIGKILL');
      await closed;
      if (attempt < 3) continue;
      rmSync(dir, { recursive: true, force: true });
      throw err;
    }
    return {
      baseUrl,
      // Its error log.
      output,
      // SIGQUIT (graceful) to its PID, SIGKILL after 5 s.
      async stop() {
        if (!exited) {
          child.kill('SIGQUIT');
          const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
          await closed;
          clearTimeout(timer);
        }
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
}

// ---------------------------------------------------------------------------------------
// A database link that can be slowed down

// A TCP proxy to 127.0.0.1:targetPort whose answers (target to client) can be held back,
// to stage a slow read: hold(marker) lets answers through until one contains `marker`,
// then keeps that one and every later one, on any connection, until release().
export async function startHoldingProxy(targetPort) {
  const sockets = new Set();
  let hold = null; // {marker, triggered, held: [[socket, chunk]], notify}

  const server = createServer((client) => {
    const upstream = connect({ port: targetPort, host: '127.0.0.1' });
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => {});
    }
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
    client.on('data', (chunk) => upstream.write(chunk));
    let tail = Buffer.alloc(0);
    upstream.on('data', (chunk) => {
      if (hold && !hold.triggered && Buffer.concat([tail, chunk]).includes(hold.marker)) {
        hold.triggered = true;
        hold.notify();
      }
      if (hold?.triggered) {
        hold.held.push([client, chunk]);
        return;
      }
      tail = chunk.subarray(Math.max(0, chunk.length - 256));
      client.write(chunk);
    });
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });

  return {
    port: server.address().port,
    hold(marker) {
      let notify;
      const triggered = new Promise((resolve) => (notify = resolve));
      hold = { marker: Buffer.from(marker), triggered: false, held: [], notify, whenTriggered: triggered };
    },
    // Resolves once an answer containing the marker is being held.
    async held(timeoutMs = 5000) {
      let timer;
      const timeout = new Promise((resolve, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer containing the marker within ${timeoutMs} ms`)), timeoutMs);
      });
      try {
        await Promise.race([hold.whenTriggered, timeout]);
      } finally {
        clearTimeout(timer);
      }
    },
    release() {
      const held = hold?.held ?? [];
      hold = null;
      for (const [client, chunk] of held) client.write(chunk);
    },
    async close() {
      this.release();
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
