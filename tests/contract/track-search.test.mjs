// Contract test of track search with long query texts: answered, and the server survives.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { api, startServer } from './harness.mjs';

describe('track search', () => {
  let server;
  before(async () => {
    server = await startServer();
  });
  after(() => server?.stop());

  it('answers searches of any length and keeps running', async () => {
    for (const length of [1, 15, 16, 40, 200]) {
      const q = 'x'.repeat(length);
      const res = await api(server.baseUrl, 'GET', `/api/tracks?q=${q}&limit=5`);
      assert.equal(res.status, 200, res.text);
      assert.deepEqual(res.json, []);
    }
    assert.equal((await api(server.baseUrl, 'GET', '/api/health')).status, 200);
  });
});
