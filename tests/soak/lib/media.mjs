// Upload material for the soak scenarios, made in JavaScript (no ffmpeg): PCM WAV files of
// a sine tone with noise, so that every file's bytes are different, and small RGB PNGs.

import { randomBytes, randomInt } from 'node:crypto';
import { deflateSync } from 'node:zlib';

// A 16-bit PCM WAV of `seconds` at `sampleRate` with `channels` channels: a tone of a random
// pitch plus random noise. Returns {name, mime, bytes}.
export function wavFile({ seconds = 1, sampleRate = 22050, channels = 1, name = 'soak.wav' } = {}) {
  const frames = Math.max(1, Math.round(seconds * sampleRate));
  const dataBytes = frames * channels * 2;
  const bytes = Buffer.alloc(44 + dataBytes);
  bytes.write('RIFF', 0, 'ascii');
  bytes.writeUInt32LE(36 + dataBytes, 4);
  bytes.write('WAVE', 8, 'ascii');
  bytes.write('fmt ', 12, 'ascii');
  bytes.writeUInt32LE(16, 16); // fmt chunk size
  bytes.writeUInt16LE(1, 20); // PCM
  bytes.writeUInt16LE(channels, 22);
  bytes.writeUInt32LE(sampleRate, 24);
  bytes.writeUInt32LE(sampleRate * channels * 2, 28); // byte rate
  bytes.writeUInt16LE(channels * 2, 32); // block align
  bytes.writeUInt16LE(16, 34); // bits per sample
  bytes.write('data', 36, 'ascii');
  bytes.writeUInt32LE(dataBytes, 40);

  const pitch = 220 + randomInt(660);
  const noise = randomBytes(frames);
  let offset = 44;
  for (let i = 0; i < frames; i += 1) {
    const tone = Math.sin((2 * Math.PI * pitch * i) / sampleRate) * 12000;
    const sample = Math.round(tone + (noise[i] - 128) * 8);
    for (let c = 0; c < channels; c += 1) {
      bytes.writeInt16LE(sample, offset);
      offset += 2;
    }
  }
  return { name, mime: 'audio/wav', bytes };
}

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n += 1) {
    let c = n;
    for (let k = 0; k < 8; k += 1) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

function crc32(buffers) {
  let crc = 0xffffffff;
  for (const buf of buffers) {
    for (const byte of buf) crc = CRC_TABLE[(crc ^ byte) & 0xff] ^ (crc >>> 8);
  }
  return (crc ^ 0xffffffff) >>> 0;
}

function pngChunk(type, data) {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const typeBytes = Buffer.from(type, 'ascii');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32([typeBytes, data]));
  return Buffer.concat([length, typeBytes, data, crc]);
}

// A size x size 8-bit RGB PNG of random colour bands. Returns {name, mime, bytes}.
export function pngFile({ size = 16, name = 'cover.png' } = {}) {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header[8] = 8; // bit depth
  header[9] = 2; // colour type: RGB
  // compression, filter and interlace methods stay 0
  const rows = [];
  for (let y = 0; y < size; y += 1) {
    const row = Buffer.alloc(1 + size * 3); // filter byte 0, then the pixels
    const colour = randomBytes(3);
    for (let x = 0; x < size; x += 1) colour.copy(row, 1 + x * 3);
    rows.push(row);
  }
  const bytes = Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', header),
    pngChunk('IDAT', deflateSync(Buffer.concat(rows))),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
  return { name, mime: 'image/png', bytes };
}
