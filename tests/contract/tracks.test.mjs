// Contract tests of the track list (cache, ETag, parameter validation), track deletion,
// what a deleted uploader leaves on a track, and the mock upload. Pages of the list
// (limit, offset, q) are in tracks-list-query.test.mjs.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import {
  api,
  createAdmin,
  createUser,
  listTracks,
  metricValue,
  randomHex,
  rawExchange,
  readMetrics,
  readStoredMedia,
  skipWithServices,
  startServer,
  storedMediaFiles,
  uploadTrack,
} from './harness.mjs';
import { image, tone } from './media-samples.mjs';

const JWT_SECRET = `jwt-secret-${randomHex(32)}`;
const ADMIN_SECRET = `admin-secret-${randomHex(16)}`;

const OBJECT_ID = /^[0-9a-f]{24}$/;
const ISO_MILLIS_UTC = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
const STRONG_ETAG = /^"[^"]+"$/;
const TRACK_FIELDS = [
  '__v', '_id', 'album', 'albumArtist', 'albumId', 'artist', 'artistId', 'audioUrl', 'bitrate',
  'channels', 'createdAt', 'discNumber', 'durationMs', 'fileKey', 'format', 'genre', 'sampleRate',
  'thumbnailUrl', 'title', 'trackNumber', 'updatedAt', 'uploadedBy', 'year',
];

const NO_TOKEN = { message: 'No token, authorization denied' };
const ADMINS_ONLY = { message: 'Access denied. Admins only.' };
const TRACK_NOT_FOUND = { message: 'Track not found' };
const TRACK_DELETED = { message: 'Track deleted successfully' };
const MOCK_REQUIRED = { message: 'Title and artist are required' };
const BAD_LIMIT = { message: 'limit must be an integer from 1 to 1000' };
const BAD_OFFSET = { message: 'offset must be a non-negative integer' };

function assertMessage(res, status, body) {
  assert.equal(res.status, status, res.text);
  assert.deepEqual(res.json, body);
}

const ids = (tracks) => tracks.map((track) => track._id);


