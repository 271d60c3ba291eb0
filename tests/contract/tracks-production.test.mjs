// Contract test of the mock upload in production: with APP_ENV=production it is refused
// whatever the body, and nothing is stored.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { api, listTracks, randomHex, startServer, storedMediaFiles } from './harness.mjs';

describe('POST /api/tracks/mock-upload with APP_ENV=production', () => {
  let server;

  before(async () => {
    server = await startServer({
      // Production needs JWT_SECRET and refuses the test-only password cost.
      env: { APP_ENV: 'production', JWT_SECRET: `jwt-secret-${randomHex(32)}`, PASSWORD_HASH_COST: undefined },
    });
  });

  after(async () => {
    await server?.stop();
  });

  it('answers 400 "Mock upload disabled in production" to a complete body', async () => {
    const res = await api(server.baseUrl, 'POST', '/api/tracks/mock-upload', { json: { title: 'Mock', artist: 'Mock' } });
    assert.equal(res.status, 400, res.text);
    assert.deepEqual(res.json, { message: 'Mock upload disabled in production' });
    assert.deepEqual(await listTracks(server.baseUrl), []);
    assert.deepEqual(await storedMediaFiles(server.dataDir), []);
  });

  it('answers the same to an incomplete body', async () => {
    const res = await api(server.baseUrl, 'POST', '/api/tracks/mock-upload', { json: { title: 'Mock' } });
    assert.equal(res.status, 400, res.text);
    assert.deepEqual(res.json, { message: 'Mock upload disabled in production' });
  });
});
