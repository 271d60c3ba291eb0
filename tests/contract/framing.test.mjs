// Contract tests of request framing (RFC 9112 section 6) over raw connections: a request
// whose body length is ambiguous (Transfer-Encoding other than a final chunked, Transfer-
// Encoding in HTTP/1.0 or beside Content-Length, conflicting Content-Length values) or
// whose chunked body is malformed is answered 400 {"message"} with Connection: close, and
// the connection then closes without reading what follows as another request. Chunked
// bodies keep working for JSON and multipart uploads, under the same limits.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import {
  RawConnection,
  assertNothingLeftBehind,
  createAdmin,
  multipartBody,
  newUserFields,
  randomHex,
  readStoredMedia,
  startServer,
  trackState,
  uploadParts,
  uploadRequestBytes,
} from './harness.mjs';
import { image, tone } from './media-samples.mjs';

const JSON_TYPE = 'application/json; charset=utf-8';
const ADMIN_SECRET = `admin-secret-${randomHex(16)}`;

const CHUNKED_NOT_LAST = 'Transfer-Encoding must end with chunked, applied once';
const MALFORMED_CODING = 'Malformed Transfer-Encoding';
const UNSUPPORTED_CODING = 'Only the chunked transfer coding is supported';
const CODING_IN_HTTP10 = 'Transfer-Encoding is not allowed in an HTTP/1.0 request';
const CODING_AND_LENGTH = 'Transfer-Encoding and Content-Length must not both be sent';
const INVALID_LENGTH = 'Invalid Content-Length';
const CONFLICTING_LENGTHS = 'Conflicting Content-Length values';
const MALFORMED_CHUNKS = 'Malformed chunked body';

// A request that must not be answered if it was smuggled inside the body of another one.
const SMUGGLED = 'GET /api/auth/me HTTP/1.1\r\nHost: x\r\n\r\n';

const head = (lines, version = '1.1') =>
  [`POST /api/auth/signup HTTP/${version}`, 'Host: 127.0.0.1', 'Content-Type: application/json', ...lines, '', ''].join('\r\n');

const chunked = (body, size = 7) => {
  let out = '';
  for (let start = 0; start < body.length; start += size) {
    const piece = body.slice(start, start + size);
    out += `${Buffer.byteLength(piece).toString(16)}\r\n${piece}\r\n`;
  }
  return `${out}0\r\n\r\n`;
};

