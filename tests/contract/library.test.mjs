// Contract tests of the music library: tags and embedded covers read from uploads in every
// audio format, albums and artists formed from them (case-insensitively), their lists,
// sorting, paging, search, conditional answers and invalidation, and hostile tags. Run on
// the embedded backends and, with VOLKRIN_CONTRACT_BACKENDS=services, on PostgreSQL, Redis
// and S3.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { api, createAdmin, randomHex, startServer, uploadTrack } from './harness.mjs';
import { audioExtensions, image, taggedTone } from './media-samples.mjs';

const ADMIN_SECRET = `admin-secret-${randomHex(16)}`;
const OBJECT_ID = /^[0-9a-f]{24}$/;
const REQUIRED = { message: 'Title, audio, and thumbnail are required' };
const ALBUM_FIELDS = ['_id', 'artist', 'artistId', 'coverUrl', 'createdAt', 'durationMs', 'genre', 'name', 'trackCount', 'updatedAt', 'year'];
const ARTIST_FIELDS = ['_id', 'albumCount', 'coverUrl', 'createdAt', 'durationMs', 'name', 'trackCount', 'updatedAt'];

// The bytes behind a media URL of this API, following the redirect to a signed URL that
// an S3 media store answers with.
async function mediaBytes(base, url) {
  const res = await fetch(new URL(url, base), { signal: AbortSignal.timeout(10_000) });
  assert.equal(res.status, 200, `${url} answered ${res.status}`);
  return Buffer.from(await res.arrayBuffer());
}

