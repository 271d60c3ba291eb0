// Contract test of `volkrin import-mongo`: a dump written the way mongoexport writes it is
// imported whole or not at all, a second run adds nothing, and the server then logs the
// imported users in with their bcrypt passwords (re-hashed to Argon2id), lists the
// imported tracks with their uploaders, and streams their media.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import { api, backendEnvironment, databaseHolds, login, makeTempDir, serverBinary, startServer, storeMedia } from './harness.mjs';

// bcrypt of 'correct horse battery' and of 'listen to this', cost 10, as bcryptjs 3.x
// writes them ($2b$); bcryptjs 2.x wrote the same hashes with $2a$.
const ADMIN_PASSWORD = 'correct horse battery';
const ADMIN_HASH = '$2a$10$ChAEa2wt250jwyHl3rYoQuKBfu.BnC76h9Rfj08tJIVeh6egtNbya';
const LISTENER_PASSWORD = 'listen to this';
const LISTENER_HASH = '$2b$10$U/rfHLGUvxNV2ex42oBMR.TfYT/o0HazGIUb..BL7QNkPkJw2xkKa';

const ADMIN_ID = '66d4c1f2a1b2c3d4e5f60001';
const LISTENER_ID = '66d4c1f2a1b2c3d4e5f60002';
const DELETED_USER_ID = '66d4c1f2a1b2c3d4e5f600ff';
const TRACK_ID = '66d4c2a0a1b2c3d4e5f60101';
const ORPHAN_TRACK_ID = '66d4c2a0a1b2c3d4e5f60102';
const BUCKET_URL = 'https://volkrin-media.s3.eu-central-1.amazonaws.com';

const AUDIO_KEY = 'audio/1725186030123-night_drive.mp3';
const THUMBNAIL_KEY = 'thumbnails/1725186030123-cover.jpg';
// An MP3 frame header (MPEG-1 Layer III, 128 kbit/s, 44.1 kHz) followed by silence.
const AUDIO_BYTES = Buffer.concat([Buffer.from([0xff, 0xfb, 0x90, 0x64]), Buffer.alloc(4000)]);
const THUMBNAIL_BYTES = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(200)]);

// mongoexport's default output: one relaxed Extended JSON document per line.
const usersDump = [
  {
    _id: { $oid: ADMIN_ID },
    name: 'Ada Admin',
    email: ' Ada@Example.COM ',
    password: ADMIN_HASH,
    role: 'admin',
    createdAt: { $date: '2024-09-01T10:20:30.123Z' },
    updatedAt: { $date: '2024-09-01T10:20:30.123Z' },
    __v: 0,
  },
  {
    _id: { $oid: LISTENER_ID },
    name: 'Lee Listener',
    email: 'lee@example.com',
    password: LISTENER_HASH,
    role: 'user',
    createdAt: { $date: { $numberLong: '1725186100000' } },
    updatedAt: { $date: { $numberLong: '1725186100000' } },
    __v: 0,
  },
]
  .map((doc) => JSON.stringify(doc))
  .join('\n');

// mongoexport --jsonArray --pretty: one array over several lines.
const tracksDump = JSON.stringify(
  [
    {
      _id: { $oid: TRACK_ID },
      title: 'Night Drive',
      artist: 'Volkrin',
      fileKey: AUDIO_KEY,
      audioUrl: `${BUCKET_URL}/${AUDIO_KEY}`,
      thumbnailUrl: `${BUCKET_URL}/${THUMBNAIL_KEY}`,
      uploadedBy: { $oid: ADMIN_ID },
      createdAt: { $date: '2024-09-01T10:30:00.000Z' },
      updatedAt: { $date: '2024-09-01T10:30:00.000Z' },
      __v: 0,
    },
    {
      _id: { $oid: ORPHAN_TRACK_ID },
      title: 'Left Behind',
      artist: 'Volkrin',
      fileKey: 'audio/1725186000000-left_behind.mp3',
      audioUrl: `${BUCKET_URL}/audio/1725186000000-left_behind.mp3`,
      thumbnailUrl: `${BUCKET_URL}/thumbnails/1725186000000-left.jpg`,
      uploadedBy: { $oid: DELETED_USER_ID },
      createdAt: { $date: '2024-09-01T10:00:00.000Z' },
      updatedAt: { $date: '2024-09-01T10:00:00.000Z' },
      __v: 0,
    },
  ],
  null,
  2,
);

