// Contract test of an upload that meets a full disk: the media directory (or, with media in
// S3, the spool directory) is a 2 MiB tmpfs and the audio is 4 MiB. The answer is 507 with
// the contract's message, nothing is left behind, the event is counted and logged once, and
// the next upload that fits succeeds.
//
// Needs mount(8) with the right to mount a tmpfs (root); skipped, saying so, otherwise.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import {
  api,
  assertNothingLeftBehind,
  backendProfile,
  createAdmin,
  makeTempDir,
  metricValue,
  randomHex,
  readMetrics,
  startServer,
  trackState,
  uploadTrack,
} from './harness.mjs';
import { image, tone } from './media-samples.mjs';

const ADMIN_SECRET = `admin-secret-${randomHex(16)}`;
const STORAGE_FULL = { message: 'Storage is full; try again later' };
const FULL_LOG_LINE = 'media storage is full';

// Where upload bytes land first: the media root, or the S3 store's spool.
const filledDir = backendProfile === 'services' ? 'spool' : 'media';

// Mounts a 2 MiB tmpfs on a fresh directory under a new data directory: {dataDir, unmount},
// or {skip: reason} when this process may not mount.
function smallDataDir() {
  const dataDir = makeTempDir('volkrin-full-');
  const mountPoint = path.join(dataDir, filledDir);
  mkdirSync(mountPoint);
  const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=2m,mode=0700', 'tmpfs', mountPoint], { encoding: 'utf8' });
  if (mounted.error || mounted.status !== 0) {
    rmSync(dataDir, { recursive: true, force: true });
    const why = mounted.error?.message ?? mounted.stderr.trim();
    return { skip: `cannot mount a tmpfs to fill (needs root): ${why}` };
  }
  return {
    dataDir,
    unmount() {
      spawnSync('umount', [mountPoint]);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

const small = smallDataDir();

// A real MP3 followed by zero bytes up to `size`.
function mp3OfSize(size) {
  const mp3 = tone('mp3');
  return { ...mp3, name: `padded-${size}.mp3`, bytes: Buffer.concat([mp3.bytes, Buffer.alloc(size - mp3.bytes.length)]) };
}

describe(`an upload into a full ${filledDir} directory`, { skip: small.skip ?? false }, () => {
  let server;
  let base;
  let admin;

  before(async () => {
    server = await startServer({ env: { ADMIN_SECRET }, dataDir: small.dataDir });
    base = server.baseUrl;
    admin = await createAdmin(base, ADMIN_SECRET);
  });

  after(async () => {
    await server?.stop();
    small.unmount?.();
  });

  const upload = (audio) => uploadTrack(base, admin.token, { title: `Full ${randomHex(4)}`, artist: 'Full', audio, thumbnail: image('png') });

  it('answers 507 "Storage is full; try again later" and leaves nothing behind', async () => {
    const before = await trackState(base, server.dataDir);
    const res = await upload(mp3OfSize(4 << 20));
    assert.equal(res.status, 507, res.text);
    assert.deepEqual(res.json, STORAGE_FULL);
    await assertNothingLeftBehind(base, server.dataDir, before);
    assert.equal(metricValue(await readMetrics(base), 'volkrin_storage_full_total'), 1);
  });

  it('counts every full-disk answer but logs it once per interval', async () => {
    const res = await upload(mp3OfSize(4 << 20));
    assert.equal(res.status, 507, res.text);
    assert.equal(metricValue(await readMetrics(base), 'volkrin_storage_full_total'), 2);
    const logged = server.output().split('\n').filter((line) => line.includes(FULL_LOG_LINE));
    assert.equal(logged.length, 1, server.output());
  });

  it('accepts the next upload that fits', async () => {
    const res = await upload(tone('mp3'));
    assert.equal(res.status, 201, res.text);
    const list = await api(base, 'GET', '/api/tracks');
    assert.deepEqual(list.json.map((track) => track._id), [res.json.track._id]);
  });
});
