// Contract tests of the HTTP conventions every endpoint shares: health, unknown routes,
// request ids, body limits, connection handling, CORS, access log, graceful shutdown and
// configuration errors at start-up.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import {
  api,
  createUser,
  RawConnection,
  rawGet,
  rawPost,
  randomHex,
  runServerUntilExit,
  startServer,
  waitUntilServerHasRead,
} from './harness.mjs';

const JSON_TYPE = 'application/json; charset=utf-8';
const HEALTHY = { status: 'ok', message: 'Volkrin Stream backend healthy ✅' };
const ROUTE_NOT_FOUND = { message: 'Route not found' };
// What a generated request id may look like: printable, no spaces, not absurdly long.
const GENERATED_ID = /^[\x21-\x7e]{1,128}$/;

function assertMessage(res, status, body) {
  assert.equal(res.status, status, res.text);
  assert.deepEqual(res.json, body);
}

// The status with a JSON {message} whose wording is the server's choice.
function assertStatusWithMessage(res, status) {
  assert.equal(res.status, status, res.text);
  assert.equal(typeof res.json?.message, 'string', res.text);
  assert.ok(res.json.message.length > 0, 'the message is empty');
}

const commaList = (value) => (value ?? '').split(',').map((item) => item.trim().toLowerCase());