describe('music library', () => {
  let server;
  let base;
  let admin;

  before(async () => {
    server = await startServer({ env: { ADMIN_SECRET } });
    base = server.baseUrl;
    admin = await createAdmin(base, ADMIN_SECRET);
  });

  after(async () => {
    await server?.stop();
  });

  // Uploads `audio` with only the given form fields; asserts 201 and returns the track.
  async function upload(audio, fields = {}) {
    const res = await uploadTrack(base, admin.token, { audio, ...fields });
    assert.equal(res.status, 201, res.text);
    return res.json.track;
  }

  const get = (urlPath, headers = {}) => api(base, 'GET', urlPath, { headers });

  const deleteTrack = async (id) => {
    const res = await api(base, 'DELETE', `/api/tracks/${id}`, { token: admin.token });
    assert.equal(res.status, 200, res.text);
  };

  // Tags of an album track under a name unique to this run.
  const albumTags = (album, albumArtist, extra = {}) => ({ title: `Song ${randomHex(3)}`, artist: albumArtist, album, album_artist: albumArtist, ...extra });

  describe('tags and covers of an upload', () => {
    for (const ext of audioExtensions) {
      it(`reads the tags of a ${ext} file${ext === 'wav' ? '' : ' and takes its embedded cover'}`, async () => {
        const tags = {
          title: `Tagged ${ext} ${randomHex(3)}`,
          artist: `Performer ${randomHex(3)}`,
          album: `Record ${randomHex(3)}`,
          album_artist: `Band ${randomHex(3)}`,
          track: '3/12',
          disc: '2/2',
          date: '2019',
          genre: 'Jazz',
        };
        const audio = taggedTone(ext, tags);
        // WAV carries no picture, so it needs the form's thumbnail.
        const track = await upload(audio, ext === 'wav' ? { thumbnail: image('jpg') } : {});

        assert.equal(track.title, tags.title);
        assert.equal(track.artist, tags.artist);
        assert.equal(track.album, tags.album);
        // RIFF INFO, which ffmpeg writes into WAV, has no album artist and no disc number.
        assert.equal(track.albumArtist, ext === 'wav' ? null : tags.album_artist);
        assert.equal(track.trackNumber, 3);
        assert.equal(track.discNumber, ext === 'wav' ? null : 2);
        assert.equal(track.year, 2019);
        assert.equal(track.genre, 'Jazz');
        assert.match(track.albumId, OBJECT_ID);
        assert.match(track.artistId, OBJECT_ID);
        assert.equal(track.format, audio.format);

        const cover = await mediaBytes(base, track.thumbnailUrl);
        const expected = ext === 'wav' ? image('jpg').bytes : image('png').bytes;
        assert.ok(cover.equals(expected), `the ${ext} cover differs from the picture embedded`);
      });
    }

    it('answers 400 for a file without a cover when the form has no thumbnail, storing nothing', async () => {
      const before = (await get('/api/tracks')).json.length;
      const res = await uploadTrack(base, admin.token, { audio: taggedTone('wav', { title: 'No picture' }) });
      assert.equal(res.status, 400, res.text);
      assert.deepEqual(res.json, REQUIRED);
      assert.equal((await get('/api/tracks')).json.length, before);
    });

    it('lets the form title, artist and thumbnail win over the tags and the embedded cover', async () => {
      const audio = taggedTone('flac', { title: 'From the tag', artist: 'Tag artist', album: `Kept ${randomHex(3)}` });
      const track = await upload(audio, { title: 'From the form', artist: 'Form artist', thumbnail: image('gif') });
      assert.equal(track.title, 'From the form');
      assert.equal(track.artist, 'Form artist');
      assert.ok(track.album.startsWith('Kept '));
      assert.ok((await mediaBytes(base, track.thumbnailUrl)).equals(image('gif').bytes));
    });

    it('ignores embedded art that is not an image', async () => {
      const notImage = { bytes: Buffer.from('<html>not a picture</html>'.repeat(20)), mime: 'image/png' };
      const audio = taggedTone('ogg', { title: 'Fake art' }, { cover: notImage });
      const res = await uploadTrack(base, admin.token, { audio });
      assert.equal(res.status, 400, res.text);
      assert.deepEqual(res.json, REQUIRED);
      const track = await upload(audio, { thumbnail: image('png') });
      assert.ok((await mediaBytes(base, track.thumbnailUrl)).equals(image('png').bytes));
    });

    it('clips a 10 MB title tag, cleans invalid UTF-8 and control characters, and drops absurd positions', async () => {
      const album = `Hostile ${randomHex(3)}`;
      const metadata = Buffer.concat([
        Buffer.from(';FFMETADATA1\ntitle='),
        Buffer.alloc(10 * 1024 * 1024, 'T'),
        Buffer.from('\nartist=Bad'),
        Buffer.from([0xff, 0xfe, 0xc3]),
        Buffer.from('Art\u0001ist\nalbum='),
        Buffer.from(album),
        Buffer.from('\ntrack=-3\ndisc=0\ndate=last year\n'),
      ]);
      const audio = taggedTone('mp3', {}, { metadataFile: metadata });
      assert.ok(audio.bytes.length > 10 * 1024 * 1024);
      const track = await upload(audio);
      assert.equal(track.title, 'T'.repeat(1000));
      assert.doesNotMatch(track.artist, /[\u0000-\u001f\u007f]/);
      assert.ok(track.artist.startsWith('Bad') && track.artist.endsWith('ist'), track.artist);
      assert.equal(track.trackNumber, null);
      assert.equal(track.discNumber, null);
      assert.equal(track.year, null);
      assert.equal(track.album, album);
      // The list and the album stay valid JSON (api() parses them).
      const res = await get(`/api/albums/${track.albumId}`);
      assert.equal(res.status, 200, res.text);
      assert.equal(res.json.tracks[0].title.length, 1000);
    });

    it('gives null album fields to a track without tags, and no album', async () => {
      const track = await upload(taggedTone('mp3', {}), { title: 'Bare', thumbnail: image('png') });
      for (const field of ['album', 'albumArtist', 'trackNumber', 'discNumber', 'year', 'genre', 'albumId', 'artistId']) {
        assert.equal(track[field], null, field);
      }
    });
  });

  describe('albums and artists', () => {
    it('forms one album from tags that differ only in case, its tracks in disc and track order', async () => {
      const name = `Blue Hours ${randomHex(3)}`;
      const band = `The Wires ${randomHex(3)}`;
      const second = await upload(taggedTone('mp3', albumTags(name, band, { track: '2', disc: '1' })));
      const third = await upload(taggedTone('flac', albumTags(name.toUpperCase(), band.toLowerCase(), { track: '1', disc: '2' })));
      const first = await upload(taggedTone('ogg', albumTags(name.toLowerCase(), band.toUpperCase(), { track: '1', disc: '1', date: '2004', genre: 'Ambient' })));
      assert.equal(second.albumId, third.albumId);
      assert.equal(second.albumId, first.albumId);
      assert.equal(second.artistId, first.artistId);

      const res = await get(`/api/albums/${first.albumId}`);
      assert.equal(res.status, 200, res.text);
      const album = res.json;
      assert.deepEqual(Object.keys(album).sort(), [...ALBUM_FIELDS, 'tracks'].sort());
      assert.equal(album._id, first.albumId);
      assert.equal(album.name, name, 'the album keeps the name its first track gave it');
      assert.equal(album.artist, band);
      assert.equal(album.artistId, first.artistId);
      assert.equal(album.trackCount, 3);
      assert.equal(album.durationMs, first.durationMs + second.durationMs + third.durationMs);
      assert.equal(album.year, 2004);
      assert.equal(album.genre, 'Ambient');
      assert.match(album.coverUrl, /\/api\/tracks\/[0-9a-f]{24}\/thumbnail$/);
      assert.ok((await mediaBytes(base, album.coverUrl)).equals(image('png').bytes));
      assert.deepEqual(album.tracks.map((t) => t._id), [first._id, second._id, third._id]);
      assert.deepEqual(album.tracks[0].uploadedBy, { _id: admin._id, email: admin.email, role: 'admin' });

      const artist = await get(`/api/artists/${first.artistId}`);
      assert.equal(artist.status, 200, artist.text);
      assert.deepEqual(Object.keys(artist.json).sort(), [...ARTIST_FIELDS, 'albums', 'tracks'].sort());
      assert.equal(artist.json.name, band);
      assert.equal(artist.json.albumCount, 1);
      assert.equal(artist.json.trackCount, 3);
      assert.deepEqual(artist.json.albums.map((a) => a._id), [first.albumId]);
      assert.deepEqual(new Set(artist.json.tracks.map((t) => t._id)), new Set([first._id, second._id, third._id]));

      const listed = await get(`/api/albums?q=${encodeURIComponent(name.toLowerCase())}`);
      assert.deepEqual(listed.json.map((a) => a._id), [first.albumId]);
      assert.deepEqual(Object.keys(listed.json[0]).sort(), ALBUM_FIELDS);
    });

    it('takes the artist for the album artist when a track has none', async () => {
      const performer = `Solo ${randomHex(3)}`;
      const track = await upload(taggedTone('m4a', { title: 'Alone', artist: performer, album: `Debut ${randomHex(3)}` }));
      const album = (await get(`/api/albums/${track.albumId}`)).json;
      assert.equal(album.artist, performer);
      const artists = (await get(`/api/artists?q=${encodeURIComponent(performer)}`)).json;
      assert.deepEqual(artists.map((a) => a.name), [performer]);
      assert.deepEqual(Object.keys(artists[0]).sort(), ARTIST_FIELDS);
    });

    it('sorts albums by name, artist, year and newest, and pages them', async () => {
      const tag = randomHex(4);
      const specs = [
        { album: `${tag} Charlie`, band: `${tag} Zed`, date: '2001' },
        { album: `${tag} alpha`, band: `${tag} Yan`, date: '1999' },
        { album: `${tag} Bravo`, band: `${tag} Xu`, date: '2010' },
      ];
      const ids = [];
      for (const spec of specs) ids.push((await upload(taggedTone('mp3', albumTags(spec.album, spec.band, { date: spec.date })))).albumId);
      const order = async (query) => {
        const res = await get(`/api/albums?q=${tag}&${query}`);
        assert.equal(res.status, 200, res.text);
        return res.json.map((album) => album._id);
      };
      assert.deepEqual(await order('sort=name'), [ids[1], ids[2], ids[0]], 'names compare without case');
      assert.deepEqual(await order(''), [ids[1], ids[2], ids[0]], 'name is the default');
      assert.deepEqual(await order('sort=artist'), [ids[2], ids[1], ids[0]]);
      assert.deepEqual(await order('sort=year'), [ids[1], ids[0], ids[2]]);
      assert.deepEqual(await order('sort=newest'), [ids[2], ids[1], ids[0]]);
      assert.deepEqual(await order('sort=name&limit=1&offset=1'), [ids[2]]);
      assert.deepEqual(await order('sort=name&limit=2&offset=2'), [ids[0]]);
      assert.deepEqual(await order('sort=name&offset=3'), []);

      const artists = (await get(`/api/artists?q=${tag}&limit=2`)).json.map((a) => a.name);
      assert.deepEqual(artists, [`${tag} Xu`, `${tag} Yan`]);
    });

    it('answers 404 for an unknown or malformed id and 400 for bad parameters', async () => {
      for (const [path, message] of [
        ['/api/albums/0123456789abcdef01234567', 'Album not found'],
        ['/api/albums/not-an-id', 'Album not found'],
        ['/api/artists/0123456789abcdef01234567', 'Artist not found'],
        ['/api/artists/NOT-HEX-0123456789abcdef0', 'Artist not found'],
      ]) {
        const res = await get(path);
        assert.equal(res.status, 404, `${path}: ${res.text}`);
        assert.deepEqual(res.json, { message });
      }
      for (const [path, message] of [
        ['/api/albums?sort=random', 'sort must be one of name, artist, year, newest'],
        ['/api/albums?limit=0', 'limit must be an integer from 1 to 1000'],
        ['/api/artists?offset=-1', 'offset must be a non-negative integer'],
        ['/api/artists?q=a%00b', 'q must be valid UTF-8 text without control characters'],
        [`/api/albums?q=${'x'.repeat(201)}`, 'q must be at most 200 characters'],
      ]) {
        const res = await get(path);
        assert.equal(res.status, 400, `${path}: ${res.text}`);
        assert.deepEqual(res.json, { message });
      }
    });

    it('answers 304 to its ETag until the library changes, and shows a change at once', async () => {
      const listFirst = await get('/api/albums');
      const albumEtag = listFirst.headers.get('etag');
      assert.match(albumEtag, /^"[^"]+"$/);
      assert.equal((await get('/api/albums', { 'If-None-Match': albumEtag })).status, 304);
      const artistEtag = (await get('/api/artists')).headers.get('etag');

      const name = `Fresh ${randomHex(4)}`;
      const track = await upload(taggedTone('opus', albumTags(name, `New Band ${randomHex(3)}`)));
      const listAfter = await get('/api/albums', { 'If-None-Match': albumEtag });
      assert.equal(listAfter.status, 200);
      assert.notEqual(listAfter.headers.get('etag'), albumEtag);
      assert.ok(listAfter.json.some((album) => album._id === track.albumId), 'the new album is not listed');
      assert.equal((await get('/api/artists', { 'If-None-Match': artistEtag })).status, 200);

      const detail = await get(`/api/albums/${track.albumId}`);
      const detailEtag = detail.headers.get('etag');
      assert.equal((await get(`/api/albums/${track.albumId}`, { 'If-None-Match': detailEtag })).status, 304);
    });

    it('counts an album down on delete and removes it, and its artist, with its last track', async () => {
      const name = `Short Lived ${randomHex(3)}`;
      const band = `Gone ${randomHex(3)}`;
      const one = await upload(taggedTone('mp3', albumTags(name, band, { track: '1' })));
      const two = await upload(taggedTone('mp3', albumTags(name, band, { track: '2' })));
      assert.equal((await get(`/api/albums/${one.albumId}`)).json.trackCount, 2);

      await deleteTrack(one._id);
      const left = await get(`/api/albums/${one.albumId}`);
      assert.equal(left.json.trackCount, 1);
      assert.deepEqual(left.json.tracks.map((t) => t._id), [two._id]);
      assert.equal(left.json.durationMs, two.durationMs);

      await deleteTrack(two._id);
      assert.equal((await get(`/api/albums/${one.albumId}`)).status, 404);
      assert.equal((await get(`/api/artists/${one.artistId}`)).status, 404);
      assert.deepEqual((await get(`/api/albums?q=${encodeURIComponent(name)}`)).json, []);
      assert.deepEqual((await get(`/api/artists?q=${encodeURIComponent(band)}`)).json, []);
    });
  });
});