describe('request framing', () => {
  let server;
  before(async () => {
    server = await startServer({ env: { ADMIN_SECRET } });
  });
  after(async () => {
    await server?.stop();
  });

  // Sends `bytes` on a fresh connection and expects exactly one answer, then the close.
  async function onlyAnswer(bytes) {
    const conn = await RawConnection.open(server.port);
    try {
      await conn.write(bytes);
      const res = await conn.readResponse();
      await conn.waitForClose();
      assert.equal(conn.buffer.length, 0, `more came after the answer: ${conn.buffer.toString('latin1').slice(0, 200)}`);
      return res;
    } finally {
      conn.destroy();
    }
  }

  // Exactly one 400 {"message": message} with Connection: close, then the close.
  async function assertRefused(bytes, message, status = 400) {
    const res = await onlyAnswer(bytes);
    assert.equal(res.status, status, res.text);
    assert.equal(res.headers['content-type'], JSON_TYPE);
    assert.deepEqual(res.json, { message });
    assert.equal(res.headers.connection?.toLowerCase(), 'close');
  }

  // A signup over a keep-alive connection: answered 201, and the connection stays usable.
  async function assertSignedUp(bytes, fields) {
    const conn = await RawConnection.open(server.port);
    try {
      await conn.write(bytes);
      const res = await conn.readResponse();
      assert.equal(res.status, 201, res.text);
      assert.equal(res.json.email, fields.email);
      assert.notEqual(res.headers.connection?.toLowerCase(), 'close');
      await conn.write('GET /api/health HTTP/1.1\r\nHost: x\r\n\r\n');
      assert.equal((await conn.readResponse()).status, 200);
    } finally {
      conn.destroy();
    }
  }

  describe('Transfer-Encoding without a final chunked', () => {
    it('answers the request of the smuggling example once and does not run its body', async () => {
      const bytes =
        'POST /api/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n' +
        `Transfer-Encoding: identity\r\n\r\n${SMUGGLED}`;
      await assertRefused(bytes, CHUNKED_NOT_LAST);
    });

    const codings = [
      ['identity', ['Transfer-Encoding: identity']],
      ['gzip', ['Transfer-Encoding: gzip']],
      ['xchunked', ['Transfer-Encoding: xchunked']],
      ['chunked, identity', ['Transfer-Encoding: chunked, identity']],
      ['chunked, chunked', ['Transfer-Encoding: chunked, chunked']],
      ['chunked on two lines', ['Transfer-Encoding: chunked', 'Transfer-Encoding: chunked']],
      ['chunked then identity on two lines', ['Transfer-Encoding: chunked', 'Transfer-Encoding: identity']],
      ['an empty value', ['Transfer-Encoding: ']],
    ];
    for (const [what, lines] of codings) {
      it(`answers 400 to ${what} and reads nothing after it`, async () => {
        await assertRefused(head(lines) + SMUGGLED, CHUNKED_NOT_LAST);
      });
    }

    it('answers 400 to a parameter on chunked (chunked;q=1)', async () => {
      await assertRefused(head(['Transfer-Encoding: chunked;q=1']) + chunked('{}') + SMUGGLED, MALFORMED_CODING);
    });

    it('answers 400 to codings separated by a space instead of a comma', async () => {
      await assertRefused(head(['Transfer-Encoding: gzip chunked']) + SMUGGLED, MALFORMED_CODING);
    });

    it('answers 501 to another coding before chunked (gzip, chunked)', async () => {
      await assertRefused(head(['Transfer-Encoding: gzip, chunked']) + chunked('{}') + SMUGGLED, UNSUPPORTED_CODING, 501);
    });

    it('answers 501 to identity then chunked on two lines', async () => {
      const lines = ['Transfer-Encoding: identity', 'Transfer-Encoding: chunked'];
      await assertRefused(head(lines) + chunked('{}') + SMUGGLED, UNSUPPORTED_CODING, 501);
    });

    it('answers 400 to Transfer-Encoding: chunked in an HTTP/1.0 request', async () => {
      await assertRefused(head(['Transfer-Encoding: chunked'], '1.0') + chunked('{}') + SMUGGLED, CODING_IN_HTTP10);
    });

    it('still answers a 400 whose request is followed by a large body (lingering close)', async () => {
      const bytes = head(['Transfer-Encoding: identity']) + 'x'.repeat(512 * 1024);
      await assertRefused(bytes, CHUNKED_NOT_LAST);
    });
  });

  describe('Transfer-Encoding with Content-Length', () => {
    const orders = [
      ['identity, then Content-Length', ['Transfer-Encoding: identity', 'Content-Length: 2']],
      ['Content-Length, then identity', ['Content-Length: 2', 'Transfer-Encoding: identity']],
      ['chunked, then Content-Length', ['Transfer-Encoding: chunked', 'Content-Length: 2']],
      ['Content-Length, then chunked', ['Content-Length: 2', 'Transfer-Encoding: chunked']],
    ];
    for (const [what, lines] of orders) {
      it(`answers 400 to ${what}`, async () => {
        await assertRefused(head(lines) + `{}${SMUGGLED}`, CODING_AND_LENGTH);
      });
    }
  });

  describe('Content-Length', () => {
    it('answers 400 to two different values on one line', async () => {
      await assertRefused(head(['Content-Length: 2, 3']) + `{}${SMUGGLED}`, CONFLICTING_LENGTHS);
    });

    it('answers 400 to two different values on two lines', async () => {
      await assertRefused(head(['Content-Length: 2', 'Content-Length: 3']) + `{}${SMUGGLED}`, CONFLICTING_LENGTHS);
    });

    for (const value of ['abc', '-1', '+2', '2 2', '', '99999999999999999999999']) {
      it(`answers 400 to Content-Length: ${JSON.stringify(value)}`, async () => {
        await assertRefused(head([`Content-Length: ${value}`]) + `{}${SMUGGLED}`, INVALID_LENGTH);
      });
    }

    it('accepts the same value twice and reads exactly that many bytes', async () => {
      const fields = newUserFields();
      const body = JSON.stringify(fields);
      const length = Buffer.byteLength(body);
      await assertSignedUp(head([`Content-Length: ${length}`, `Content-Length: ${length}, ${length}`]) + body, fields);
    });
  });

  describe('malformed chunked bodies', () => {
    const bodies = [
      ['a chunk size that is not hexadecimal (zz)', 'zz\r\n{}\r\n0\r\n\r\n'],
      ['a chunk size that overflows (ffffffffffffffffff)', 'ffffffffffffffffff\r\n{}\r\n0\r\n\r\n'],
      ['chunk data without its CRLF', '2\r\n{}XX0\r\n\r\n'],
      ['an empty chunk extension (2;)', '2;\r\n{}\r\n0\r\n\r\n'],
      ['a chunk size line with a bare LF', '2\n{}\r\n0\r\n\r\n'],
    ];
    for (const [what, body] of bodies) {
      it(`answers 400 to ${what} and reads nothing after it`, async () => {
        await assertRefused(head(['Transfer-Encoding: chunked']) + body + SMUGGLED, MALFORMED_CHUNKS);
      });
    }

    it('answers 400 to a chunk size that goes bad after good chunks', async () => {
      const good = chunked(JSON.stringify(newUserFields())).replace(/0\r\n\r\n$/, '');
      await assertRefused(head(['Transfer-Encoding: chunked']) + `${good}zz\r\n\r\n${SMUGGLED}`, MALFORMED_CHUNKS);
    });
  });

  describe('chunked bodies that are well formed', () => {
    it('accepts a chunked JSON body and keeps the connection', async () => {
      const fields = newUserFields();
      await assertSignedUp(head(['Transfer-Encoding: chunked']) + chunked(JSON.stringify(fields)), fields);
    });

    it('accepts Chunked in any case, with spaces around it', async () => {
      const fields = newUserFields();
      await assertSignedUp(head(['Transfer-Encoding:   ChUnKeD  ']) + chunked(JSON.stringify(fields)), fields);
    });

    it('accepts chunk extensions and trailer fields', async () => {
      const fields = newUserFields();
      const body = JSON.stringify(fields);
      const bytes = `${head(['Transfer-Encoding: chunked'])}${Buffer.byteLength(body).toString(16)};name=value\r\n${body}\r\n0\r\nX-Trailer: yes\r\n\r\n`;
      await assertSignedUp(bytes, fields);
    });

    it('answers 413 to a chunked JSON body over the 1 MiB limit', async () => {
      const conn = await RawConnection.open(server.port);
      try {
        const piece = 'a'.repeat(64 * 1024);
        let bytes = `${head(['Transfer-Encoding: chunked'])}d\r\n{"padding": "\r\n`;
        for (let i = 0; i < 32; i += 1) bytes += `${piece.length.toString(16)}\r\n${piece}\r\n`;
        conn.write(bytes).catch(() => {});
        const res = await conn.readResponse({ timeoutMs: 10_000 });
        assert.equal(res.status, 413, res.text);
        assert.deepEqual(res.json, { message: 'Request body too large' });
        assert.equal(res.headers.connection?.toLowerCase(), 'close');
      } finally {
        conn.destroy();
      }
    });

    describe('uploads', () => {
      let admin;
      before(async () => {
        admin = await createAdmin(server.baseUrl, ADMIN_SECRET);
      });

      const form = () => ({
        title: `Title ${randomHex(4)}`,
        artist: `Artist ${randomHex(4)}`,
        audio: tone('mp3'),
        thumbnail: image('png'),
      });

      it('stores a chunked multipart upload', async () => {
        const fields = form();
        const { body, contentType } = multipartBody(uploadParts(fields));
        const conn = await RawConnection.open(server.port);
        try {
          await conn.write(uploadRequestBytes({ token: admin.token, body, contentType, chunked: true, chunkSize: 3000 }));
          const res = await conn.readResponse({ timeoutMs: 10_000 });
          assert.equal(res.status, 201, res.text);
          assert.ok((await readStoredMedia(server.dataDir, res.json.track.fileKey))?.equals(fields.audio.bytes));
        } finally {
          conn.destroy();
        }
      });

      it('answers 400 to a chunked upload whose chunks go bad, and keeps nothing of it', async () => {
        const before = await trackState(server.baseUrl, server.dataDir);
        const { body, contentType } = multipartBody(uploadParts(form()));
        // The first half of the body in good chunks, then a size line that is not a number.
        const half = body.subarray(0, Math.floor(body.length / 2));
        const good = uploadRequestBytes({ token: admin.token, body: half, contentType, chunked: true, chunkSize: 3000 });
        const bytes = Buffer.concat([good.subarray(0, good.length - '0\r\n\r\n'.length), Buffer.from(`zz\r\n${SMUGGLED}`)]);
        const res = await onlyAnswer(bytes);
        assert.equal(res.status, 400, res.text);
        assert.deepEqual(res.json, { message: MALFORMED_CHUNKS });
        assert.equal(res.headers.connection?.toLowerCase(), 'close');
        await assertNothingLeftBehind(server.baseUrl, server.dataDir, before);
      });
    });
  });
});
