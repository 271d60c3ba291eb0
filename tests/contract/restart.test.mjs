// Contract test of what survives a restart on the embedded defaults: without JWT_SECRET
// the server generates a secret once, keeps it in DATA_DIR/jwt_secret (mode 0600), and
// uses it again, so tokens and accounts outlive the process.

import assert from 'node:assert/strict';
import { readFileSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import { api, createUser, login, makeTempDir, startServer } from './harness.mjs';

describe('restart on the same DATA_DIR without JWT_SECRET', () => {
  const dataDir = makeTempDir();
  const secretFile = path.join(dataDir, 'jwt_secret');
  let user;
  let firstExitCode;
  let secretAfterFirstRun;
  let server;

  before(async () => {
    const first = await startServer({ dataDir });
    try {
      user = await createUser(first.baseUrl);
    } finally {
      firstExitCode = await first.stop();
    }
    secretAfterFirstRun = readFileSync(secretFile, 'utf8');
    server = await startServer({ dataDir });
  });

  after(async () => {
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('exits with code 0 on SIGTERM', () => {
    assert.equal(firstExitCode, 0);
  });

  it('keeps the generated secret in DATA_DIR/jwt_secret with mode 0600', () => {
    assert.equal(statSync(secretFile).mode & 0o777, 0o600);
    assert.ok(secretAfterFirstRun.trim().length > 0, 'the secret file is empty');
  });

  it('reuses the secret file instead of generating a new one', () => {
    assert.equal(readFileSync(secretFile, 'utf8'), secretAfterFirstRun);
  });

  it('accepts a token obtained before the restart', async () => {
    const res = await api(server.baseUrl, 'GET', '/api/auth/me', { token: user.token });
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(res.json, { _id: user._id, name: user.name, email: user.email, role: 'user', __v: 0 });
  });

  it('logs in with the password set before the restart', async () => {
    const res = await login(server.baseUrl, user.email, user.password);
    assert.equal(res.status, 200, res.text);
    assert.equal(res.json._id, user._id);
  });
});
