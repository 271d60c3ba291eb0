// Runs deploy/nginx/nginx.conf with the host's nginx in front of two built servers (the
// compose host names replaced by loopback ports): requests are spread over both, the
// request id reaches the servers, and /metrics stays private. Skipped without nginx.

import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

import { startServer } from '../contract/harness.mjs';

const confFile = fileURLToPath(new URL('../../deploy/nginx/nginx.conf', import.meta.url));
const nginxFound = spawnSync('nginx', ['-v']).status === 0;

function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

async function waitForHttp(url, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await fetch(url, { signal: AbortSignal.timeout(1000) });
    } catch (err) {
      if (Date.now() > deadline) throw new Error(`${url} did not answer within ${timeoutMs} ms: ${err.message}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

describe('deploy/nginx/nginx.conf', { skip: nginxFound ? false : 'nginx is not installed' }, () => {
  const servers = [];
  let dir;
  let nginx;
  let nginxOutput = '';
  let base;

  before(async () => {
    servers.push(await startServer(), await startServer());
    dir = mkdtempSync(path.join(tmpdir(), 'volkrin-nginx-'));
    const port = await freePort();
    const conf = readFileSync(confFile, 'utf8')
      .replace(/^pid .*;$/m, `pid ${dir}/nginx.pid;`)
      // Node's child pipes are sockets, which /dev/stdout cannot be opened on.
      .replace('access_log /dev/stdout main;', `access_log ${dir}/access.log main;`)
      .replace('error_log /dev/stderr warn;', `error_log ${dir}/error.log warn;`)
      .replace(/^(\s*)listen 80;$/m, `$1listen 127.0.0.1:${port};`)
      .replace('server volkrin-1:8000', `server 127.0.0.1:${servers[0].port}`)
      .replace('server volkrin-2:8000', `server 127.0.0.1:${servers[1].port}`);
    writeFileSync(path.join(dir, 'nginx.conf'), conf);
    const syntax = spawnSync('nginx', ['-t', '-p', dir, '-c', path.join(dir, 'nginx.conf'), '-e', 'stderr'], {
      encoding: 'utf8',
    });
    assert.equal(syntax.status, 0, syntax.stderr);
    nginx = spawn('nginx', ['-p', dir, '-c', path.join(dir, 'nginx.conf'), '-e', 'stderr', '-g', 'daemon off;'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    nginx.stdout.on('data', (chunk) => (nginxOutput += chunk));
    nginx.stderr.on('data', (chunk) => (nginxOutput += chunk));
    base = `http://127.0.0.1:${port}`;
    await waitForHttp(`${base}/api/health`, 10_000);
  });

  after(async () => {
    if (nginx && nginx.exitCode === null) {
      const exited = new Promise((resolve) => nginx.once('close', resolve));
      nginx.kill('SIGQUIT');
      await exited;
    }
    await Promise.all(servers.map((s) => s.stop()));
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('spreads requests over both instances', async () => {
    for (let i = 0; i < 10; i += 1) {
      const res = await fetch(`${base}/api/health?n=${i}`);
      assert.equal(res.status, 200, nginxOutput);
      await res.text();
    }
    for (const server of servers) {
      assert.match(server.output(), /GET \/api\/health\?n=/, 'an instance got no request');
    }
  });

  it("hands nginx's request id to the server, which answers with it", async () => {
    const res = await fetch(`${base}/api/health`);
    await res.text();
    const id = res.headers.get('x-request-id');
    assert.match(id, /^[0-9a-f]{32}$/);
    assert.match(readFileSync(path.join(dir, 'access.log'), 'utf8'), new RegExp(`rid=${id}`));
  });

  it('keeps /metrics for Prometheus, which scrapes the instances directly', async () => {
    const res = await fetch(`${base}/metrics`);
    assert.equal(res.status, 404);
    assert.deepEqual(await res.json(), { message: 'Route not found' });
  });
});
