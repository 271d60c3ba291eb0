// Contract tests of media keys that resolve to a symbolic link in the local media root: the
// audio link, the thumbnail and the signed /media/ URL answer 404, whether the link points
// out of the root, into it, nowhere, or sits in place of a key's directory; the bytes
// behind it are never served, and the server stays ready.

import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, renameSync, rmSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import { api, createAdmin, randomHex, skipWithServices, startServer, uploadTrack } from './harness.mjs';
import { image, tone } from './media-samples.mjs';

const ADMIN_SECRET = `admin-secret-${randomHex(16)}`;
const MEDIA_NOT_FOUND = { message: 'Media not found' };
const THUMBNAIL_NOT_FOUND = { message: 'Thumbnail not found' };
const LOCAL_ONLY = { skip: skipWithServices('media are in a bucket, which has no symbolic links') };

async function getMedia(url, method = 'GET') {
  const res = await fetch(url, { method, redirect: 'manual', signal: AbortSignal.timeout(10_000) });
  const body = Buffer.from(await res.arrayBuffer());
  const isJson = /^application\/json\b/.test(res.headers.get('content-type') ?? '') && body.length > 0;
  const json = isJson ? JSON.parse(body) : undefined;
  return { status: res.status, headers: res.headers, body, json };
}

describe('media keys that resolve to a symbolic link', LOCAL_ONLY, () => {
  let server;
  let base;
  let mediaRoot;
  let outsideDir;
  // A track whose files are replaced by links, and one whose files stay real.
  let victim;
  let victimThumbnailKey;
  let bystander;

  before(async () => {
    server = await startServer({ env: { ADMIN_SECRET } });
    base = server.baseUrl;
    mediaRoot = path.join(server.dataDir, 'media');
    outsideDir = path.join(server.dataDir, 'outside');
    mkdirSync(outsideDir);
    const admin = await createAdmin(base, ADMIN_SECRET);
    const upload = async (title) => {
      const res = await uploadTrack(base, admin.token, { title, artist: 'Links', audio: tone('mp3'), thumbnail: image('png') });
      assert.equal(res.status, 201, res.text);
      return res.json.track;
    };
    victim = await upload('Victim');
    // The JSON names the audio's key only; the thumbnail's is the one file stored so far.
    [victimThumbnailKey] = readdirSync(path.join(mediaRoot, 'thumbnails')).map((name) => `thumbnails/${name}`);
    bystander = await upload('Bystander');
  });

  after(async () => {
    await server?.stop();
  });

  // Every way a client reaches the victim's media answers 404 with the contract's message.
  async function assertAllRefused() {
    const audio = await api(base, 'GET', `/api/tracks/${victim._id}/audio`);
    assert.equal(audio.status, 302, audio.text);
    const viaAudio = await getMedia(audio.headers.get('location'));
    assert.equal(viaAudio.status, 404, `audio link: ${viaAudio.body}`);
    assert.deepEqual(viaAudio.json, MEDIA_NOT_FOUND);

    const stream = await api(base, 'GET', `/api/tracks/${victim._id}/stream`);
    assert.equal(stream.status, 200, stream.text);
    const viaStream = await getMedia(stream.json.url);
    assert.equal(viaStream.status, 404, `stream URL: ${viaStream.body}`);
    assert.deepEqual(viaStream.json, MEDIA_NOT_FOUND);
    assert.equal((await getMedia(stream.json.url, 'HEAD')).status, 404, 'HEAD of the stream URL');

    const thumbnail = await getMedia(`${base}/api/tracks/${victim._id}/thumbnail`);
    assert.equal(thumbnail.status, 404, `thumbnail: ${thumbnail.body}`);
    assert.deepEqual(thumbnail.json, THUMBNAIL_NOT_FOUND);
  }

  // The untouched track still plays: what is refused is the link, not the store.
  async function assertBystanderServed() {
    const stream = await api(base, 'GET', `/api/tracks/${bystander._id}/stream`);
    assert.equal((await getMedia(stream.json.url)).status, 200);
    assert.equal((await getMedia(`${base}/api/tracks/${bystander._id}/thumbnail`)).status, 200);
    assert.equal((await api(base, 'GET', '/api/health/ready')).status, 200);
  }

  // Moves the victim's audio and thumbnail files aside (out of the media root), puts links
  // made by makeLink(file, aside) in their place, checks, and puts the files back.
  async function withLinkedFiles(makeLink) {
    const keys = [victim.fileKey, victimThumbnailKey];
    const moved = [];
    try {
      for (const key of keys) {
        const file = path.join(mediaRoot, key);
        const aside = path.join(outsideDir, `real-${randomHex(4)}`);
        renameSync(file, aside);
        moved.push([aside, file]);
        makeLink(file, aside);
      }
      await assertAllRefused();
      await assertBystanderServed();
    } finally {
      for (const [aside, file] of moved) {
        rmSync(file, { force: true });
        renameSync(aside, file);
      }
    }
  }

  it('serves both tracks before any link is planted (the baseline)', async () => {
    const stream = await api(base, 'GET', `/api/tracks/${victim._id}/stream`);
    assert.equal((await getMedia(stream.json.url)).status, 200);
    assert.equal((await getMedia(`${base}/api/tracks/${victim._id}/thumbnail`)).status, 200);
    await assertBystanderServed();
  });

  it('answers 404 when the file is a link to a file outside the media root', async () => {
    await withLinkedFiles((file, aside) => symlinkSync(aside, file));
  });

  it("answers 404 when the file is a link to another track's file inside the media root", async () => {
    const stream = await api(base, 'GET', `/api/tracks/${bystander._id}/stream`);
    const bystanderAudio = decodeURIComponent(new URL(stream.json.url).pathname.slice('/media/'.length));
    await withLinkedFiles((file) => symlinkSync(path.relative(path.dirname(file), path.join(mediaRoot, bystanderAudio)), file));
  });

  it('answers 404 when the file is a dangling link', async () => {
    await withLinkedFiles((file) => symlinkSync(path.join(outsideDir, `gone-${randomHex(4)}`), file));
  });

  for (const [where, target] of [
    ['outside the media root', () => path.join(outsideDir, `dir-${randomHex(4)}`)],
    ['inside the media root', () => path.join(mediaRoot, `dir-${randomHex(4)}`)],
  ]) {
    it(`answers 404 when the key's directory is a link to a copy ${where}`, async () => {
      const dirs = ['audio', 'thumbnails'];
      const moved = [];
      try {
        for (const dir of dirs) {
          const real = path.join(mediaRoot, dir);
          const copy = target();
          renameSync(real, copy);
          moved.push([copy, real]);
          symlinkSync(copy, real);
        }
        await assertAllRefused();
        assert.equal((await api(base, 'GET', '/api/health/ready')).status, 200);
      } finally {
        for (const [copy, real] of moved) {
          rmSync(real, { force: true });
          renameSync(copy, real);
        }
      }
      await assertBystanderServed();
    });
  }
});
