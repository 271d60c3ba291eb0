// Contract tests of the list's optional parameters: limit, offset and q (a
// case-insensitive substring of title or artist), newest first, each page with its ETag.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { api, createAdmin, listTracks, randomHex, startServer, uploadTrack } from './harness.mjs';
import { image, tone } from './media-samples.mjs';

const JWT_SECRET = `jwt-secret-${randomHex(32)}`;
const ADMIN_SECRET = `admin-secret-${randomHex(16)}`;


const STRONG_ETAG = /^"[^"]+"$/;
const ids = (tracks) => tracks.map((track) => track._id);

describe('GET /api/tracks with limit, offset and q', () => {
  let server;
  let base;
  let admin;
  const tag = randomHex(4);
  // Uploaded oldest first; `newest` holds them in the order the list uses.
  const specs = [
    { title: `Amber Road ${tag}`, artist: `Kestrel ${tag}` },
    { title: `Blue Hour ${tag}`, artist: `Lumen ${tag}` },
    { title: `Cinder Lake ${tag}`, artist: `Marrow ${tag}` },
    { title: `Dusk Signal ${tag}`, artist: `Nadir ${tag}` },
    { title: `Ember Tide ${tag}`, artist: `Orrery ${tag}` },
  ];
  let newest;

  async function upload(fields) {
    const res = await uploadTrack(base, admin.token, { audio: tone('mp3'), thumbnail: image('png'), ...fields });
    assert.equal(res.status, 201, res.text);
    return res.json.track;
  }

  before(async () => {
    server = await startServer({ env: { JWT_SECRET, ADMIN_SECRET } });
    base = server.baseUrl;
    admin = await createAdmin(base, ADMIN_SECRET);
    // An older track outside the five, so that no page is the whole list by accident.
    await upload({ title: `Older ${randomHex(4)}`, artist: 'Someone Else' });
    const uploaded = [];
    for (const spec of specs) uploaded.push(await upload(spec));
    newest = uploaded.reverse();
  });

  after(async () => {
    await server?.stop();
  });

  const todo = {};

  it('?limit=2 answers the two newest tracks', todo, async () => {
    assert.deepEqual(ids(await listTracks(base, '?limit=2')), ids(newest.slice(0, 2)));
  });

  it('?limit=2&offset=2 answers the next two', todo, async () => {
    assert.deepEqual(ids(await listTracks(base, '?limit=2&offset=2')), ids(newest.slice(2, 4)));
  });

  it('?offset alone skips that many of the newest', todo, async () => {
    const full = await listTracks(base);
    assert.deepEqual(await listTracks(base, '?offset=3'), full.slice(3));
  });

  it('?offset past the end answers []', todo, async () => {
    assert.deepEqual(await listTracks(base, '?offset=100000'), []);
  });

  it('pages carry the same track JSON as the full list, uploadedBy populated', todo, async () => {
    const full = await listTracks(base);
    const page = await listTracks(base, '?limit=3');
    assert.deepEqual(page, full.slice(0, 3));
    assert.deepEqual(page[0].uploadedBy, { _id: admin._id, email: admin.email, role: 'admin' });
  });

  it('?q matches part of a title whatever its case', todo, async () => {
    const q = encodeURIComponent(`iNDER lAKE ${tag}`);
    assert.deepEqual(ids(await listTracks(base, `?q=${q}`)), [newest[2]._id]);
  });

  it('?q matches part of an artist whatever its case', todo, async () => {
    const q = encodeURIComponent(`NADIR ${tag}`);
    assert.deepEqual(ids(await listTracks(base, `?q=${q}`)), [newest[1]._id]);
  });

  it('?q matches letters beyond ASCII whatever their case', todo, async () => {
    const accented = await upload({ title: `Été Indien ${randomHex(4)}`, artist: 'Accents' });
    assert.deepEqual(ids(await listTracks(base, `?q=${encodeURIComponent('éTÉ iNDIEN')}`)), [accented._id]);
  });

  it('?q combines with limit and offset, newest matches first', todo, async () => {
    assert.deepEqual(ids(await listTracks(base, `?q=${tag}&limit=2&offset=1`)), ids(newest.slice(1, 3)));
  });

  it('?q that matches nothing answers []', todo, async () => {
    assert.deepEqual(await listTracks(base, `?q=nothing-${randomHex(8)}`), []);
  });

  it('?q takes % and _ literally, not as wildcards', todo, async () => {
    const literal = await upload({ title: `Half_Full 50% ${randomHex(4)}`, artist: 'Literal' });
    assert.deepEqual(ids(await listTracks(base, '?q=%25')), [literal._id]);
    assert.deepEqual(ids(await listTracks(base, '?q=_')), [literal._id]);
    // As a wildcard, _ would match the % of "50%".
    assert.deepEqual(await listTracks(base, `?q=${encodeURIComponent('50_')}`), []);
  });

  it('?q takes search syntax, quotes, backslash, emoji and combining marks as themselves', todo, async () => {
    const title = `Say "hi" AND NEAR(x) -y ^z* \\ \u{1F3B5} Noe\u0308l+ ${randomHex(4)}`;
    const literal = await upload({ title, artist: 'Syntax' });
    for (const q of ['"hi"', '"', 'AND NEAR(', 'near(x)', '-y ^z*', '^', '*', '\\', '\u{1F3B5}', 'e\u0308', 'Noe\u0308l+', '+']) {
      assert.deepEqual(ids(await listTracks(base, `?q=${encodeURIComponent(q)}`)), [literal._id], q);
    }
    for (const q of ['"hi" OR "x"', 'hi*', 'NEAR(x y)', 'Noel']) {
      assert.deepEqual(await listTracks(base, `?q=${encodeURIComponent(q)}`), [], q);
    }
  });

  it('pages carry an ETag and answer 304 to If-None-Match with it', todo, async () => {
    const first = await api(base, 'GET', '/api/tracks?limit=2');
    assert.equal(first.status, 200, first.text);
    const etag = first.headers.get('etag');
    assert.match(etag ?? '', STRONG_ETAG);
    const again = await api(base, 'GET', '/api/tracks?limit=2', { headers: { 'If-None-Match': etag } });
    assert.equal(again.status, 304);
    assert.equal(again.text, '');
  });

  it('the response without parameters is the whole list, the same as ?limit=1000', todo, async () => {
    const full = await listTracks(base);
    assert.ok(full.length > specs.length);
    assert.deepEqual(full, await listTracks(base, '?limit=1000'));
  });
});
