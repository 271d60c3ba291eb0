// Tracks in the soak scenarios: fresh uploads (WAV and PNG made here), byte ranges of the
// signed stream URL checked against what was uploaded, and the server's stored state read
// straight from DATA_DIR: the SQLite file through the sqlite3 command, and the media files
// (a key "audio/<uuid>-name" is the file DATA_DIR/media/audio/<uuid>-name).

import { execFileSync } from 'node:child_process';
import { randomInt } from 'node:crypto';
import path from 'node:path';

import { api } from '../../contract/harness.mjs';
import { pngFile, wavFile } from './media.mjs';

const WORDS = ['amber', 'basalt', 'cobalt', 'dune', 'ember', 'fjord', 'glacier', 'harbor', 'indigo', 'juniper', 'krypton', 'lagoon'];
const ARTISTS = ['Night Owls', 'Quartz Choir', 'Static Bloom', 'Velvet Engine'];

export const searchTerms = [...WORDS, 'owls', 'quartz', 'bloom', 'engine'];

let uploadCounter = 0;

// Fields of a fresh upload: a unique title made of two words, one of a few artists, a WAV of
// `seconds` (random content) and a PNG. Returns {title, artist, audio, thumbnail}.
export function newUpload({ seconds = 0.5 + Math.random() * 2, sampleRate = 22050, tag = 'soak' } = {}) {
  uploadCounter += 1;
  const title = `${WORDS[randomInt(WORDS.length)]} ${WORDS[randomInt(WORDS.length)]} ${tag}-${process.pid}-${uploadCounter}`;
  return {
    title,
    artist: ARTISTS[randomInt(ARTISTS.length)],
    audio: wavFile({ seconds, sampleRate, name: `take ${uploadCounter}.wav` }),
    thumbnail: pngFile({ size: 8 + randomInt(40) }),
  };
}

// A random single range of a body of `size` bytes: closed, open-ended or a suffix.
// Returns {header, start, end} with end inclusive.
export function randomRange(size) {
  const kind = randomInt(4);
  if (kind === 0) {
    const length = 1 + randomInt(Math.min(size, 4096));
    return { header: `bytes=-${length}`, start: size - length, end: size - 1 };
  }
  const start = randomInt(size);
  if (kind === 1) return { header: `bytes=${start}-`, start, end: size - 1 };
  const end = Math.min(size - 1, start + randomInt(64 * 1024));
  return { header: `bytes=${start}-${end}`, start, end };
}

// The signed URL of a track's audio: {status, url}. Throws when the URL is not of this
// server on 127.0.0.1: the soak never talks to another address.
export async function streamUrl(baseUrl, id) {
  const res = await api(baseUrl, 'GET', `/api/tracks/${id}/stream`);
  if (res.status !== 200) return { status: res.status, text: res.text };
  const url = new URL(res.json?.url ?? '', baseUrl);
  if (url.origin !== new URL(baseUrl).origin) throw new Error(`stream URL ${url} is not on ${baseUrl}`);
  return { status: 200, url: url.toString() };
}

// GET url with a Range header (or none). Returns {status, headers, body (Buffer)}.
export async function fetchBytes(url, rangeHeader) {
  const headers = rangeHeader ? { Range: rangeHeader } : {};
  const res = await fetch(url, { headers, redirect: 'manual', signal: AbortSignal.timeout(30_000) });
  return { status: res.status, headers: res.headers, body: Buffer.from(await res.arrayBuffer()) };
}

// What is wrong with a 206 answer to `range` of `expected` (a Buffer), or undefined.
export function rangeProblem(res, range, expected) {
  if (res.status !== 206) return `answered ${res.status} to ${range.header}`;
  const want = `bytes ${range.start}-${range.end}/${expected.length}`;
  if (res.headers.get('content-range') !== want) return `Content-Range ${res.headers.get('content-range')}, expected ${want}`;
  if (!res.body.equals(expected.subarray(range.start, range.end + 1))) return `wrong bytes for ${range.header}`;
  return undefined;
}

// Runs one SQL statement with the sqlite3 command on DATA_DIR/volkrin.db. With json, the rows
// as objects; else the text it printed.
export function sqlite(dataDir, sql, { json = false } = {}) {
  const args = ['-cmd', '.timeout 10000', ...(json ? ['-json'] : []), path.join(dataDir, 'volkrin.db'), sql];
  const out = execFileSync('sqlite3', args, { encoding: 'utf8', timeout: 60_000 });
  if (!json) return out.trim();
  return out.trim() === '' ? [] : JSON.parse(out);
}

// The track rows: [{id, title, file_key, thumbnail_key}].
export const trackRows = (dataDir) => sqlite(dataDir, 'SELECT id, title, file_key, thumbnail_key FROM tracks', { json: true });

export const mediaFile = (dataDir, key) => path.join(dataDir, 'media', key);
