// Contract test of `volkrin healthcheck`, the container health check: exit 0 only when the
// server on HOST:PORT answers /api/health/ready with 200 within 3 s, else exit 1 with one
// line that says why.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { createServer as createTcpServer } from 'node:net';
import { after, describe, it } from 'node:test';

import { makeTempDir, serverBinary, startServer } from './harness.mjs';

function healthcheck(env) {
  const dir = makeTempDir();
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(serverBinary, ['healthcheck'], {
      cwd: dir,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', DATA_DIR: dir, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      rmSync(dir, { recursive: true, force: true });
      resolve({ code, stdout, stderr, ms: performance.now() - started });
    });
  });
}

function listen(server) {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server.address().port)));
}

describe('volkrin healthcheck', () => {
  const cleanups = [];
  after(async () => {
    for (const cleanup of cleanups) await cleanup();
  });

  it('exits 0 when the server on PORT is ready', async () => {
    const server = await startServer();
    cleanups.push(() => server.stop());
    const result = await healthcheck({ PORT: server.port, HOST: '0.0.0.0' });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, `ready: http://127.0.0.1:${server.port}/api/health/ready answered 200\n`);
  });

  it('exits 1 when nothing listens', async () => {
    const server = await startServer();
    const { port } = server;
    await server.stop();
    const result = await healthcheck({ PORT: port });
    assert.equal(result.code, 1);
    assert.match(result.stderr, /^not ready: http:\/\/127\.0\.0\.1:\d+\/api\/health\/ready: Connection refused\n$/);
  });

  it('exits 1 with the answer when the server is not ready', async () => {
    const fake = createHttpServer((req, res) => {
      res.writeHead(req.url === '/api/health/ready' ? 503 : 404, { 'Content-Type': 'application/json' });
      res.end('{"status":"error","components":{"database":{"status":"error"}}}');
    });
    const port = await listen(fake);
    cleanups.push(() => new Promise((resolve) => fake.close(resolve)));
    const result = await healthcheck({ PORT: port });
    assert.equal(result.code, 1);
    assert.match(result.stderr, /answered 503 \{"status":"error","components":\{"database"/);
  });

  it('gives up after 3 s on a server that never answers', async () => {
    const sockets = [];
    const silent = createTcpServer((socket) => sockets.push(socket));
    const port = await listen(silent);
    cleanups.push(
      () =>
        new Promise((resolve) => {
          for (const socket of sockets) socket.destroy();
          silent.close(resolve);
        }),
    );
    const result = await healthcheck({ PORT: port });
    assert.equal(result.code, 1);
    assert.match(result.stderr, /: timed out\n$/);
    assert.ok(result.ms > 2500 && result.ms < 6000, `took ${result.ms} ms`);
  });

  it('exits 1, not 2, on a configuration it cannot read', async () => {
    const result = await healthcheck({ PORT: 'eighty' });
    assert.equal(result.code, 1);
    assert.match(result.stderr, /^not ready: configuration error: PORT: /);
  });
});