describe('a server with the default configuration', () => {
  let server;
  let base;
  before(async () => {
    server = await startServer();
    base = server.baseUrl;
  });
  after(async () => {
    await server?.stop();
  });

  describe('GET /api/health', () => {
    it('answers 200 {"status":"ok","message":"Volkrin Stream backend healthy ✅"}', async () => {
      const res = await api(base, 'GET', '/api/health');
      assertMessage(res, 200, HEALTHY);
    });

    it('answers with Content-Type application/json; charset=utf-8', async () => {
      const res = await api(base, 'GET', '/api/health');
      assert.equal(res.headers.get('content-type'), JSON_TYPE);
    });
  });

  describe('unknown routes', () => {
    it('answers 404 "Route not found" to GET /api/nope', async () => {
      assertMessage(await api(base, 'GET', '/api/nope'), 404, ROUTE_NOT_FOUND);
    });

    it('answers 404 "Route not found" to POST /nope', async () => {
      assertMessage(await api(base, 'POST', '/nope', { json: {} }), 404, ROUTE_NOT_FOUND);
    });
  });

  describe('X-Request-Id', () => {
    const requests = [
      ['a 200', 'GET', '/api/health', {}],
      ['a 404', 'GET', '/api/nope', {}],
      ['a 401', 'GET', '/api/auth/me', {}],
      ['a 400', 'POST', '/api/auth/signup', { body: '{', headers: { 'Content-Type': 'application/json' } }],
      ['a 415', 'POST', '/api/auth/signup', { body: 'x', headers: { 'Content-Type': 'text/plain' } }],
    ];
    for (const [what, method, path, options] of requests) {
      it(`is set on ${what} response`, async () => {
        const res = await api(base, method, path, options);
        assert.match(res.headers.get('x-request-id') ?? '', GENERATED_ID);
      });
    }

    it('generates a different id for each request', async () => {
      const first = await api(base, 'GET', '/api/health');
      const second = await api(base, 'GET', '/api/health');
      assert.notEqual(first.headers.get('x-request-id'), second.headers.get('x-request-id'));
    });

    it('echoes a sane incoming id', async () => {
      const res = await api(base, 'GET', '/api/health', { headers: { 'X-Request-Id': 'abc-123' } });
      assert.equal(res.headers.get('x-request-id'), 'abc-123');
    });

    // Each insane id carries the word "marker", which a generated id never does: an id
    // that was trimmed or cleaned up instead of replaced still shows it.
    const assertReplaced = (answered) => {
      assert.ok(!answered.includes('marker'), `the id "${answered}" was not replaced`);
      assert.match(answered, GENERATED_ID);
    };

    it('replaces an incoming id of 300 characters with a generated one', async () => {
      const id = 'long-marker-'.repeat(25);
      const res = await api(base, 'GET', '/api/health', { headers: { 'X-Request-Id': id } });
      assertReplaced(res.headers.get('x-request-id') ?? '');
    });

    it('replaces an incoming id containing a space with a generated one', async () => {
      const res = await api(base, 'GET', '/api/health', { headers: { 'X-Request-Id': 'space marker' } });
      assertReplaced(res.headers.get('x-request-id') ?? '');
    });

    it('replaces an incoming id containing a control character (tab) with a generated one', async () => {
      const conn = await RawConnection.open(server.port);
      try {
        await conn.write(rawGet('/api/health', ['X-Request-Id: tab\tmarker', 'Connection: close']));
        const res = await conn.readResponse();
        assertReplaced(res.headers['x-request-id'] ?? '');
      } finally {
        conn.destroy();
      }
    });
  });

  describe('request bodies', () => {
    it('answers 400 with a message to malformed JSON', async () => {
      const res = await api(base, 'POST', '/api/auth/signup', {
        body: '{"name": "x", "email": ',
        headers: { 'Content-Type': 'application/json' },
      });
      assertStatusWithMessage(res, 400);
    });

    it('answers 415 with a message to a text/plain body', async () => {
      const body = JSON.stringify({ name: 'x', email: `t-${randomHex(4)}@example.com`, password: `pw-${randomHex(8)}` });
      const res = await api(base, 'POST', '/api/auth/signup', { body, headers: { 'Content-Type': 'text/plain' } });
      assertStatusWithMessage(res, 415);
    });

    it('answers 413 with a message to a 2 MiB JSON body', async () => {
      const body = JSON.stringify({
        name: 'Big',
        email: `big-${randomHex(4)}@example.com`,
        password: `pw-${randomHex(8)}`,
        padding: 'a'.repeat(2 * 1024 * 1024),
      });
      let res;
      try {
        res = await api(base, 'POST', '/api/auth/signup', { body, headers: { 'Content-Type': 'application/json' } });
      } catch {
        // The server may close the connection while fetch is still sending the body, and
        // fetch then reports the reset instead of the answer.
        res = await postExpectingContinue(server.port, '/api/auth/signup', body);
      }
      assert.equal(res.status, 413, res.text);
      if (res.complete !== false) assertStatusWithMessage(res, 413);
    });
  });

  describe('connections', () => {
    it('answers two requests sent one after the other on one keep-alive connection', async () => {
      const conn = await RawConnection.open(server.port);
      try {
        for (let i = 0; i < 2; i += 1) {
          await conn.write(rawGet('/api/health'));
          const res = await conn.readResponse();
          assert.equal(res.status, 200);
          assert.deepEqual(res.json, HEALTHY);
        }
      } finally {
        conn.destroy();
      }
    });

    it('answers two pipelined requests in order', async () => {
      const conn = await RawConnection.open(server.port);
      try {
        await conn.write(rawGet('/api/health') + rawGet('/api/nope'));
        assert.equal((await conn.readResponse()).status, 200);
        assert.equal((await conn.readResponse()).status, 404);
      } finally {
        conn.destroy();
      }
    });

    it('answers 431 with a JSON message to a 20,000-character header', async () => {
      const conn = await RawConnection.open(server.port);
      try {
        await conn.write(rawGet('/api/health', [`X-Big: ${'a'.repeat(20_000)}`]));
        const res = await conn.readResponse();
        assert.equal(res.status, 431, res.text);
        assert.equal(res.headers['content-type'], JSON_TYPE);
        assert.equal(typeof res.json?.message, 'string', res.text);
        assert.ok(res.json.message.length > 0);
      } finally {
        conn.destroy();
      }
    });

    it('disconnects a client that drips its headers one byte a second, within 12 s', { timeout: 30_000 }, async () => {
      const conn = await RawConnection.open(server.port);
      const start = performance.now();
      await conn.write('GET /api/health HTTP/1.1\r\nHost: x\r\nX-Slow: ');
      const drip = setInterval(() => {
        conn.write('a').catch(() => {});
      }, 1000);
      try {
        const closedAt = await conn.waitForClose({ timeoutMs: 12_000 });
        const elapsed = closedAt - start;
        assert.ok(elapsed >= 1000, `closed after ${Math.round(elapsed)} ms, before the client was slow`);
      } finally {
        clearInterval(drip);
        conn.destroy();
      }
    });
  });

  describe('CORS when CORS_ORIGINS is unset', () => {
    it('sends no Access-Control-Allow-Origin on a GET with an Origin', async () => {
      const res = await api(base, 'GET', '/api/health', { headers: { Origin: 'http://app.example' } });
      assert.equal(res.headers.get('access-control-allow-origin'), null);
    });

    it('sends no Access-Control-Allow-Origin on a preflight', async () => {
      const res = await api(base, 'OPTIONS', '/api/auth/login', {
        headers: { Origin: 'http://app.example', 'Access-Control-Request-Method': 'POST' },
      });
      assert.equal(res.headers.get('access-control-allow-origin'), null);
    });
  });

  describe('access log', () => {
    it('writes a line with the method, path and status of each request', async () => {
      const accessLines = (output) => output.match(/GET \/api\/health 200\b/g)?.length ?? 0;
      const before = accessLines(server.output());
      await api(base, 'GET', '/api/health');
      await server.waitForOutput((output) => accessLines(output) > before);
    });

    it('never writes a bearer token', async () => {
      const user = await createUser(base);
      const res = await api(base, 'GET', '/api/auth/me', { token: user.token });
      assert.equal(res.status, 200, res.text);
      const output = await server.waitForOutput(/GET \/api\/auth\/me 200\b/);
      const signature = user.token.split('.')[2];
      assert.ok(!output.includes(user.token), 'the output contains the token');
      assert.ok(!output.includes(signature), "the output contains the token's signature");
    });
  });
});

