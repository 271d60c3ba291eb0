// Contract tests of POST /api/tracks/upload: a successful upload in every audio and image
// format the contract names, and every way an upload is refused. A refused or aborted
// upload must leave nothing behind: no track in the list, no stored media, no partial file
// (see incomingDir in harness.mjs).

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import {
  RawConnection,
  api,
  assertNothingLeftBehind,
  createAdmin,
  createUser,
  incomingEntries,
  listTracks,
  metricValue,
  multipartBody,
  randomHex,
  readMetrics,
  readStoredMedia,
  startServer,
  storedMediaFiles,
  trackState,
  uploadMultipart,
  uploadParts,
  uploadRequestBytes,
  uploadTrack,
  waitFor,
  waitUntilServerHasRead,
} from './harness.mjs';
import { audioExtensions, badSamples, image, imageExtensions, tone } from './media-samples.mjs';

const JWT_SECRET = `jwt-secret-${randomHex(32)}`;
const ADMIN_SECRET = `admin-secret-${randomHex(16)}`;

const OBJECT_ID = /^[0-9a-f]{24}$/;
const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}';
const ISO_MILLIS_UTC = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
const TRACK_FIELDS = [
  '__v', '_id', 'album', 'albumArtist', 'albumId', 'artist', 'artistId', 'audioUrl', 'bitrate',
  'channels', 'createdAt', 'discNumber', 'durationMs', 'fileKey', 'format', 'genre', 'sampleRate',
  'thumbnailUrl', 'title', 'trackNumber', 'updatedAt', 'uploadedBy', 'year',
];

const UPLOADED = 'Track uploaded successfully';
const NO_TOKEN = { message: 'No token, authorization denied' };
const ADMINS_ONLY = { message: 'Access denied. Admins only.' };
const REQUIRED = { message: 'Title, audio, and thumbnail are required' };
const NOT_AUDIO = { message: 'The audio file must be MP3, M4A/AAC, OGG/Opus, FLAC or WAV audio' };
const NOT_IMAGE = { message: 'The thumbnail must be a JPEG, PNG, WebP or GIF image' };
const NOT_MULTIPART = { message: 'Content-Type must be multipart/form-data' };

function assertMessage(res, status, body) {
  assert.equal(res.status, status, res.text);
  assert.deepEqual(res.json, body);
}

