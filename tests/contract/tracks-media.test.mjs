// Contract tests of how a track's media is reached: GET /api/tracks/:id/stream hands out a
// signed URL of this server, which serves the exact uploaded bytes with Range, HEAD and
// conditional requests, and refuses a tampered or expired URL; /audio redirects to such a
// URL; /thumbnail answers with the image itself. Those are the local media store's links: in
// the services profile (media in S3) what this server's own URLs do is skipped.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import {
  api,
  createAdmin,
  makeTempDir,
  nowSeconds,
  randomHex,
  rawExchange,
  skipWithServices,
  startServer,
  uploadTrack,
} from './harness.mjs';
import { audioExtensions, image, imageExtensions, tone } from './media-samples.mjs';

const JWT_SECRET = `jwt-secret-${randomHex(32)}`;
const ADMIN_SECRET = `admin-secret-${randomHex(16)}`;

const URL_LIFETIME = 300;
const MIN_LIFE_LEFT = 240;
const TRACK_NOT_FOUND = { message: 'Track not found' };
const INVALID_LINK = { message: 'Invalid media link' };
const EXPIRED_LINK = { message: 'This media link has expired' };
const HTTP_DATE = /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d\d (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d\d:\d\d:\d\d GMT$/;
const STRONG_ETAG = /^"[^"]+"$/;
const MALFORMED_IDS = ['not-an-id', '0'.repeat(23), '0'.repeat(25), 'g'.repeat(24), `${'0'.repeat(23)}%2F`];

// What this server's own media URLs do. With S3 (s3-storage.test.mjs) the links are
// presigned URLs of the S3 service, which answers them itself (docs/openapi.yaml).
const OWN_MEDIA_URLS = { skip: skipWithServices('media links are presigned URLs of the S3 service, which serves the bytes') };
const OWN_THUMBNAILS = { skip: skipWithServices('/thumbnail redirects to a presigned URL of the S3 service') };

// A media URL fetched without following redirects; body is a Buffer.
async function getMedia(url, { method = 'GET', headers = {} } = {}) {
  const res = await fetch(url, { method, headers, redirect: 'manual', signal: AbortSignal.timeout(10_000) });
  const body = Buffer.from(await res.arrayBuffer());
  let json;
  if (/^application\/json\b/i.test(res.headers.get('content-type') ?? '')) json = JSON.parse(body.toString('utf8'));
  return { status: res.status, headers: res.headers, body, json, text: body.toString('utf8') };
}