// Posts body as a client honouring "Expect: 100-continue" does: the head first, and the
// body only after "100 Continue", or when nothing came back within a second. A server
// that refuses the announced length can then answer before any body byte is sent, so its
// answer cannot be lost to a connection reset.
async function postExpectingContinue(port, urlPath, body) {
  const conn = await RawConnection.open(port);
  try {
    const head = [
      `POST ${urlPath} HTTP/1.1`,
      'Host: 127.0.0.1',
      'Content-Type: application/json',
      `Content-Length: ${Buffer.byteLength(body)}`,
      'Expect: 100-continue',
      '',
      '',
    ].join('\r\n');
    await conn.write(head);
    await conn.waitForData({ timeoutMs: 1000 });
    // Bytes already on their way are read before deciding.
    await new Promise((resolve) => setImmediate(resolve));
    const finalAnswer = /(^|\r\n)HTTP\/1\.[01] [2-9]\d\d /.test(conn.buffer.toString('latin1'));
    if (!finalAnswer && !conn.closed) conn.write(body).catch(() => {});
    return await conn.readResponse({ timeoutMs: 10_000 });
  } finally {
    conn.destroy();
  }
}

describe('idle keep-alive connections (KEEPALIVE_TIMEOUT=1)', () => {
  let server;
  before(async () => {
    server = await startServer({ env: { KEEPALIVE_TIMEOUT: '1' } });
  });
  after(async () => {
    await server?.stop();
  });

  it('closes a connection left idle after a request within 3 s', async () => {
    const conn = await RawConnection.open(server.port);
    try {
      await conn.write(rawGet('/api/health'));
      const res = await conn.readResponse();
      assert.equal(res.status, 200);
      assert.notEqual(res.headers.connection?.toLowerCase(), 'close', 'the server did not keep the connection alive');
      const idleSince = performance.now();
      const closedAt = await conn.waitForClose({ timeoutMs: 3000 });
      assert.ok(closedAt - idleSince >= 500, `closed ${Math.round(closedAt - idleSince)} ms after the response`);
    } finally {
      conn.destroy();
    }
  });
});

