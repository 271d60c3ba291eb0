// Differential test of the SigV4 signer: random requests and presigned URLs signed by ours
// (through build/volkrin_sigv4_tool) and by the AWS SDK's @smithy/signature-v4 must agree
// exactly. VOLKRIN_SIGV4_SEED replays a run; VOLKRIN_SIGV4_TOOL points at another build.

import { Sha256 } from '@aws-crypto/sha256-js';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';

import { repoRoot, skipWithServices } from './harness.mjs';

const CASES = 200;
// No server and no backend: the same run as in the embedded profile.
const skip = skipWithServices('starts no server; the embedded run covers it');

const toolPath = process.env.VOLKRIN_SIGV4_TOOL
  ? path.resolve(process.env.VOLKRIN_SIGV4_TOOL)
  : process.env.VOLKRIN_BIN
    ? path.join(path.dirname(path.resolve(process.env.VOLKRIN_BIN)), 'volkrin_sigv4_tool')
    : path.join(repoRoot, 'build', 'volkrin_sigv4_tool');

// mulberry32: small, seedable, good enough to pick test inputs.
function generator(seed) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (min, max) => min + Math.floor(next() * (max - min + 1));
  const pick = (items) => items[int(0, items.length - 1)];
  const chance = (p) => next() < p;
  return { next, int, pick, chance };
}

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
// Everything S3 keys and query strings may carry that the encoding has to get right.
const KEY_PIECES = [
  ...ALNUM.split(''), ...ALNUM.split(''), ' ', '  ', '!', '$', '&', "'", '(', ')', '*', '+', ',',
  ';', '=', ':', '@', '%', '%20', '~', '_', '-', '.', '?', '#', '[', ']', '{', '}', '"', '<', '>',
  '^', '`', '|', '\\', 'ü', 'Müller', 'é', '日本', 'Ω', '😀', '🎵', '\u00a0', '\u200b',
];
const REGIONS = ['us-east-1', 'eu-west-1', 'eu-central-1', 'ap-southeast-2', 'us-gov-west-1',
  'cn-north-1', 'sa-east-1', 'auto', 'garage'];
const HOSTS = ['examplebucket.s3.amazonaws.com', '127.0.0.1:4568', 's3.eu-west-1.amazonaws.com',
  'media.s3.us-east-1.amazonaws.com', '[::1]:9000', 'minio.internal'];
// Headers the SDK never signs, or sets itself: left out of the random ones.
const RESERVED_HEADERS = new Set(['authorization', 'cache-control', 'connection', 'expect', 'from',
  'keep-alive', 'max-forwards', 'pragma', 'referer', 'te', 'trailer', 'transfer-encoding',
  'upgrade', 'user-agent', 'x-amzn-trace-id', 'date', 'x-amz-date', 'x-amz-content-sha256',
  'x-amz-security-token', 'host']);
const HEADER_NAMES = ['content-type', 'content-md5', 'range', 'if-none-match', 'if-match',
  'x-amz-meta-title', 'x-amz-storage-class', 'x-amz-acl', 'content-disposition', 'x-custom'];

function randomText(rng, min, max, pieces = KEY_PIECES) {
  let out = '';
  const count = rng.int(min, max);
  for (let i = 0; i < count; i += 1) out += rng.pick(pieces);
  return out;
}

function randomCase(rng, name) {
  return name.split('').map((c) => (rng.chance(0.3) ? c.toUpperCase() : c)).join('');
}

// A key segment S3 keeps as is: not empty, not "." or "..".
function randomSegment(rng) {
  for (;;) {
    const segment = randomText(rng, 1, 12).replaceAll('/', '');
    if (segment !== '' && segment !== '.' && segment !== '..') return segment;
  }
}

function randomPath(rng) {
  const segments = [];
  const count = rng.int(1, 4);
  for (let i = 0; i < count; i += 1) segments.push(randomSegment(rng));
  return `/${segments.join('/')}`;
}

// Query parameters as [name, value] pairs (a name may repeat), never X-Amz-*.
function randomQuery(rng) {
  const pairs = [];
  const count = rng.int(0, 4);
  for (let i = 0; i < count; i += 1) {
    let name = rng.chance(0.4) ? rng.pick(['uploads', 'uploadId', 'partNumber', 'prefix',
      'max-keys', 'response-content-type', 'versionId', 'lifecycle']) : randomText(rng, 1, 8);
    if (name.toLowerCase().startsWith('x-amz-') || name === '__proto__') name = `p${name}`;
    const value = rng.chance(0.2) ? '' : randomText(rng, 1, 10);
    pairs.push([name, value]);
    if (rng.chance(0.15)) pairs.push([name, rng.chance(0.3) ? '' : randomText(rng, 1, 6)]);
  }
  return pairs;
}

