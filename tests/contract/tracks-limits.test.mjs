// Contract tests of the upload size limits, on a server started with MAX_AUDIO_SIZE=64K and
// MAX_THUMBNAIL_SIZE=8K: a file over its limit answers 413 and leaves nothing behind; a
// file of exactly the limit is accepted.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import {
  RawConnection,
  assertNothingLeftBehind,
  createAdmin,
  multipartBody,
  randomHex,
  startServer,
  trackState,
  uploadParts,
  uploadRequestBytes,
  uploadTrack,
} from './harness.mjs';
import { image, largeImage, tone } from './media-samples.mjs';

const JWT_SECRET = `jwt-secret-${randomHex(32)}`;
const ADMIN_SECRET = `admin-secret-${randomHex(16)}`;

const MAX_AUDIO = 64 * 1024;
const MAX_THUMBNAIL = 8 * 1024;

// A real MP3 followed by zero bytes up to `size`: still readable audio, of an exact size.
function mp3OfSize(size) {
  const mp3 = tone('mp3');
  assert.ok(mp3.bytes.length < size, `the ${mp3.bytes.length}-byte tone is not below ${size} bytes`);
  return { ...mp3, name: `padded-${size}.mp3`, bytes: Buffer.concat([mp3.bytes, Buffer.alloc(size - mp3.bytes.length)]) };
}

describe('track upload size limits (MAX_AUDIO_SIZE=64K, MAX_THUMBNAIL_SIZE=8K)', () => {
  let server;
  let base;
  let admin;

  const form = (overrides = {}) => ({
    title: `Limits ${randomHex(4)}`,
    artist: 'Limits',
    audio: tone('mp3'),
    thumbnail: image('png'),
    ...overrides,
  });

  before(async () => {
    server = await startServer({ env: { JWT_SECRET, ADMIN_SECRET, MAX_AUDIO_SIZE: '64K', MAX_THUMBNAIL_SIZE: '8k' } });
    base = server.baseUrl;
    admin = await createAdmin(base, ADMIN_SECRET);
  });

  after(async () => {
    await server?.stop();
  });

  it('answers 413 to an audio file over MAX_AUDIO_SIZE and leaves nothing behind', async () => {
    const audio = tone('mp3', 10);
    assert.ok(audio.bytes.length > MAX_AUDIO);
    const before = await trackState(base, server.dataDir);
    const res = await uploadTrack(base, admin.token, form({ audio }));
    assert.equal(res.status, 413, res.text);
    assert.deepEqual(res.json, { message: 'The audio file is larger than the limit of 65536 bytes' });
    await assertNothingLeftBehind(base, server.dataDir, before);
  });

  it('answers 413 to a thumbnail over MAX_THUMBNAIL_SIZE and leaves nothing behind', async () => {
    const thumbnail = largeImage();
    assert.ok(thumbnail.bytes.length > MAX_THUMBNAIL);
    const before = await trackState(base, server.dataDir);
    const res = await uploadTrack(base, admin.token, form({ thumbnail }));
    assert.equal(res.status, 413, res.text);
    assert.deepEqual(res.json, { message: 'The thumbnail is larger than the limit of 8192 bytes' });
    await assertNothingLeftBehind(base, server.dataDir, before);
  });

  it('accepts an audio file of exactly MAX_AUDIO_SIZE bytes', async () => {
    const res = await uploadTrack(base, admin.token, form({ audio: mp3OfSize(MAX_AUDIO) }));
    assert.equal(res.status, 201, res.text);
  });

  it('answers 413 to an audio file one byte over MAX_AUDIO_SIZE', async () => {
    const before = await trackState(base, server.dataDir);
    const res = await uploadTrack(base, admin.token, form({ audio: mp3OfSize(MAX_AUDIO + 1) }));
    assert.equal(res.status, 413, res.text);
    assert.deepEqual(res.json, { message: 'The audio file is larger than the limit of 65536 bytes' });
    await assertNothingLeftBehind(base, server.dataDir, before);
  });

  it('answers 413 to an audio file over MAX_AUDIO_SIZE sent with Transfer-Encoding: chunked', async () => {
    const before = await trackState(base, server.dataDir);
    const { body, contentType } = multipartBody(uploadParts(form({ audio: tone('mp3', 10) })));
    const conn = await RawConnection.open(server.port);
    try {
      await conn.write(uploadRequestBytes({ token: admin.token, body, contentType, chunked: true }));
      const res = await conn.readResponse({ timeoutMs: 10_000 });
      assert.equal(res.status, 413, res.text);
      assert.deepEqual(res.json, { message: 'The audio file is larger than the limit of 65536 bytes' });
    } finally {
      conn.destroy();
    }
    await assertNothingLeftBehind(base, server.dataDir, before);
  });

  it('answers 413 before reading the body when Content-Length alone exceeds the limits', async () => {
    const before = await trackState(base, server.dataDir);
    const conn = await RawConnection.open(server.port);
    try {
      // Only the header is sent: the answer must not wait for a body that is over the limits.
      await conn.write(
        [
          'POST /api/tracks/upload HTTP/1.1',
          'Host: 127.0.0.1',
          `Authorization: Bearer ${admin.token}`,
          'Content-Type: multipart/form-data; boundary=never-sent',
          `Content-Length: ${64 * 1024 * 1024}`,
          '',
          '',
        ].join('\r\n'),
      );
      const res = await conn.readResponse();
      assert.equal(res.status, 413, res.text);
      assert.deepEqual(res.json, { message: 'The upload is larger than the size limits allow' });
    } finally {
      conn.destroy();
    }
    await assertNothingLeftBehind(base, server.dataDir, before);
  });
});