// backends: what the backend profile adds (see harness.mjs), so that the import writes
// where the server then reads.
function runImport(dataDir, args, backends) {
  const result = spawnSync(serverBinary, ['import-mongo', ...args], {
    cwd: dataDir,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', DATA_DIR: dataDir, APP_ENV: 'development', ...backends },
    encoding: 'utf8',
    timeout: 30_000,
  });
  if (result.error) throw result.error;
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

// Whether the database holds any Argon2id hash.
const databaseHoldsArgon2 = (dataDir) => databaseHolds(dataDir, '$argon2id$');

describe('volkrin import-mongo', () => {
  const dataDir = makeTempDir();
  const usersFile = path.join(dataDir, 'users.json');
  const tracksFile = path.join(dataDir, 'tracks.json');
  let first;
  let second;
  let server;
  let backends;

  before(async () => {
    backends = await backendEnvironment(dataDir);
    writeFileSync(usersFile, `${usersDump}\n`);
    writeFileSync(tracksFile, `${tracksDump}\n`);
    first = runImport(dataDir, ['--users', usersFile, '--tracks', tracksFile], backends);
    second = runImport(dataDir, ['--users', usersFile, '--tracks', tracksFile], backends);
    // The media the original kept in S3, copied by key to where the server keeps media.
    for (const [key, bytes] of [
      [AUDIO_KEY, AUDIO_BYTES],
      [THUMBNAIL_KEY, THUMBNAIL_BYTES],
    ]) {
      await storeMedia(dataDir, key, bytes);
    }
  });

  after(async () => {
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('imports every user and track and says how many', () => {
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /imported 2 users \(0 already present\), 2 tracks \(0 already present\)/);
    assert.match(first.stderr, /tracks\.json element 2: uploadedBy 66d4c1f2a1b2c3d4e5f600ff is not a known user/);
  });

  it('adds nothing when run again', () => {
    assert.equal(second.code, 0, second.stderr);
    assert.match(second.stdout, /imported 0 users \(2 already present\), 0 tracks \(2 already present\)/);
  });

  it('imports nothing of a dump with a malformed line, and names the line', () => {
    const newcomer = JSON.stringify({
      _id: { $oid: '66d4c1f2a1b2c3d4e5f60003' },
      name: 'New Comer',
      email: 'new@example.com',
      password: LISTENER_HASH,
      role: 'user',
    });
    const broken = path.join(dataDir, 'broken-users.json');
    writeFileSync(broken, `${newcomer}\n{"_id": {"$oid": "66d4c1f2a1b2c3d4e5f60004"}, "name": \n`);
    const result = runImport(dataDir, ['--users', broken], backends);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /broken-users\.json line 2: not valid JSON/);
    assert.match(result.stderr, /nothing imported/);
    const dryRun = runImport(dataDir, ['--users', path.join(dataDir, 'users.json'), '--dry-run'], backends);
    assert.equal(dryRun.code, 0, dryRun.stderr);
    assert.match(dryRun.stdout, /would import 0 users \(2 already present\)/);
  });

  it('refuses a dump in which two users share an email', () => {
    const twins = path.join(dataDir, 'twins.json');
    const twin = (id, email) =>
      JSON.stringify({ _id: { $oid: id }, name: 'Twin', email, password: LISTENER_HASH, role: 'user' });
    writeFileSync(twins, `${twin('66d4c1f2a1b2c3d4e5f60005', 'twin@example.com')}\n${twin('66d4c1f2a1b2c3d4e5f60006', 'TWIN@example.com')}\n`);
    const result = runImport(dataDir, ['--users', twins], backends);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /twins\.json line 2: email "twin@example\.com" is also used at .*twins\.json line 1/);
  });

  describe('then the server', () => {
    let adminToken;

    before(async () => {
      assert.equal(await databaseHoldsArgon2(dataDir), false, 'the import itself wrote an Argon2id hash');
      server = await startServer({ dataDir });
    });

    it('logs an imported user in with the original password (email trimmed, lower-cased)', async () => {
      const res = await login(server.baseUrl, 'ada@example.com', ADMIN_PASSWORD);
      assert.equal(res.status, 200, res.text);
      assert.equal(res.json._id, ADMIN_ID);
      assert.equal(res.json.email, 'ada@example.com');
      assert.equal(res.json.role, 'admin');
      adminToken = res.json.token;
      const wrong = await login(server.baseUrl, 'ada@example.com', 'not the password');
      assert.equal(wrong.status, 401);
    });

    it('has re-hashed the bcrypt password with Argon2id, which still logs in', async () => {
      assert.equal(await databaseHoldsArgon2(dataDir), true);
      const again = await login(server.baseUrl, 'ada@example.com', ADMIN_PASSWORD);
      assert.equal(again.status, 200, again.text);
      const listener = await login(server.baseUrl, 'lee@example.com', LISTENER_PASSWORD);
      assert.equal(listener.status, 200, listener.text);
    });

    it('did not import the user of the malformed dump', async () => {
      const res = await login(server.baseUrl, 'new@example.com', LISTENER_PASSWORD);
      assert.equal(res.status, 401);
    });

    it('lists the users with their original times', async () => {
      const res = await api(server.baseUrl, 'GET', '/api/auth/users', { token: adminToken });
      assert.equal(res.status, 200, res.text);
      assert.deepEqual(
        res.json.map((u) => [u._id, u.email, u.role, u.createdAt]),
        [
          [ADMIN_ID, 'ada@example.com', 'admin', '2024-09-01T10:20:30.123Z'],
          [LISTENER_ID, 'lee@example.com', 'user', '2024-09-01T10:21:40.000Z'],
        ],
      );
    });

    it('lists the imported tracks newest first, with the uploader populated', async () => {
      const res = await api(server.baseUrl, 'GET', '/api/tracks');
      assert.equal(res.status, 200, res.text);
      assert.deepEqual(
        res.json.map((t) => t._id),
        [TRACK_ID, ORPHAN_TRACK_ID],
      );
      const [track, orphan] = res.json;
      assert.equal(track.title, 'Night Drive');
      assert.equal(track.artist, 'Volkrin');
      assert.equal(track.fileKey, AUDIO_KEY);
      assert.equal(track.audioUrl, `/api/tracks/${TRACK_ID}/audio`);
      assert.equal(track.thumbnailUrl, `/api/tracks/${TRACK_ID}/thumbnail`);
      assert.deepEqual(track.uploadedBy, { _id: ADMIN_ID, email: 'ada@example.com', role: 'admin' });
      assert.equal(track.createdAt, '2024-09-01T10:30:00.000Z');
      assert.equal(track.durationMs, null);
      assert.equal(orphan.uploadedBy, null);
    });

    it('streams an imported track whose media was copied over', async () => {
      const link = await api(server.baseUrl, 'GET', `/api/tracks/${TRACK_ID}/stream`);
      assert.equal(link.status, 200, link.text);
      const media = await fetch(new URL(link.json.url, server.baseUrl));
      assert.equal(media.status, 200);
      assert.deepEqual(Buffer.from(await media.arrayBuffer()), AUDIO_BYTES);

      const thumbnail = await fetch(new URL(`/api/tracks/${TRACK_ID}/thumbnail`, server.baseUrl));
      assert.equal(thumbnail.status, 200);
      assert.deepEqual(Buffer.from(await thumbnail.arrayBuffer()), THUMBNAIL_BYTES);
    });

    it('lets the imported admin delete an imported track', async () => {
      const res = await api(server.baseUrl, 'DELETE', `/api/tracks/${ORPHAN_TRACK_ID}`, { token: adminToken });
      assert.equal(res.status, 200, res.text);
    });
  });
});