function randomHeaderValue(rng) {
  const pieces = [...ALNUM.split(''), ' ', '   ', '\t', ' \t ', '"', ',', ';', '=', '/', ':',
    '-', '*', '(', ')'];
  return randomText(rng, 0, 16, pieces);
}

function randomHeaders(rng, { allowAmz }) {
  const headers = [[randomCase(rng, 'host'), rng.pick(HOSTS)]];
  const used = new Set(['host']);
  const count = rng.int(0, 4);
  for (let i = 0; i < count; i += 1) {
    const name = rng.chance(0.7) ? rng.pick(HEADER_NAMES) : `x-${randomText(rng, 1, 8, 'abcdefghijklmnopqrstuvwxyz0123456789-'.split(''))}`;
    if (used.has(name) || RESERVED_HEADERS.has(name)) continue;
    if (!allowAmz && name.startsWith('x-amz-')) continue;
    if (name.startsWith('proxy-') || name.startsWith('sec-')) continue;
    used.add(name);
    headers.push([randomCase(rng, name), randomHeaderValue(rng)]);
  }
  return headers;
}

function randomCase_(rng) {
  const accessKeyId = `AKIA${randomText(rng, 16, 16, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'.split(''))}`;
  const secretAccessKey = randomText(rng, 40, 40, `${ALNUM}/+`.split(''));
  const region = rng.chance(0.8) ? rng.pick(REGIONS) : randomText(rng, 3, 12, 'abcdefghijklmnopqrstuvwxyz0123456789-'.split(''));
  const service = rng.chance(0.9) ? 's3' : rng.pick(['execute-api', 'sts', 'iam']);
  // Any second from 2000 to 2037.
  const time = rng.int(946684800, 2114380800);
  const method = rng.pick(['GET', 'PUT', 'POST', 'DELETE', 'HEAD']);
  return { accessKeyId, secretAccessKey, region, service, time, method, path: randomPath(rng), query: randomQuery(rng) };
}

function queryObject(pairs) {
  const out = {};
  for (const [name, value] of pairs) {
    if (!Object.hasOwn(out, name)) out[name] = value;
    else if (Array.isArray(out[name])) out[name].push(value);
    else out[name] = [out[name], value];
  }
  return out;
}

function sortedQuery(object) {
  return Object.keys(object).sort().map((name) => [name,
    Array.isArray(object[name]) ? [...object[name]].sort() : object[name]]);
}

function sdkRequest(c) {
  return new HttpRequest({
    method: c.method,
    protocol: 'https:',
    hostname: 'example.invalid',
    path: c.path,
    query: queryObject(c.query),
    headers: Object.fromEntries(c.headers),
  });
}

function sdkSigner(c) {
  return new SignatureV4({
    credentials: { accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey },
    region: c.region,
    service: c.service,
    sha256: Sha256,
    uriEscapePath: true,
    applyChecksum: true,
  });
}

function runTool(lines) {
  assert.ok(existsSync(toolPath), `${toolPath} is missing: build the project first`);
  const result = spawnSync(toolPath, [], { input: `${lines.map((l) => JSON.stringify(l)).join('\n')}\n`, encoding: 'utf8', maxBuffer: 64 << 20 });
  assert.equal(result.status, 0, result.stderr);
  const outputs = result.stdout.trim().split('\n').map((l) => JSON.parse(l));
  assert.equal(outputs.length, lines.length);
  return outputs;
}

// The path and query of a request target, decoded back.
function decodeTarget(target) {
  const question = target.indexOf('?');
  const rawPath = question < 0 ? target : target.slice(0, question);
  const rawQuery = question < 0 ? '' : target.slice(question + 1);
  const query = rawQuery === '' ? [] : rawQuery.split('&').map((part) => {
    const equals = part.indexOf('=');
    return equals < 0
      ? [decodeURIComponent(part), '']
      : [decodeURIComponent(part.slice(0, equals)), decodeURIComponent(part.slice(equals + 1))];
  });
  return { path: decodeURIComponent(rawPath), query };
}

const seed = Number(process.env.VOLKRIN_SIGV4_SEED ?? Math.floor(Math.random() * 2 ** 32));