describe('CORS with CORS_ORIGINS=http://app.example,http://localhost:5173', () => {
  const ALLOWED = 'http://app.example';
  let server;
  let base;
  before(async () => {
    server = await startServer({ env: { CORS_ORIGINS: `${ALLOWED},http://localhost:5173` } });
    base = server.baseUrl;
  });
  after(async () => {
    await server?.stop();
  });

  const preflight = (origin, requestHeaders) =>
    api(base, 'OPTIONS', '/api/auth/login', {
      headers: {
        Origin: origin,
        'Access-Control-Request-Method': 'POST',
        ...(requestHeaders ? { 'Access-Control-Request-Headers': requestHeaders } : {}),
      },
    });

  it('answers a preflight from an allowed origin with 204 and Access-Control-Allow-Origin', async () => {
    const res = await preflight(ALLOWED);
    assert.equal(res.status, 204, res.text);
    assert.equal(res.headers.get('access-control-allow-origin'), ALLOWED);
  });

  it('allows POST in a preflight answer', async () => {
    const res = await preflight(ALLOWED);
    assert.ok(commaList(res.headers.get('access-control-allow-methods')).includes('post'));
  });

  it('allows the Authorization and Content-Type headers when they are requested', async () => {
    const res = await preflight(ALLOWED, 'authorization, content-type');
    const allowed = commaList(res.headers.get('access-control-allow-headers'));
    assert.ok(allowed.includes('authorization'), `allowed headers: ${allowed}`);
    assert.ok(allowed.includes('content-type'), `allowed headers: ${allowed}`);
  });

  it('allows every origin of the list', async () => {
    const res = await preflight('http://localhost:5173');
    assert.equal(res.headers.get('access-control-allow-origin'), 'http://localhost:5173');
  });

  it('sends no Access-Control-Allow-Origin to a preflight from another origin', async () => {
    const res = await preflight('http://evil.example');
    assert.equal(res.headers.get('access-control-allow-origin'), null);
  });

  it('adds Access-Control-Allow-Origin and Vary: Origin to a GET from an allowed origin', async () => {
    const res = await api(base, 'GET', '/api/health', { headers: { Origin: ALLOWED } });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('access-control-allow-origin'), ALLOWED);
    assert.ok(commaList(res.headers.get('vary')).includes('origin'), `Vary: ${res.headers.get('vary')}`);
  });

  it('sends no Access-Control-Allow-Origin on a GET from another origin', async () => {
    const res = await api(base, 'GET', '/api/health', { headers: { Origin: 'http://evil.example' } });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('access-control-allow-origin'), null);
  });

  it('never allows credentials (bearer tokens only, no cookies)', async () => {
    const res = await api(base, 'GET', '/api/health', { headers: { Origin: ALLOWED } });
    assert.notEqual(res.headers.get('access-control-allow-credentials'), 'true');
  });
});

describe('CORS with CORS_ORIGINS=*', () => {
  let server;
  before(async () => {
    server = await startServer({ env: { CORS_ORIGINS: '*' } });
  });
  after(async () => {
    await server?.stop();
  });

  it('allows any origin', async () => {
    const origin = `http://${randomHex(4)}.example`;
    const res = await api(server.baseUrl, 'GET', '/api/health', { headers: { Origin: origin } });
    assert.ok(['*', origin].includes(res.headers.get('access-control-allow-origin')));
  });
});