describe('tracks', () => {
  let server;
  let base;
  let admin;
  let user;

  const metrics = async (...names) => {
    const text = await readMetrics(base);
    return Object.fromEntries(names.map((name) => [name, metricValue(text, name)]));
  };

  async function upload(fields = {}, token = admin.token) {
    const res = await uploadTrack(base, token, {
      title: `Title ${randomHex(4)}`,
      artist: `Artist ${randomHex(4)}`,
      audio: tone('mp3'),
      thumbnail: image('png'),
      ...fields,
    });
    assert.equal(res.status, 201, res.text);
    return res.json.track;
  }

  before(async () => {
    server = await startServer({ env: { JWT_SECRET, ADMIN_SECRET } });
    base = server.baseUrl;
    admin = await createAdmin(base, ADMIN_SECRET);
    user = await createUser(base);
  });

  after(async () => {
    await server?.stop();
  });

  describe('GET /api/tracks', () => {
    it('answers 200 [] with an ETag when there are no tracks', async () => {
      const res = await api(base, 'GET', '/api/tracks');
      assert.equal(res.status, 200, res.text);
      assert.deepEqual(res.json, []);
      assert.match(res.headers.get('etag') ?? '', STRONG_ETAG);
    });

    it('answers 304 with no body to If-None-Match with the current ETag', async () => {
      await upload();
      const etag = (await api(base, 'GET', '/api/tracks')).headers.get('etag');
      const res = await rawExchange(
        server.port,
        `GET /api/tracks HTTP/1.1\r\nHost: 127.0.0.1\r\nIf-None-Match: ${etag}\r\nConnection: close\r\n\r\n`,
      );
      assert.equal(res.status, 304);
      assert.equal(res.headers.etag, etag);
      assert.equal(res.body.length, 0, '304 sent a body');
    });

    it('changes the ETag after an upload, so the old one no longer matches', async () => {
      const before = await api(base, 'GET', '/api/tracks');
      const oldEtag = before.headers.get('etag');
      const track = await upload();

      const res = await api(base, 'GET', '/api/tracks', { headers: { 'If-None-Match': oldEtag } });
      assert.equal(res.status, 200, res.text);
      assert.notEqual(res.headers.get('etag'), oldEtag);
      assert.equal(res.json[0]._id, track._id);
      assert.equal(res.json.length, before.json.length + 1);
    });

    it('counts a cache miss for the first list after a change and a hit for the next', async () => {
      await upload();
      const names = ['volkrin_cache_hits_total', 'volkrin_cache_misses_total'];
      const start = await metrics(...names);

      await listTracks(base);
      const afterFirst = await metrics(...names);
      assert.equal(afterFirst.volkrin_cache_misses_total, start.volkrin_cache_misses_total + 1, 'the first list was not a miss');
      assert.equal(afterFirst.volkrin_cache_hits_total, start.volkrin_cache_hits_total, 'the first list was a hit');

      await listTracks(base);
      const afterSecond = await metrics(...names);
      assert.equal(afterSecond.volkrin_cache_hits_total, afterFirst.volkrin_cache_hits_total + 1, 'the second list was not a hit');
      assert.equal(afterSecond.volkrin_cache_misses_total, afterFirst.volkrin_cache_misses_total, 'the second list was a miss');
    });

    it('lists every track, newest first, with uploadedBy populated', async () => {
      const list = await listTracks(base);
      assert.ok(list.length >= 3, `only ${list.length} tracks listed`);
      for (const track of list) {
        assert.deepEqual(Object.keys(track).sort(), TRACK_FIELDS);
        assert.equal(track.__v, 0);
        assert.deepEqual(track.uploadedBy, { _id: admin._id, email: admin.email, role: 'admin' });
      }
      const created = list.map((track) => Date.parse(track.createdAt));
      assert.deepEqual(created, [...created].sort((a, b) => b - a), 'the list is not newest first');
    });

    for (const [query, body] of [
      ['limit=0', BAD_LIMIT],
      ['limit=1001', BAD_LIMIT],
      ['limit=abc', BAD_LIMIT],
      ['limit=-1', BAD_LIMIT],
      ['limit=1.5', BAD_LIMIT],
      ['limit=', BAD_LIMIT],
      ['offset=-1', BAD_OFFSET],
      ['offset=abc', BAD_OFFSET],
      [`q=${'x'.repeat(201)}`, { message: 'q must be at most 200 characters' }],
      [`q=${encodeURIComponent('é'.repeat(201))}`, { message: 'q must be at most 200 characters' }],
    ]) {
      it(`answers 400 with a message to ?${query.length > 20 ? `${query.slice(0, 12)}… (201 characters)` : query}`, async () => {
        assertMessage(await api(base, 'GET', `/api/tracks?${query}`), 400, body);
      });
    }

    it('counts the 200 characters q may have in characters, not bytes', async () => {
      for (const q of ['é'.repeat(200), '🎵'.repeat(200)]) {
        const res = await api(base, 'GET', `/api/tracks?q=${encodeURIComponent(q)}`);
        assert.equal(res.status, 200, res.text);
        assert.deepEqual(res.json, []);
      }
    });

    for (const [query, name] of [['q=%zz', 'q'], ['q=abc%', 'q'], ['q=abc%4', 'q'], ['limit=%2', 'limit'], ['offset=1%G0', 'offset']]) {
      it(`answers 400 naming ${name} to ?${query}, whose value is not valid percent-encoding`, async () => {
        assertMessage(await api(base, 'GET', `/api/tracks?${query}`), 400, { message: `${name} is not valid percent-encoding` });
      });
    }

    // Text the stores cannot search as asked (FTS5 stops at a NUL, PostgreSQL refuses both).
    for (const [what, q] of [
      ['a NUL after three characters', 'abc%00'],
      ['a NUL before one', '%00a'],
      ['a NUL alone', '%00'],
      ['a tab', 'a%09b'],
      ['a line feed', 'abc%0Adef'],
      ['a carriage return', '%0D'],
      ['DEL', 'abc%7F'],
      ['a C1 control U+0085', 'abc%C2%85'],
      ['a line separator U+2028', 'abc%E2%80%A8'],
      ['a byte that is never UTF-8', 'abc%FF'],
      ['a cut sequence', 'abc%C3'],
      ['an overlong form of "/"', 'abc%C0%AF'],
      ['a surrogate', 'abc%ED%A0%80'],
      ['a code point past U+10FFFF', 'abc%F4%90%80%80'],
    ]) {
      it(`answers 400 naming q to a q with ${what}`, async () => {
        const res = await api(base, 'GET', `/api/tracks?q=${q}`);
        assertMessage(res, 400, { message: 'q must be valid UTF-8 text without control characters' });
      });
    }
  });

  describe('DELETE /api/tracks/:id', () => {
    it('answers 401 without a token and 403 to a user, and the track stays', async () => {
      const track = await upload();
      assertMessage(await api(base, 'DELETE', `/api/tracks/${track._id}`), 401, NO_TOKEN);
      assertMessage(await api(base, 'DELETE', `/api/tracks/${track._id}`, { token: user.token }), 403, ADMINS_ONLY);
      assert.ok(ids(await listTracks(base)).includes(track._id));
      assert.equal((await api(base, 'GET', `/api/tracks/${track._id}/stream`)).status, 200);
    });

    describe('by an admin', () => {
      let track;
      let res;
      let filesBefore;
      let deletionsBefore;
      let oldUrl;

      before(async () => {
        filesBefore = await storedMediaFiles(server.dataDir);
        track = await upload();
        oldUrl = (await api(base, 'GET', `/api/tracks/${track._id}/stream`)).json.url;
        assert.ok(ids(await listTracks(base)).includes(track._id)); // now in the list cache
        ({ volkrin_track_deletions_total: deletionsBefore } = await metrics('volkrin_track_deletions_total'));
        res = await api(base, 'DELETE', `/api/tracks/${track._id}`, { token: admin.token });
      });

      it('answers 200 "Track deleted successfully"', () => {
        assertMessage(res, 200, TRACK_DELETED);
      });

      it('removes the track from the list at once', async () => {
        assert.ok(!ids(await listTracks(base)).includes(track._id));
      });

      it('answers 404 "Track not found" from stream, audio and thumbnail', async () => {
        for (const what of ['stream', 'audio', 'thumbnail']) {
          const answer = await api(base, 'GET', `/api/tracks/${track._id}/${what}`);
          assert.equal(answer.status, 404, `${what}: ${answer.text}`);
          assert.deepEqual(answer.json, TRACK_NOT_FOUND, what);
        }
      });

      it('removes its stored audio and thumbnail', async () => {
        assert.equal(await readStoredMedia(server.dataDir, track.fileKey), undefined, `${track.fileKey} remains`);
        assert.deepEqual(await storedMediaFiles(server.dataDir), filesBefore);
      });

      it('makes a media URL handed out before answer 404', { skip: skipWithServices('the URL is a presigned URL of the S3 service, which answers it') }, async () => {
        const answer = await api(base, 'GET', oldUrl.slice(base.length));
        assertMessage(answer, 404, { message: 'Media not found' });
      });

      it('counts one deletion in volkrin_track_deletions_total', async () => {
        const { volkrin_track_deletions_total: now } = await metrics('volkrin_track_deletions_total');
        assert.equal(now, deletionsBefore + 1);
      });

      it('answers 404 "Track not found" when deleted again, and counts nothing', async () => {
        assertMessage(await api(base, 'DELETE', `/api/tracks/${track._id}`, { token: admin.token }), 404, TRACK_NOT_FOUND);
        const { volkrin_track_deletions_total: now } = await metrics('volkrin_track_deletions_total');
        assert.equal(now, deletionsBefore + 1);
      });
    });

    it('answers 404 "Track not found" to an unknown or malformed id', async () => {
      for (const id of ['0'.repeat(24), 'not-an-id', '0'.repeat(23), 'g'.repeat(24)]) {
        assertMessage(await api(base, 'DELETE', `/api/tracks/${id}`, { token: admin.token }), 404, TRACK_NOT_FOUND);
      }
    });
  });

  describe('a track whose uploader is deleted', () => {
    let uploader;
    let track;

    before(async () => {
      uploader = await createAdmin(base, ADMIN_SECRET);
      track = await upload({}, uploader.token);
      await listTracks(base); // the cached list names the uploader
      const res = await api(base, 'DELETE', `/api/auth/users/${uploader._id}`, { token: admin.token });
      assertMessage(res, 200, { message: 'User deleted successfully' });
    });

    it('stays in the list with uploadedBy: null at once', async () => {
      const listed = (await listTracks(base)).find((t) => t._id === track._id);
      assert.ok(listed, 'the track left the list with its uploader');
      assert.equal(listed.uploadedBy, null);
      assert.deepEqual({ ...listed, uploadedBy: track.uploadedBy }, track);
    });

    it('shows uploadedBy: null once the list is rebuilt, after another upload', async () => {
      await upload();
      const listed = (await listTracks(base)).find((t) => t._id === track._id);
      assert.ok(listed, 'the track left the list with its uploader');
      assert.equal(listed.uploadedBy, null);
      assert.deepEqual({ ...listed, uploadedBy: track.uploadedBy }, track);
    });

    it('still streams', async () => {
      const res = await api(base, 'GET', `/api/tracks/${track._id}/stream`);
      assert.equal(res.status, 200, res.text);
      const media = await fetch(res.json.url);
      assert.equal(media.status, 200);
      assert.ok(Buffer.from(await media.arrayBuffer()).equals(tone('mp3').bytes));
    });
  });

  describe('POST /api/tracks/mock-upload', () => {
    it('answers 201 with a track shaped like an upload\'s, and stores nothing', async () => {
      const listBefore = await listTracks(base);
      const filesBefore = await storedMediaFiles(server.dataDir);
      const { volkrin_track_uploads_total: uploadsBefore } = await metrics('volkrin_track_uploads_total');

      const res = await api(base, 'POST', '/api/tracks/mock-upload', { json: { title: 'Mock Song', artist: 'Mock Artist' } });

      assert.equal(res.status, 201, res.text);
      assert.deepEqual(Object.keys(res.json).sort(), ['message', 'track']);
      assert.equal(res.json.message, 'Track uploaded successfully (mock)');
      const track = res.json.track;
      assert.deepEqual(Object.keys(track).sort(), TRACK_FIELDS);
      assert.equal(track.__v, 0);
      assert.match(track._id, OBJECT_ID);
      assert.equal(track.title, 'Mock Song');
      assert.equal(track.artist, 'Mock Artist');
      assert.equal(track.audioUrl, `/api/tracks/${track._id}/audio`);
      assert.equal(track.thumbnailUrl, `/api/tracks/${track._id}/thumbnail`);
      assert.equal(track.uploadedBy, 'mock-user');
      assert.match(track.createdAt, ISO_MILLIS_UTC);
      assert.match(track.updatedAt, ISO_MILLIS_UTC);

      assert.deepEqual(await listTracks(base), listBefore);
      assert.deepEqual(await storedMediaFiles(server.dataDir), filesBefore);
      const { volkrin_track_uploads_total: uploadsAfter } = await metrics('volkrin_track_uploads_total');
      assert.equal(uploadsAfter, uploadsBefore);
      assertMessage(await api(base, 'GET', `/api/tracks/${track._id}/stream`), 404, TRACK_NOT_FOUND);
    });

    for (const [what, body] of [
      ['the artist is missing', { title: 'Mock Song' }],
      ['the title is missing', { artist: 'Mock Artist' }],
      ['the title is empty', { title: '', artist: 'Mock Artist' }],
      ['the body is empty', {}],
    ]) {
      it(`answers 400 "Title and artist are required" when ${what}`, async () => {
        assertMessage(await api(base, 'POST', '/api/tracks/mock-upload', { json: body }), 400, MOCK_REQUIRED);
      });
    }

    for (const [field, label, character] of [
      ['title', 'a NUL', '\u0000'],
      ['title', 'a tab', '\t'],
      ['title', 'a line feed', '\n'],
      ['title', 'a C1 control', '\u009b'],
      ['artist', 'BEL', '\u0007'],
      ['artist', 'DEL', '\u007f'],
      ['artist', 'a paragraph separator', '\u2029'],
    ]) {
      it(`answers 400 naming ${field} when the ${field} holds ${label}`, async () => {
        const body = { title: 'Mock Song', artist: 'Mock Artist', [field]: `Mock${character}Text` };
        const res = await api(base, 'POST', '/api/tracks/mock-upload', { json: body });
        assertMessage(res, 400, { message: `${field} must be valid UTF-8 text without control characters` });
      });
    }

    it('keeps emoji, combining characters and right-to-left text as sent', async () => {
      const body = { title: 'Noe\u0308l 🎄 \u05e9\u05dc\u05d5\u05dd', artist: 'Zoë & the 👩‍🎤' };
      const res = await api(base, 'POST', '/api/tracks/mock-upload', { json: body });
      assert.equal(res.status, 201, res.text);
      assert.equal(res.json.track.title, body.title);
      assert.equal(res.json.track.artist, body.artist);
    });
  });
});