// The parts of a signed media URL: {url, key, expires, sig}.
function parseSignedUrl(text) {
  const url = new URL(text);
  assert.match(url.pathname, /^\/media\//, `not a media URL: ${text}`);
  return {
    url,
    key: decodeURIComponent(url.pathname.slice('/media/'.length)),
    expires: url.searchParams.get('expires'),
    sig: url.searchParams.get('sig'),
  };
}

// The same URL with query parameters replaced (a value of undefined removes it).
function withQuery(text, changes) {
  const url = new URL(text);
  for (const [name, value] of Object.entries(changes)) {
    if (value === undefined) url.searchParams.delete(name);
    else url.searchParams.set(name, value);
  }
  return url.toString();
}

// A media URL signed the way the server signs local media: HMAC-SHA256 over "<key>\n<expires>"
// with a key derived from JWT_SECRET (src/app/backends.cpp, src/support/signed_url.cpp).
// The tests check it against a URL the server made before relying on it.
function signMediaUrl(origin, key, expires) {
  const signingKey = createHmac('sha256', JWT_SECRET).update('volkrin media URL signing key v1').digest();
  const sig = createHmac('sha256', signingKey).update(`${key}\n${expires}`).digest('hex');
  const encodedKey = key.split('/').map(encodeURIComponent).join('/');
  return `${origin}/media/${encodedKey}?expires=${expires}&sig=${sig}`;
}

function assertLifetime(expires, requestedAt) {
  const value = Number(expires);
  assert.ok(Number.isInteger(value), `expires is ${expires}`);
  assert.ok(value >= requestedAt + MIN_LIFE_LEFT, `expires ${value} leaves less than ${MIN_LIFE_LEFT} s from ${requestedAt}`);
  assert.ok(value <= nowSeconds() + URL_LIFETIME + 1, `expires ${value} is more than ${URL_LIFETIME} s away`);
}

describe('track media', () => {
  let server;
  let base;
  let admin;
  // The main track: a 10 s MP3 with a PNG thumbnail.
  let track;
  let audio;
  // One track per audio format and one per thumbnail format: {ext → track}.
  const byAudio = new Map();
  const byImage = new Map();

  async function upload(fields) {
    const res = await uploadTrack(base, admin.token, { title: `Media ${randomHex(4)}`, artist: 'Media', ...fields });
    assert.equal(res.status, 201, res.text);
    return res.json.track;
  }

  async function streamUrl(id) {
    const res = await api(base, 'GET', `/api/tracks/${id}/stream`);
    assert.equal(res.status, 200, res.text);
    return res.json.url;
  }

  before(async () => {
    server = await startServer({ env: { JWT_SECRET, ADMIN_SECRET } });
    base = server.baseUrl;
    admin = await createAdmin(base, ADMIN_SECRET);
    audio = tone('mp3', 10);
    track = await upload({ audio, thumbnail: image('png') });
    for (const ext of audioExtensions) byAudio.set(ext, await upload({ audio: tone(ext), thumbnail: image('png') }));
    for (const ext of imageExtensions) byImage.set(ext, await upload({ audio: tone('mp3'), thumbnail: image(ext) }));
  });

  after(async () => {
    await server?.stop();
  });

  describe('GET /api/tracks/:id/stream', () => {
    it('answers 200 {url} with a URL of this server that has at least 240 s of life left', OWN_MEDIA_URLS, async () => {
      const requestedAt = nowSeconds();
      const res = await api(base, 'GET', `/api/tracks/${track._id}/stream`);
      assert.equal(res.status, 200, res.text);
      assert.deepEqual(Object.keys(res.json), ['url']);
      const signed = parseSignedUrl(res.json.url);
      assert.equal(signed.url.origin, base);
      assert.equal(signed.key, track.fileKey);
      assertLifetime(signed.expires, requestedAt);
      assert.match(signed.sig, /^[0-9a-f]{64}$/);
    });

    it('hands out a URL that serves exactly the uploaded bytes with the media headers', OWN_MEDIA_URLS, async () => {
      const uploadedAt = Date.parse(track.createdAt);
      const res = await getMedia(await streamUrl(track._id));
      assert.equal(res.status, 200);
      assert.ok(res.body.equals(audio.bytes), `got ${res.body.length} bytes, uploaded ${audio.bytes.length}`);
      assert.equal(res.headers.get('content-type'), 'audio/mpeg');
      assert.equal(res.headers.get('content-length'), String(audio.bytes.length));
      assert.equal(res.headers.get('accept-ranges'), 'bytes');
      assert.match(res.headers.get('etag') ?? '', STRONG_ETAG);
      assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
      const lastModified = res.headers.get('last-modified') ?? '';
      assert.match(lastModified, HTTP_DATE);
      const modified = Date.parse(lastModified);
      assert.ok(modified >= uploadedAt - 2000 && modified <= Date.now(), `Last-Modified ${lastModified} is not the upload time`);
    });

    for (const ext of audioExtensions) {
      it(`serves a ${ext} file with Content-Type ${tone(ext).mime}`, async () => {
        const res = await getMedia(await streamUrl(byAudio.get(ext)._id));
        assert.equal(res.status, 200);
        assert.equal(res.headers.get('content-type'), tone(ext).mime);
        assert.ok(res.body.equals(tone(ext).bytes), `the ${ext} bytes differ from the upload`);
      });
    }

    it('answers 404 "Track not found" to an unknown id', async () => {
      const res = await api(base, 'GET', `/api/tracks/${'0'.repeat(24)}/stream`);
      assert.equal(res.status, 404, res.text);
      assert.deepEqual(res.json, TRACK_NOT_FOUND);
    });

    for (const id of MALFORMED_IDS) {
      it(`answers 404 "Track not found" to the malformed id ${JSON.stringify(id)}`, async () => {
        const res = await api(base, 'GET', `/api/tracks/${id}/stream`);
        assert.equal(res.status, 404, res.text);
        assert.deepEqual(res.json, TRACK_NOT_FOUND);
      });
    }
  });

  describe('ranges and conditional requests on the media URL', OWN_MEDIA_URLS, () => {
    let url;
    let size;
    let etag;

    before(async () => {
      url = await streamUrl(track._id);
      size = audio.bytes.length;
      etag = (await getMedia(url, { method: 'HEAD' })).headers.get('etag');
    });

    // [name, Range header, first byte, last byte] with the file's size known only at run time.
    const ranges = [
      ['the first byte', () => 'bytes=0-0', () => [0, 0]],
      ['the last byte', (n) => `bytes=${n - 1}-${n - 1}`, (n) => [n - 1, n - 1]],
      ['a middle slice', () => 'bytes=1000-1999', () => [1000, 1999]],
      ['an open-ended range', () => 'bytes=5000-', (n) => [5000, n - 1]],
      ['a suffix range', () => 'bytes=-500', (n) => [n - 500, n - 1]],
      ['a suffix longer than the file', (n) => `bytes=-${n + 100}`, (n) => [0, n - 1]],
      ['a range past the end, clamped', (n) => `bytes=${n - 10}-${n + 1000}`, (n) => [n - 10, n - 1]],
      ['a range whose unit is capitalised', () => 'Bytes=7-17', () => [7, 17]],
    ];

    for (const [name, header, expected] of ranges) {
      it(`answers 206 with exactly the bytes of ${name}`, async () => {
        const [first, last] = expected(size);
        const res = await getMedia(url, { headers: { Range: header(size) } });
        assert.equal(res.status, 206, res.text);
        assert.equal(res.headers.get('content-range'), `bytes ${first}-${last}/${size}`);
        assert.equal(res.headers.get('content-length'), String(last - first + 1));
        assert.equal(res.headers.get('content-type'), 'audio/mpeg');
        assert.ok(res.body.equals(audio.bytes.subarray(first, last + 1)), `the body is not bytes ${first}-${last}`);
      });
    }

    it('answers 416 with Content-Range "bytes */<size>" to a range that starts at the end', async () => {
      for (const header of [`bytes=${size}-`, `bytes=${size + 5}-${size + 10}`, 'bytes=-0']) {
        const res = await getMedia(url, { headers: { Range: header } });
        assert.equal(res.status, 416, `${header}: ${res.text}`);
        assert.equal(res.headers.get('content-range'), `bytes */${size}`, header);
      }
    });

    it('answers 200 with the whole file to a Range it does not serve (several ranges, other units)', async () => {
      for (const header of ['bytes=0-1,5-6', 'items=0-5', 'bytes=9-3']) {
        const res = await getMedia(url, { headers: { Range: header } });
        assert.equal(res.status, 200, header);
        assert.ok(res.body.equals(audio.bytes), header);
      }
    });

    it('answers HEAD with the headers of a GET and no body', async () => {
      const target = url.slice(base.length);
      const res = await rawExchange(server.port, `HEAD ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`);
      assert.equal(res.status, 200);
      assert.equal(res.headers['content-length'], String(size));
      assert.equal(res.headers['content-type'], 'audio/mpeg');
      assert.equal(res.headers['accept-ranges'], 'bytes');
      assert.equal(res.headers.etag, etag);
      assert.match(res.headers['last-modified'], HTTP_DATE);
      assert.equal(res.body.length, 0, 'HEAD sent a body');
    });

    it('answers HEAD with a Range as 206 with the slice length and no body', async () => {
      const target = url.slice(base.length);
      const res = await rawExchange(
        server.port,
        `HEAD ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\nRange: bytes=100-199\r\nConnection: close\r\n\r\n`,
      );
      assert.equal(res.status, 206);
      assert.equal(res.headers['content-range'], `bytes 100-199/${size}`);
      assert.equal(res.headers['content-length'], '100');
      assert.equal(res.body.length, 0, 'HEAD sent a body');
    });

    it('answers 304 with no body to If-None-Match with the ETag', async () => {
      const target = url.slice(base.length);
      const res = await rawExchange(
        server.port,
        `GET ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\nIf-None-Match: ${etag}\r\nConnection: close\r\n\r\n`,
      );
      assert.equal(res.status, 304);
      assert.equal(res.headers.etag, etag);
      assert.equal(res.body.length, 0, '304 sent a body');
    });

    it('answers 200 to If-None-Match with another ETag', async () => {
      const res = await getMedia(url, { headers: { 'If-None-Match': '"something-else"' } });
      assert.equal(res.status, 200);
      assert.ok(res.body.equals(audio.bytes));
    });

    it('answers 206 to a Range with If-Range naming the current ETag', async () => {
      const res = await getMedia(url, { headers: { Range: 'bytes=10-19', 'If-Range': etag } });
      assert.equal(res.status, 206);
      assert.equal(res.headers.get('content-range'), `bytes 10-19/${size}`);
      assert.ok(res.body.equals(audio.bytes.subarray(10, 20)));
    });

    it('answers 200 with the whole file to a Range with If-Range naming another ETag', async () => {
      const res = await getMedia(url, { headers: { Range: 'bytes=10-19', 'If-Range': '"an-older-version"' } });
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('content-range'), null);
      assert.ok(res.body.equals(audio.bytes));
    });

    it('lets curl resume a download into a byte-identical copy', () => {
      const dir = makeTempDir('volkrin-curl-');
      const part = path.join(dir, 'part');
      const curl = (...args) => execFileSync('curl', ['--silent', '--show-error', '--fail', '--max-time', '20', ...args]);
      curl('-r', '0-999', '-o', part, url);
      assert.equal(readFileSync(part).length, 1000);
      curl('-C', '-', '-o', part, url);
      assert.ok(readFileSync(part).equals(audio.bytes), 'the resumed download differs from the upload');
    });
  });

  describe('tampered and expired media URLs', OWN_MEDIA_URLS, () => {
    let url;
    let signed;

    before(async () => {
      url = await streamUrl(track._id);
      signed = parseSignedUrl(url);
    });

    const assertRefused = async (tampered, body = INVALID_LINK) => {
      const res = await getMedia(tampered);
      assert.equal(res.status, 403, `${tampered}: ${res.text}`);
      assert.deepEqual(res.json, body);
    };

    it('serves the untouched URL (the baseline of the cases below)', async () => {
      assert.equal((await getMedia(url)).status, 200);
    });

    it('answers 403 when one hex digit of sig is changed', async () => {
      const flipped = `${signed.sig.slice(0, 10)}${signed.sig[10] === 'a' ? 'b' : 'a'}${signed.sig.slice(11)}`;
      await assertRefused(withQuery(url, { sig: flipped }));
    });

    it('answers 403 when sig is in upper case', async () => {
      await assertRefused(withQuery(url, { sig: signed.sig.toUpperCase() }));
    });

    it('answers 403 when expires is moved later', async () => {
      await assertRefused(withQuery(url, { expires: String(Number(signed.expires) + 3600) }));
    });

    it('answers 403 when expires is moved into the past', async () => {
      await assertRefused(withQuery(url, { expires: String(nowSeconds() - 60) }));
    });

    it('answers 403 when expires gains a leading zero', async () => {
      await assertRefused(withQuery(url, { expires: `0${signed.expires}` }));
    });

    it('answers 403 when the key is changed to another track\'s audio', async () => {
      const other = byAudio.get('wav').fileKey;
      await assertRefused(`${base}/media/${other}${signed.url.search}`);
    });

    it('answers 403 when sig is missing', async () => {
      await assertRefused(withQuery(url, { sig: undefined }));
    });

    it('answers 403 when expires is missing', async () => {
      await assertRefused(withQuery(url, { expires: undefined }));
    });

    it('answers 403 to a bare media path', async () => {
      await assertRefused(`${base}/media/${track.fileKey}`);
    });

    it('answers 403 "This media link has expired" to a correctly signed URL whose time has passed', async () => {
      // The local signing scheme is reproduced here; it must give the server's own URL first.
      assert.equal(signMediaUrl(base, signed.key, signed.expires), url, 'the signing scheme under test has changed');
      await assertRefused(signMediaUrl(base, signed.key, nowSeconds() - 1), EXPIRED_LINK);
    });
  });

  describe('GET /api/tracks/:id/audio', () => {
    it('answers 302 to a fresh signed URL that serves the audio', OWN_MEDIA_URLS, async () => {
      const requestedAt = nowSeconds();
      const res = await getMedia(`${base}/api/tracks/${track._id}/audio`);
      assert.equal(res.status, 302);
      const location = res.headers.get('location');
      const signed = parseSignedUrl(location);
      assert.equal(signed.key, track.fileKey);
      assertLifetime(signed.expires, requestedAt);
      const media = await getMedia(location);
      assert.equal(media.status, 200);
      assert.equal(media.headers.get('content-type'), 'audio/mpeg');
      assert.ok(media.body.equals(audio.bytes));
    });

    it('answers 404 "Track not found" to an unknown or malformed id', async () => {
      for (const id of ['0'.repeat(24), ...MALFORMED_IDS]) {
        const res = await api(base, 'GET', `/api/tracks/${id}/audio`);
        assert.equal(res.status, 404, `${id}: ${res.text}`);
        assert.deepEqual(res.json, TRACK_NOT_FOUND);
      }
    });
  });

  describe('GET /api/tracks/:id/thumbnail', () => {
    for (const ext of imageExtensions) {
      it(`answers 200 with the ${ext} bytes, Content-Type ${image(ext).mime} and a cacheable max-age`, OWN_THUMBNAILS, async () => {
        const res = await getMedia(`${base}${byImage.get(ext).thumbnailUrl}`);
        assert.equal(res.status, 200);
        assert.equal(res.headers.get('content-type'), image(ext).mime);
        assert.match(res.headers.get('cache-control') ?? '', /\bmax-age=\d+/);
        assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
        assert.ok(res.body.equals(image(ext).bytes), `the ${ext} thumbnail differs from the upload`);
      });
    }

    it('answers 304 to If-None-Match with its ETag', OWN_THUMBNAILS, async () => {
      const thumbnail = `${base}${track.thumbnailUrl}`;
      const first = await getMedia(thumbnail);
      const etag = first.headers.get('etag');
      assert.match(etag ?? '', STRONG_ETAG);
      const again = await getMedia(thumbnail, { headers: { 'If-None-Match': etag } });
      assert.equal(again.status, 304);
      assert.equal(again.body.length, 0);
    });

    it('answers 404 "Track not found" to an unknown or malformed id', async () => {
      for (const id of ['0'.repeat(24), ...MALFORMED_IDS]) {
        const res = await api(base, 'GET', `/api/tracks/${id}/thumbnail`);
        assert.equal(res.status, 404, `${id}: ${res.text}`);
        assert.deepEqual(res.json, TRACK_NOT_FOUND);
      }
    });
  });
});