describe('track upload', () => {
  let server;
  let base;
  let admin;
  let user;

  const uploadsCounted = async () => metricValue(await readMetrics(base), 'volkrin_track_uploads_total');

  // A form of fresh title and artist, a 2 s MP3 and a PNG, with the given fields replaced.
  const form = (overrides = {}) => ({
    title: `Title ${randomHex(4)}`,
    artist: `Artist ${randomHex(4)}`,
    audio: tone('mp3'),
    thumbnail: image('png'),
    ...overrides,
  });

  // Runs a request that must fail and checks that it changed nothing. Returns its answer.
  async function refused(send) {
    const before = await trackState(base, server.dataDir);
    const uploadsBefore = await uploadsCounted();
    const res = await send();
    await assertNothingLeftBehind(base, server.dataDir, before);
    assert.equal(await uploadsCounted(), uploadsBefore, 'a refused upload was counted');
    return res;
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

  describe('as an admin', () => {
    for (const ext of audioExtensions) {
      it(`stores a ${ext} file and answers 201 with the track and the facts read from the audio`, async () => {
        const audio = tone(ext);
        const fields = form({ audio });
        const uploadsBefore = await uploadsCounted();
        const filesBefore = await storedMediaFiles(server.dataDir);
        const startedAt = Date.now();

        const res = await uploadTrack(base, admin.token, fields);

        assert.equal(res.status, 201, res.text);
        assert.deepEqual(Object.keys(res.json).sort(), ['message', 'track']);
        assert.equal(res.json.message, UPLOADED);
        const track = res.json.track;
        assert.deepEqual(Object.keys(track).sort(), TRACK_FIELDS);
        assert.match(track._id, OBJECT_ID);
        assert.equal(track.title, fields.title);
        assert.equal(track.artist, fields.artist);
        assert.match(track.fileKey, new RegExp(`^audio/${UUID}-`));
        assert.equal(track.fileKey, `${track.fileKey.slice(0, 'audio/'.length + 36)}-${audio.name}`);
        assert.equal(track.audioUrl, `/api/tracks/${track._id}/audio`);
        assert.equal(track.thumbnailUrl, `/api/tracks/${track._id}/thumbnail`);
        // The uploader's id, as the original answers with the saved track (the list populates it).
        assert.equal(track.uploadedBy, admin._id);
        assert.equal(track.__v, 0);
        assert.ok(Math.abs(track.durationMs - 2000) <= 250, `durationMs is ${track.durationMs}`);
        assert.ok(Number.isInteger(track.bitrate) && track.bitrate > 0, `bitrate is ${track.bitrate}`);
        assert.equal(track.sampleRate, audio.sampleRate);
        assert.equal(track.channels, 2);
        assert.equal(track.format, audio.format);
        assert.match(track.createdAt, ISO_MILLIS_UTC);
        assert.match(track.updatedAt, ISO_MILLIS_UTC);
        const created = Date.parse(track.createdAt);
        assert.ok(created >= startedAt - 1000 && created <= Date.now() + 1000, `createdAt ${track.createdAt} is not now`);

        assert.equal(await uploadsCounted(), uploadsBefore + 1, 'volkrin_track_uploads_total did not grow by 1');

        // Exactly two files were added: the audio at its key, byte for byte, and the thumbnail.
        const added = (await storedMediaFiles(server.dataDir)).filter((file) => !filesBefore.includes(file));
        assert.equal(added.length, 2, `added files: ${added.join(', ')}`);
        assert.ok(added.includes(track.fileKey), `the audio is not stored at ${track.fileKey}`);
        const thumbnailFile = added.find((file) => file !== track.fileKey);
        assert.match(thumbnailFile, new RegExp(`^thumbnails/${UUID}-cover\\.png$`));
        assert.ok((await readStoredMedia(server.dataDir, track.fileKey))?.equals(audio.bytes));
        assert.ok((await readStoredMedia(server.dataDir, thumbnailFile))?.equals(image('png').bytes));
        assert.deepEqual(incomingEntries(server.dataDir), []);
      });
    }

    it('shows the new track first in the list at once, with uploadedBy populated', async () => {
      await listTracks(base); // fills the list cache, which the upload must invalidate
      const res = await uploadTrack(base, admin.token, form());
      assert.equal(res.status, 201, res.text);

      const list = await listTracks(base);
      const populated = { _id: admin._id, email: admin.email, role: 'admin' };
      assert.deepEqual(list[0], { ...res.json.track, uploadedBy: populated });
    });

    for (const ext of imageExtensions) {
      it(`accepts a ${ext} thumbnail`, async () => {
        const res = await uploadTrack(base, admin.token, form({ thumbnail: image(ext) }));
        assert.equal(res.status, 201, res.text);
      });
    }

    it('takes the title from the file name when the form has none and the file no tag', async () => {
      const audio = { ...tone('mp3'), name: 'Night_Drive (demo).mp3' };
      for (const title of [undefined, ' \t ']) {
        const res = await uploadTrack(base, admin.token, form({ title, audio }));
        assert.equal(res.status, 201, res.text);
        assert.equal(res.json.track.title, 'Night Drive (demo)');
      }
    });

    it('accepts an upload without an artist', async () => {
      const res = await uploadTrack(base, admin.token, form({ artist: undefined }));
      assert.equal(res.status, 201, res.text);
      assert.equal(res.json.track.artist, '');
    });

    it('trims the title and the artist', async () => {
      const res = await uploadTrack(base, admin.token, form({ title: '  Padded Title \t', artist: '\tPadded Artist  ' }));
      assert.equal(res.status, 201, res.text);
      assert.equal(res.json.track.title, 'Padded Title');
      assert.equal(res.json.track.artist, 'Padded Artist');
    });

    it('keeps emoji, combining characters and right-to-left text in the title and artist as sent', async () => {
      const fields = form({ title: `Noe\u0308l 🎄 ${randomHex(2)}`, artist: '\u05e9\u05dc\u05d5\u05dd & Zoë 👩‍🎤' });
      const res = await uploadTrack(base, admin.token, fields);
      assert.equal(res.status, 201, res.text);
      assert.equal(res.json.track.title, fields.title);
      assert.equal(res.json.track.artist, fields.artist);
      assert.equal((await listTracks(base)).find((track) => track._id === res.json.track._id)?.title, fields.title);
    });

    it('judges the audio by its content, not by the name or the declared type', async () => {
      const disguised = { ...tone('flac'), name: 'song.mp3', mime: 'audio/mpeg' };
      const res = await uploadTrack(base, admin.token, form({ audio: disguised }));
      assert.equal(res.status, 201, res.text);
      assert.equal(res.json.track.format, 'flac');
    });

    it('makes the client file name harmless in the storage key', async () => {
      const audio = { ...tone('mp3'), name: '../../..//etc/My   Song\t ..mp3' };
      const res = await uploadTrack(base, admin.token, form({ audio }));
      assert.equal(res.status, 201, res.text);
      const key = res.json.track.fileKey;
      assert.match(key, new RegExp(`^audio/${UUID}-[^/]+$`));
      const name = key.slice('audio/'.length + 37);
      assert.doesNotMatch(name, /\.\.|\s|[\u0000-\u001f\u007f]/, `unsafe name in ${key}`);
      assert.ok((await storedMediaFiles(server.dataDir)).includes(key), `${key} is not stored`);
    });

    it('accepts a body sent with Transfer-Encoding: chunked', async () => {
      const fields = form();
      const { body, contentType } = multipartBody(uploadParts(fields));
      const conn = await RawConnection.open(server.port);
      try {
        await conn.write(uploadRequestBytes({ token: admin.token, body, contentType, chunked: true, chunkSize: 5000 }));
        const res = await conn.readResponse({ timeoutMs: 10_000 });
        assert.equal(res.status, 201, res.text);
        assert.equal(res.json.track.title, fields.title);
        assert.ok((await readStoredMedia(server.dataDir, res.json.track.fileKey))?.equals(fields.audio.bytes));
      } finally {
        conn.destroy();
      }
    });

    it('accepts the fields in any order, files first', async () => {
      const fields = form();
      const parts = uploadParts(fields).reverse();
      const res = await uploadMultipart(base, admin.token, parts);
      assert.equal(res.status, 201, res.text);
      assert.equal(res.json.track.title, fields.title);
    });
  });

  describe('refused uploads leave nothing behind', () => {
    it('answers 401 without a token', async () => {
      const res = await refused(() => uploadTrack(base, undefined, form()));
      assertMessage(res, 401, NO_TOKEN);
    });

    it('answers 403 to a user who is not an admin', async () => {
      const res = await refused(() => uploadTrack(base, user.token, form()));
      assertMessage(res, 403, ADMINS_ONLY);
    });

    it('answers 400 when neither the form, the tags nor the file name give a title', async () => {
      const audio = { ...tone('mp3'), name: '.mp3' };
      const res = await refused(() => uploadTrack(base, admin.token, form({ title: ' \t ', audio })));
      assertMessage(res, 400, REQUIRED);
    });

    // Stored, such text would make GET /api/tracks answer JSON that clients cannot parse. Sent
    // byte for byte (FormData would replace invalid UTF-8 and rewrite line breaks).
    const badText = [
      ['invalid UTF-8', Buffer.from([0x53, 0x6f, 0xff, 0x6e, 0x67])],
      ['a cut UTF-8 sequence', Buffer.from([0x53, 0x6f, 0x6e, 0xc3])],
      ['an encoded surrogate', Buffer.from([0x53, 0xed, 0xa0, 0x80])],
      ['an overlong form', Buffer.from([0x53, 0xc1, 0x81])],
      ['a NUL', 'So\u0000ng'],
      ['a tab inside', 'So\tng'],
      ['a line feed inside', 'So\nng'],
      ['an escape character', 'So\u001b[31mng'],
      ['DEL', 'So\u007fng'],
      ['a C1 control', 'So\u0085ng'],
    ];
    for (const field of ['title', 'artist']) {
      const message = { message: `${field} must be valid UTF-8 text without control characters` };
      for (const [what, data] of badText) {
        it(`answers 400 naming ${field} when the ${field} holds ${what}`, async () => {
          const res = await refused(() => uploadMultipart(base, admin.token, uploadParts(form({ [field]: data }))));
          assertMessage(res, 400, message);
        });
      }
      it(`answers 400 naming ${field} when a bad ${field} comes after both files`, async () => {
        const parts = uploadParts(form({ [field]: undefined }));
        parts.push({ name: field, data: Buffer.from([0x41, 0x00, 0xff]) });
        const res = await refused(() => uploadMultipart(base, admin.token, parts));
        assertMessage(res, 400, message);
      });
    }

    it('answers 400 when the audio file is missing', async () => {
      const res = await refused(() => uploadTrack(base, admin.token, form({ audio: undefined })));
      assertMessage(res, 400, REQUIRED);
    });

    it('answers 400 when the thumbnail is missing', async () => {
      const res = await refused(() => uploadTrack(base, admin.token, form({ thumbnail: undefined })));
      assertMessage(res, 400, REQUIRED);
    });

    it('answers 415 to random bytes named song.mp3', async () => {
      const res = await refused(() => uploadTrack(base, admin.token, form({ audio: badSamples().randomMp3 })));
      assertMessage(res, 415, NOT_AUDIO);
    });

    it('answers 415 to a text file as the audio', async () => {
      const res = await refused(() => uploadTrack(base, admin.token, form({ audio: badSamples().text })));
      assertMessage(res, 415, NOT_AUDIO);
    });

    it('answers 415 to an image as the audio, even named and typed as MP3', async () => {
      const disguised = { ...image('jpg'), name: 'song.mp3', mime: 'audio/mpeg' };
      const res = await refused(() => uploadTrack(base, admin.token, form({ audio: disguised })));
      assertMessage(res, 415, NOT_AUDIO);
    });

    it('answers 415 to an audio file cut short, whose head looks right but whose audio cannot be read', async () => {
      const res = await refused(() => uploadTrack(base, admin.token, form({ audio: badSamples().truncated })));
      assertMessage(res, 415, { message: 'The audio file could not be read as m4a audio' });
    });

    it('answers 415 to an audio file as the thumbnail, even named and typed as PNG', async () => {
      const disguised = { ...tone('mp3'), name: 'cover.png', mime: 'image/png' };
      const res = await refused(() => uploadTrack(base, admin.token, form({ thumbnail: disguised })));
      assertMessage(res, 415, NOT_IMAGE);
    });

    it('answers 415 to a JSON body', async () => {
      const res = await refused(() =>
        api(base, 'POST', '/api/tracks/upload', { token: admin.token, json: { title: 'JSON', artist: 'Body' } }),
      );
      assertMessage(res, 415, NOT_MULTIPART);
    });

    it('answers 415 to multipart/form-data without a boundary', async () => {
      const { body } = multipartBody(uploadParts(form()));
      const res = await refused(() =>
        api(base, 'POST', '/api/tracks/upload', { token: admin.token, body, headers: { 'Content-Type': 'multipart/form-data' } }),
      );
      assertMessage(res, 415, NOT_MULTIPART);
    });

    it('answers 400 to a multipart body without its final boundary', async () => {
      const res = await refused(() => uploadMultipart(base, admin.token, uploadParts(form()), { finalBoundary: false }));
      assertMessage(res, 400, { message: 'Malformed multipart body: missing final boundary' });
    });

    it('answers 400 to a second audio file', async () => {
      const fields = form();
      const parts = uploadParts(fields);
      parts.push({ name: 'file', filename: 'again.mp3', contentType: 'audio/mpeg', data: fields.audio.bytes });
      const res = await refused(() => uploadMultipart(base, admin.token, parts));
      assertMessage(res, 400, { message: 'Only one audio file per upload' });
    });

    it('answers 400 to a file in a field other than file and thumbnail', async () => {
      const parts = uploadParts(form());
      parts.splice(2, 0, { name: 'extra', filename: 'extra.png', contentType: 'image/png', data: image('png').bytes });
      const res = await refused(() => uploadMultipart(base, admin.token, parts));
      assertMessage(res, 400, { message: 'Unexpected file field "extra"' });
    });

    it('leaves nothing behind when the client disconnects halfway through the body', async () => {
      const before = await trackState(base, server.dataDir);
      const uploadsBefore = await uploadsCounted();
      const { body, contentType } = multipartBody(uploadParts(form({ audio: tone('mp3', 60) })));
      const request = uploadRequestBytes({ token: admin.token, body, contentType });

      const conn = await RawConnection.open(server.port);
      await conn.write(request.subarray(0, request.length - (body.length >> 1)));
      await waitUntilServerHasRead(server.port, conn.localPort);
      // The upload is under way: its audio is being written to a partial file.
      await waitFor(() => incomingEntries(server.dataDir).length > 0, { what: 'a partial upload file' });
      conn.destroy();

      await waitFor(() => incomingEntries(server.dataDir).length === 0, {
        timeoutMs: 10_000,
        what: 'the partial upload file to be removed after the client left',
      });
      await assertNothingLeftBehind(base, server.dataDir, before);
      assert.equal(await uploadsCounted(), uploadsBefore);
    });
  });
});