test(`Authorization headers match the AWS SDK's on ${CASES} random requests (seed ${seed})`, { skip }, async () => {
  const rng = generator(seed);
  const cases = [];
  for (let i = 0; i < CASES; i += 1) {
    const c = randomCase_(rng);
    c.headers = randomHeaders(rng, { allowAmz: true });
    c.payloadHash = rng.pick([
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
      'UNSIGNED-PAYLOAD',
      randomText(rng, 64, 64, '0123456789abcdef'.split('')),
    ]);
    cases.push(c);
  }
  const outputs = runTool(cases.map((c, id) => ({ id, kind: 'sign', ...c })));
  for (const [id, c] of cases.entries()) {
    const ours = outputs[id];
    assert.equal(ours.error, undefined, `case ${id}: ${ours.error}`);
    const request = sdkRequest({ ...c, headers: [...c.headers, ['x-amz-content-sha256', c.payloadHash]] });
    const signed = await sdkSigner(c).sign(request, { signingDate: new Date(c.time * 1000) });
    assert.equal(ours.authorization, signed.headers.authorization,
      `case ${id} (seed ${seed}): ${JSON.stringify(c)}`);
    const decoded = decodeTarget(ours.target);
    assert.equal(decoded.path, c.path, `case ${id}: the target's path`);
    assert.deepEqual(sortedQuery(queryObject(decoded.query)), sortedQuery(queryObject(c.query)),
      `case ${id}: the target's query`);
  }
});

test(`Presigned URLs match the AWS SDK's on ${CASES} random requests (seed ${seed})`, { skip }, async () => {
  const rng = generator(seed ^ 0x5bd1e995);
  const cases = [];
  for (let i = 0; i < CASES; i += 1) {
    const c = randomCase_(rng);
    c.method = rng.chance(0.8) ? 'GET' : c.method;
    c.headers = rng.chance(0.7) ? [[randomCase(rng, 'host'), rng.pick(HOSTS)]] : randomHeaders(rng, { allowAmz: false });
    c.expires = rng.chance(0.2) ? rng.pick([1, 604800]) : rng.int(1, 604800);
    cases.push(c);
  }
  const outputs = runTool(cases.map((c, id) => ({ id, kind: 'presign', ...c })));
  for (const [id, c] of cases.entries()) {
    const ours = outputs[id];
    assert.equal(ours.error, undefined, `case ${id}: ${ours.error}`);
    // As the SDK's S3 presigner does: the payload is unsigned and that header stays out.
    const request = sdkRequest({ ...c, headers: [...c.headers, ['x-amz-content-sha256', 'UNSIGNED-PAYLOAD']] });
    const presigned = await sdkSigner(c).presign(request, {
      signingDate: new Date(c.time * 1000),
      expiresIn: c.expires,
      unsignableHeaders: new Set(['x-amz-content-sha256']),
      unhoistableHeaders: new Set(['x-amz-content-sha256']),
    });
    const what = `case ${id} (seed ${seed}): ${JSON.stringify(c)}`;
    const oursQuery = queryObject(ours.query);
    assert.equal(oursQuery['X-Amz-Signature'], presigned.query['X-Amz-Signature'], what);
    assert.deepEqual(sortedQuery(oursQuery), sortedQuery(presigned.query), what);
    assert.deepEqual(sortedQuery(queryObject(decodeTarget(ours.target).query)), sortedQuery(oursQuery), what);
  }
});

test('the published presigned example comes out of both signers alike', { skip }, async () => {
  const c = {
    accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
    region: 'us-east-1', service: 's3', method: 'GET', path: '/test.txt', query: [],
    headers: [['Host', 'examplebucket.s3.amazonaws.com']], time: 1369353600, expires: 86400,
  };
  const [ours] = runTool([{ id: 0, kind: 'presign', ...c }]);
  assert.equal(queryObject(ours.query)['X-Amz-Signature'],
    'aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404');
  const presigned = await sdkSigner(c).presign(
    sdkRequest({ ...c, headers: [...c.headers, ['x-amz-content-sha256', 'UNSIGNED-PAYLOAD']] }),
    { signingDate: new Date(c.time * 1000), expiresIn: c.expires,
      unsignableHeaders: new Set(['x-amz-content-sha256']), unhoistableHeaders: new Set(['x-amz-content-sha256']) });
  assert.equal(presigned.query['X-Amz-Signature'], queryObject(ours.query)['X-Amz-Signature']);
});
