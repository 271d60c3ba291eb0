// Contract tests of the embedded web player's files: paths, types, caching and security
// headers, and that the API's 404 for unknown paths is unchanged.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import { api, repoRoot, startServer } from './harness.mjs';

const FILES = {
  '/': ['index.html', 'text/html; charset=utf-8'],
  '/index.html': ['index.html', 'text/html; charset=utf-8'],
  '/app.js': ['app.js', 'text/javascript; charset=utf-8'],
  '/style.css': ['style.css', 'text/css; charset=utf-8'],
  '/icon.svg': ['icon.svg', 'image/svg+xml'],
};

describe('the web player files', () => {
  let server;
  before(async () => {
    server = await startServer();
  });
  after(async () => {
    await server?.stop();
  });

  it('serves each file of web/ byte for byte with its type', async () => {
    for (const [urlPath, [name, type]] of Object.entries(FILES)) {
      const res = await api(server.baseUrl, 'GET', urlPath);
      assert.equal(res.status, 200, urlPath);
      assert.equal(res.headers.get('content-type'), type, urlPath);
      assert.equal(res.text, readFileSync(path.join(repoRoot, 'web', name), 'utf8'), `${urlPath} is web/${name} as built`);
    }
  });

  it('sends no-cache with an ETag and answers If-None-Match with 304', async () => {
    const first = await api(server.baseUrl, 'GET', '/app.js');
    const etag = first.headers.get('etag');
    assert.match(etag, /^"[0-9a-f]+"$/);
    assert.equal(first.headers.get('cache-control'), 'no-cache');
    const again = await api(server.baseUrl, 'GET', '/app.js', { headers: { 'If-None-Match': etag } });
    assert.equal(again.status, 304);
    assert.equal(again.text, '');
    const head = await api(server.baseUrl, 'HEAD', '/');
    assert.equal(head.status, 200);
    assert.equal(head.text, '');
    assert.notEqual((await api(server.baseUrl, 'GET', '/style.css')).headers.get('etag'), etag);
  });

  it('sends a strict Content-Security-Policy and nosniff', async () => {
    const res = await api(server.baseUrl, 'GET', '/');
    const csp = res.headers.get('content-security-policy');
    for (const directive of ["default-src 'self'", "script-src 'self'", "object-src 'none'", "frame-ancestors 'none'", 'media-src ', 'img-src ']) {
      assert.ok(csp.includes(directive), `${directive} in ${csp}`);
    }
    assert.ok(!csp.includes('unsafe-inline') && !csp.includes('unsafe-eval'), csp);
    assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
  });

  it('leaves unknown paths and the API to the 404 of the API', async () => {
    for (const urlPath of ['/nope', '/web/app.js', '/app.js/x', '/api/', '/api/nope', '/favicon.ico']) {
      const res = await api(server.baseUrl, 'GET', urlPath);
      assert.equal(res.status, 404, urlPath);
      assert.deepEqual(res.json, { message: 'Route not found' }, urlPath);
    }
    assert.equal((await api(server.baseUrl, 'POST', '/', { json: {} })).status, 404);
  });
});
