// Test media for the track contract tests, made with ffmpeg once per test process in a
// temporary directory (removed when the process exits): short stereo tones in every audio
// format the contract names, tiny images in every thumbnail format, and files that must
// be refused (random bytes named like an MP3, plain text, an audio file cut short).

import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import { makeTempDir } from './harness.mjs';

const TONE_SECONDS = 2;

// What the server reports for each audio format: the `format` field, the Content-Type of
// the media URL, and the sample rate the file is encoded at.
const AUDIO_FORMATS = {
  mp3: { format: 'mp3', mime: 'audio/mpeg', sampleRate: 44100, args: ['-c:a', 'libmp3lame', '-b:a', '128k'] },
  m4a: { format: 'm4a', mime: 'audio/mp4', sampleRate: 44100, args: ['-c:a', 'aac', '-b:a', '128k'] },
  ogg: { format: 'ogg', mime: 'audio/ogg', sampleRate: 44100, args: ['-c:a', 'libvorbis', '-q:a', '4'] },
  opus: { format: 'opus', mime: 'audio/ogg; codecs=opus', sampleRate: 48000, args: ['-c:a', 'libopus', '-b:a', '96k'] },
  flac: { format: 'flac', mime: 'audio/flac', sampleRate: 44100, args: ['-c:a', 'flac'] },
  wav: { format: 'wav', mime: 'audio/wav', sampleRate: 44100, args: ['-c:a', 'pcm_s16le'] },
};

const IMAGE_FORMATS = {
  png: { mime: 'image/png', args: [] },
  jpg: { mime: 'image/jpeg', args: ['-c:v', 'mjpeg', '-pix_fmt', 'yuvj420p'] },
  gif: { mime: 'image/gif', args: [] },
  webp: { mime: 'image/webp', args: ['-c:v', 'libwebp'] },
};

let workDir;

function sampleDir() {
  if (!workDir) {
    workDir = makeTempDir('volkrin-media-');
    process.on('exit', () => rmSync(workDir, { recursive: true, force: true }));
  }
  return workDir;
}

function ffmpeg(args) {
  execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-nostdin', '-y', ...args], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
}

// A file of the sample directory: {name, path, bytes, ...extra}.
function sampleFile(name, extra = {}) {
  const file = path.join(sampleDir(), name);
  return { name, path: file, bytes: readFileSync(file), ...extra };
}

const toneCache = new Map();

// A stereo 440 Hz tone of the given length in one of the AUDIO_FORMATS, made on first use.
// Returns {name, path, bytes, ext, format, mime, sampleRate, seconds}.
export function tone(ext, seconds = TONE_SECONDS) {
  const cacheKey = `${ext}/${seconds}`;
  if (!toneCache.has(cacheKey)) {
    const spec = AUDIO_FORMATS[ext];
    if (!spec) throw new Error(`no tone format "${ext}"`);
    const name = `tone-${seconds}s.${ext}`;
    ffmpeg([
      '-f', 'lavfi',
      '-i', `sine=frequency=440:sample_rate=${spec.sampleRate}:duration=${seconds}`,
      '-ac', '2',
      '-ar', String(spec.sampleRate),
      ...spec.args,
      path.join(sampleDir(), name),
    ]);
    toneCache.set(cacheKey, sampleFile(name, { ext, format: spec.format, mime: spec.mime, sampleRate: spec.sampleRate, seconds }));
  }
  return toneCache.get(cacheKey);
}

const imageCache = new Map();

// A 32x32 red image in one of the IMAGE_FORMATS. Returns {name, path, bytes, ext, mime}.
export function image(ext) {
  if (!imageCache.has(ext)) {
    const spec = IMAGE_FORMATS[ext];
    if (!spec) throw new Error(`no image format "${ext}"`);
    const name = `cover.${ext}`;
    ffmpeg(['-f', 'lavfi', '-i', 'color=c=red:s=32x32', '-frames:v', '1', ...spec.args, path.join(sampleDir(), name)]);
    imageCache.set(ext, sampleFile(name, { ext, mime: spec.mime }));
  }
  return imageCache.get(ext);
}

let largeImageCache;

// A 512x512 PNG of a detailed test pattern, tens of KiB: for thumbnail size limits.
export function largeImage() {
  if (!largeImageCache) {
    const name = 'large-cover.png';
    ffmpeg(['-f', 'lavfi', '-i', 'testsrc2=s=512x512', '-frames:v', '1', path.join(sampleDir(), name)]);
    largeImageCache = sampleFile(name, { ext: 'png', mime: 'image/png' });
  }
  return largeImageCache;
}

export const audioExtensions = Object.keys(AUDIO_FORMATS);
export const imageExtensions = Object.keys(IMAGE_FORMATS);

let badCache;

