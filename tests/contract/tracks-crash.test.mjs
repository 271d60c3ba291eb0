// Contract test of crash safety: a server killed (SIGKILL) in the middle of an upload
// leaves a partial file (DATA_DIR/media/.incoming, or DATA_DIR/spool with S3); started again
// on the same DATA_DIR, it removes it, and no track or stored object appears.

import assert from 'node:assert/strict';
import { rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import {
  RawConnection,
  createAdmin,
  incomingDir,
  incomingEntries,
  listTracks,
  makeTempDir,
  multipartBody,
  randomHex,
  startServer,
  storedMediaFiles,
  uploadParts,
  uploadRequestBytes,
  waitFor,
} from './harness.mjs';
import { image, tone } from './media-samples.mjs';

const env = { JWT_SECRET: `jwt-secret-${randomHex(32)}`, ADMIN_SECRET: `admin-secret-${randomHex(16)}` };

// The size of the partial files, by name.
function partialFileSizes(dataDir) {
  return Object.fromEntries(incomingEntries(dataDir).map((name) => [name, statSync(path.join(incomingDir(dataDir), name)).size]));
}

describe('a server killed during an upload, restarted on the same DATA_DIR', () => {
  const dataDir = makeTempDir();
  let killedWith;
  let partialBeforeKill;
  let server;

  before(async () => {
    const first = await startServer({ env, dataDir });
    let conn;
    try {
      const admin = await createAdmin(first.baseUrl, env.ADMIN_SECRET);
      // A 60 s MP3 of which only the first half is sent; the connection stays open.
      const { body, contentType } = multipartBody(
        uploadParts({ title: 'Cut off', artist: 'Crash', audio: tone('mp3', 60), thumbnail: image('png') }),
      );
      const request = uploadRequestBytes({ token: admin.token, body, contentType });
      conn = await RawConnection.open(first.port);
      await conn.write(request.subarray(0, request.length - (body.length >> 1)));
      partialBeforeKill = await waitFor(
        () => {
          const sizes = partialFileSizes(dataDir);
          return Object.values(sizes).some((size) => size > 0) && sizes;
        },
        { timeoutMs: 10_000, what: 'a non-empty partial upload file' },
      );
      first.proc.kill('SIGKILL');
      killedWith = (await first.waitForExit()).signal;
    } finally {
      conn?.destroy();
      await first.kill();
    }
    server = await startServer({ env, dataDir });
  });

  after(async () => {
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('left a partial upload behind when it was killed', () => {
    assert.equal(killedWith, 'SIGKILL');
    assert.ok(Object.keys(partialBeforeKill).length > 0);
  });

  it('lists no track after the restart', async () => {
    assert.deepEqual(await listTracks(server.baseUrl), []);
  });

  it('has no stored media after the restart', async () => {
    assert.deepEqual(await storedMediaFiles(dataDir), []);
  });

  it('has removed the partial files after the restart', () => {
    assert.deepEqual(incomingEntries(dataDir), []);
  });
});