describe('graceful shutdown', () => {
  it('answers a login in flight when SIGTERM arrives', { timeout: 60_000 }, async () => {
    const server = await startServer({ env: { PASSWORD_HASH_COST: 'moderate' } });
    const conn = await RawConnection.open(server.port);
    try {
      const user = await createUser(server.baseUrl);
      // A first request makes sure the connection is accepted and being served.
      await conn.write(rawGet('/api/health'));
      assert.equal((await conn.readResponse()).status, 200);

      await conn.write(rawPost('/api/auth/login', JSON.stringify({ email: user.email, password: user.password })));
      await waitUntilServerHasRead(server.port, conn.localPort);
      server.proc.kill('SIGTERM');

      const res = await conn.readResponse({ timeoutMs: 15_000 });
      assert.ok([200, 401].includes(res.status), `answered ${res.status}: ${res.text}`);
    } finally {
      conn.destroy();
      await server.stop();
    }
  });

  it('exits with code 0 within 5 s of SIGTERM', { timeout: 30_000 }, async () => {
    const server = await startServer();
    try {
      assert.equal((await api(server.baseUrl, 'GET', '/api/health')).status, 200);
      server.proc.kill('SIGTERM');
      const { code, signal } = await server.waitForExit(5000);
      assert.equal(signal, null);
      assert.equal(code, 0);
    } finally {
      await server.kill();
    }
  });
});

describe('configuration errors at start-up', () => {
  const lines = (output) => output.split('\n');

  async function assertRefusesToStart(env) {
    const result = await runServerUntilExit({ env, timeoutMs: 5000 });
    assert.equal(result.signal, null, `ended by ${result.signal}; output:\n${result.output}`);
    assert.notEqual(result.code, 0, `exited with 0; output:\n${result.output}`);
    assert.doesNotMatch(result.output, /listening on/);
    return result.output;
  }

  it('stops with a non-zero exit and a line naming PORT when PORT=abc', async () => {
    const output = await assertRefusesToStart({ PORT: 'abc' });
    assert.ok(lines(output).some((line) => line.includes('PORT')), output);
  });

  it('stops with a non-zero exit and a line naming JWT_SECRET in production without JWT_SECRET', async () => {
    // The default hash cost, so that only the missing secret is wrong.
    const output = await assertRefusesToStart({ APP_ENV: 'production', PASSWORD_HASH_COST: undefined });
    assert.ok(lines(output).some((line) => line.includes('JWT_SECRET')), output);
  });

  it('stops in production on a JWT_SECRET shorter than 32 bytes, naming it but not its value', async () => {
    for (const secret of ['x', `short-${randomHex(12)}`]) {
      const output = await assertRefusesToStart({ APP_ENV: 'production', PASSWORD_HASH_COST: undefined, JWT_SECRET: secret });
      const named = lines(output).filter((line) => line.includes('JWT_SECRET'));
      assert.equal(named.length, 1, output);
      assert.match(named[0], /at least 32 bytes/);
      if (secret.length > 1) assert.ok(!output.includes(secret), `the output contains the secret: ${output}`);
    }
  });

  it('starts in development on a short JWT_SECRET and warns once, without its value', async () => {
    const secret = `short-${randomHex(12)}`;
    const server = await startServer({ env: { JWT_SECRET: secret } });
    try {
      await createUser(server.baseUrl);
      const output = await server.waitForOutput('JWT_SECRET');
      assert.equal(lines(output).filter((line) => line.includes('JWT_SECRET is shorter than 32 bytes')).length, 1, output);
      assert.ok(!output.includes(secret), 'the output contains the secret');
    } finally {
      await server.stop();
    }
  });

  it('stops on MONGO_URI with a line naming it and DATABASE_URL, without its password', async () => {
    const output = await assertRefusesToStart({ MONGO_URI: 'mongodb://user:pw@h/db' });
    assert.ok(lines(output).some((line) => line.includes('MONGO_URI') && line.includes('DATABASE_URL')), output);
    assert.ok(!output.includes('pw@'), 'the output contains the URI password');
    assert.ok(!output.includes('user:pw'), 'the output contains the URI credentials');
  });
});