// Files that must not pass as audio:
// - randomMp3: 64 KiB of random bytes named song.mp3;
// - text: a plain text file named notes.txt;
// - truncated: the first 4 KiB of an M4A whose index (the moov box) is written after the
//   audio data, so the head still looks like M4A but no audio can be read from it.
export function badSamples() {
  if (!badCache) {
    const dir = sampleDir();
    const random = randomBytes(64 * 1024);
    // Random bytes that happened to start like a frame header could sniff as MPEG audio.
    random[0] = 0x00;
    writeFileSync(path.join(dir, 'song.mp3'), random);
    writeFileSync(path.join(dir, 'notes.txt'), 'These are not the droids you are looking for.\n'.repeat(200));
    writeFileSync(path.join(dir, 'cut-short.m4a'), tone('m4a').bytes.subarray(0, 4096));
    badCache = {
      randomMp3: sampleFile('song.mp3', { mime: 'audio/mpeg' }),
      text: sampleFile('notes.txt', { mime: 'text/plain' }),
      truncated: sampleFile('cut-short.m4a', { mime: 'audio/mp4' }),
    };
  }
  return badCache;
}

// A FLAC PICTURE block (front cover) holding `bytes`, as Vorbis comments carry it in
// METADATA_BLOCK_PICTURE (base64): ffmpeg cannot attach a picture to an Ogg stream.
function flacPictureBlock(bytes, mime) {
  const mimeBytes = Buffer.from(mime);
  const header = Buffer.alloc(8 + mimeBytes.length + 4 + 16 + 4);
  let at = header.writeUInt32BE(3, 0); // front cover
  at = header.writeUInt32BE(mimeBytes.length, at);
  at += mimeBytes.copy(header, at);
  at = header.writeUInt32BE(0, at); // no description
  at = header.writeUInt32BE(32, at); // width
  at = header.writeUInt32BE(32, at); // height
  at = header.writeUInt32BE(24, at); // colour depth
  at = header.writeUInt32BE(0, at); // not indexed
  header.writeUInt32BE(bytes.length, at);
  return Buffer.concat([header, bytes]);
}

let taggedCount = 0;

// A tone in one of the AUDIO_FORMATS carrying `tags` (ffmpeg metadata keys: title, artist,
// album, album_artist, track, disc, date, genre) and, unless `cover` is null, embedded cover
// art: `cover` is {bytes, mime} (default: the PNG of image('png')), stored as is (ID3 APIC,
// FLAC PICTURE, MP4 covr, METADATA_BLOCK_PICTURE for Ogg). WAV gets tags only. `metadataFile`
// (raw ffmetadata bytes) replaces `tags` for values no command line can carry.
// Returns what tone() returns, with a fresh name.
export function taggedTone(ext, tags = {}, { cover, metadataFile, name, seconds = 1 } = {}) {
  const spec = AUDIO_FORMATS[ext];
  if (!spec) throw new Error(`no tone format "${ext}"`);
  const fileName = name ?? `tagged-${++taggedCount}.${ext}`;
  const picture = cover === null || ext === 'wav' ? null : (cover ?? { bytes: image('png').bytes, mime: 'image/png' });
  const args = ['-f', 'lavfi', '-i', `sine=frequency=330:sample_rate=${spec.sampleRate}:duration=${seconds}`];
  const maps = ['-map', '0:a'];
  const isOgg = ext === 'ogg' || ext === 'opus';
  if (picture && !isOgg) {
    const picturePath = path.join(sampleDir(), `${fileName}.picture`);
    writeFileSync(picturePath, picture.bytes);
    args.push('-f', 'image2', '-c:v', picture.mime === 'image/png' ? 'png' : 'mjpeg', '-i', picturePath);
    maps.push('-map', '1:v', '-c:v', 'copy', '-disposition:v', 'attached_pic');
  }
  if (metadataFile) {
    const metadataPath = path.join(sampleDir(), `${fileName}.ffmetadata`);
    writeFileSync(metadataPath, metadataFile);
    args.push('-f', 'ffmetadata', '-i', metadataPath);
    maps.push('-map_metadata', String(picture && !isOgg ? 2 : 1));
  }
  const metadata = [];
  for (const [key, value] of Object.entries(tags)) metadata.push('-metadata', `${key}=${value}`);
  if (picture && isOgg) {
    metadata.push('-metadata', `METADATA_BLOCK_PICTURE=${flacPictureBlock(picture.bytes, picture.mime).toString('base64')}`);
  }
  const formatArgs = ext === 'mp3' ? ['-id3v2_version', '3'] : [];
  ffmpeg([...args, ...maps, '-ac', '2', '-ar', String(spec.sampleRate), ...spec.args, ...formatArgs, ...metadata, path.join(sampleDir(), fileName)]);
  return sampleFile(fileName, { ext, format: spec.format, mime: spec.mime, sampleRate: spec.sampleRate, seconds });
}
