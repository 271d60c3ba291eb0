// HTTPS served directly (TLS_CERT_FILE / TLS_KEY_FILE), media included.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import { makeTempDir, multipartBody, randomHex, skipWithServices, startServer, uploadParts } from './harness.mjs';
import { image, tone } from './media-samples.mjs';

// One HTTPS exchange trusting only the test CA. Resolves {status, headers, body: Buffer}.
function httpsCall(port, ca, method, urlPath, { headers = {}, body } = {}) {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', servername: 'localhost', port, method, path: urlPath, ca, headers }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.setTimeout(15_000, () => req.destroy(new Error('timed out')));
    if (body) req.write(body);
    req.end();
  });
}

describe('direct TLS', () => {
  const adminSecret = `admin-${randomHex(8)}`;
  let server;
  let ca;
  before(async () => {
    const dir = makeTempDir('volkrin-tls-');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1',
      '-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem'), '-subj', '/CN=localhost',
      '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1'], { stdio: 'ignore' });
    ca = readFileSync(path.join(dir, 'cert.pem'));
    server = await startServer({
      env: { TLS_CERT_FILE: path.join(dir, 'cert.pem'), TLS_KEY_FILE: path.join(dir, 'key.pem'), ADMIN_SECRET: adminSecret },
    });
  });
  after(() => server?.stop());

  it('announces https and answers over TLS with HSTS', async () => {
    assert.match(server.output(), /listening on https:\/\//);
    const res = await httpsCall(server.port, ca, 'GET', '/api/health');
    assert.equal(res.status, 200);
    assert.equal(JSON.parse(res.body).status, 'ok');
    assert.match(res.headers['strict-transport-security'], /max-age=31536000/);
  });

  it('uploads and streams media byte for byte over TLS, ranges included', { skip: skipWithServices('media links point at the S3 service, not at this server') }, async () => {
    const signup = await httpsCall(server.port, ca, 'POST', '/api/auth/signup', {
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: 'Tls Admin', email: `tls-${randomHex(4)}@example.com`, password: 'password-123', role: 'admin', adminSecret }),
    });
    assert.equal(signup.status, 201);
    const { token } = JSON.parse(signup.body);
    const audio = tone('mp3');
    const { body, contentType } = multipartBody(uploadParts({ title: 'Secure', artist: 'Tls', audio, thumbnail: image('png') }));
    const upload = await httpsCall(server.port, ca, 'POST', '/api/tracks/upload', {
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': contentType, 'Content-Length': body.length },
      body,
    });
    assert.equal(upload.status, 201, upload.body.toString());
    const id = JSON.parse(upload.body).track._id;
    const stream = await httpsCall(server.port, ca, 'GET', `/api/tracks/${id}/stream`, { headers: { Host: `localhost:${server.port}` } });
    const url = new URL(JSON.parse(stream.body).url);
    assert.equal(url.protocol, 'https:');
    const whole = await httpsCall(server.port, ca, 'GET', url.pathname + url.search);
    assert.equal(whole.status, 200);
    assert.ok(whole.body.equals(audio.bytes));
    const part = await httpsCall(server.port, ca, 'GET', url.pathname + url.search, { headers: { Range: 'bytes=100-4099' } });
    assert.equal(part.status, 206);
    assert.ok(part.body.equals(audio.bytes.subarray(100, 4100)));
  });

  it('refuses a start with only one of the two files', async () => {
    const { runServerUntilExit } = await import('./harness.mjs');
    const res = await runServerUntilExit({ env: { TLS_CERT_FILE: '/nonexistent/cert.pem' } });
    assert.notEqual(res.code, 0);
    assert.match(res.output, /TLS_KEY_FILE/);
  });

  it('refuses a start with a file it cannot read, naming the variable and the reason', async () => {
    const { runServerUntilExit } = await import('./harness.mjs');
    const res = await runServerUntilExit({ env: { TLS_CERT_FILE: '/nonexistent/cert.pem', TLS_KEY_FILE: '/nonexistent/key.pem' } });
    assert.equal(res.code, 2, res.output);
    assert.match(res.output, /TLS_CERT_FILE: cannot read "\/nonexistent\/cert\.pem": No such file or directory/);
  });
});
