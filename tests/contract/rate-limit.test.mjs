// Contract tests of the login and sign-up rate limits (429, Retry-After, shared counters).

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { api, createUser, login, metricValue, newUserFields, randomHex, readMetrics, signup, startServer } from './harness.mjs';

const TOO_MANY = { message: 'Too many requests, please try again later' };

// 429, the contract's body, and a Retry-After of whole seconds within the window.
function assertTooMany(res, windowSeconds) {
  assert.equal(res.status, 429, res.text);
  assert.deepEqual(res.json, TOO_MANY);
  const retryAfter = res.headers.get('retry-after');
  assert.match(retryAfter ?? '', /^\d+$/, `Retry-After: ${retryAfter}`);
  assert.ok(Number(retryAfter) >= 1 && Number(retryAfter) <= windowSeconds, `Retry-After: ${retryAfter}`);
}

async function failedLogins(base) {
  return metricValue(await readMetrics(base), 'volkrin_failed_logins_total');
}

// Resolves once check() is true, polling every 100 ms; fails after timeoutMs.
async function eventually(check, timeoutMs, what) {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('sign-up limit per client address', () => {
  let server;
  before(async () => {
    server = await startServer({ env: { RATE_LIMIT_SIGNUP_PER_ADDRESS: '3/1h' } });
  });
  after(() => server?.stop());

  it('answers 429 after the limit, before creating the user', async () => {
    for (let i = 0; i < 3; i += 1) await createUser(server.baseUrl);
    const refused = newUserFields();
    assertTooMany(await signup(server.baseUrl, refused), 3600);
    // Never created: its credentials do not log in.
    assert.equal((await login(server.baseUrl, refused.email, refused.password)).status, 401);
    // Malformed sign-ups count as well: the limit comes first.
    assertTooMany(await signup(server.baseUrl, {}), 3600);
  });
});

// A login from the given client address: the servers below trust X-Forwarded-For from the
// loopback (TRUST_PROXY), so each address is written in that header. The addresses are
// documentation ones (RFC 5737).
function loginFrom(base, address, email, password) {
  return api(base, 'POST', '/api/auth/login', { json: { email, password }, headers: { 'X-Forwarded-For': address } });
}

let addressCount = 0;
function freshAddress() {
  addressCount += 1;
  return `198.51.100.${addressCount}`;
}

describe('login limits per account and address, and per account', () => {
  let server;
  let base;
  before(async () => {
    server = await startServer({
      env: {
        TRUST_PROXY: '127.0.0.1',
        RATE_LIMIT_LOGIN_PER_ADDRESS: '1000/1m',
        RATE_LIMIT_LOGIN_PER_ACCOUNT_ADDRESS: '3/1m',
        RATE_LIMIT_LOGIN_PER_ACCOUNT: '8/1m',
      },
    });
    base = server.baseUrl;
  });
  after(() => server?.stop());

  it("lets the owner log in from another address however long a stranger keeps guessing from one", async () => {
    const owner = await createUser(base);
    const stranger = freshAddress();
    const before = await failedLogins(base);
    for (let i = 0; i < 3; i += 1) {
      assert.equal((await loginFrom(base, stranger, owner.email, 'wrong password')).status, 401);
    }
    assert.equal(await failedLogins(base), before + 3);
    // Past the limit of its pair, the stranger is refused, whatever the case of the email,
    // and these refusals do not count toward the account's own limit (8).
    for (let i = 0; i < 12; i += 1) {
      assertTooMany(await loginFrom(base, stranger, i % 2 ? owner.email.toUpperCase() : owner.email, 'wrong password'), 60);
    }
    assertTooMany(await loginFrom(base, stranger, owner.email, owner.password), 60);
    assert.equal(await failedLogins(base), before + 3, 'a 429 counted as a failed login');
    const fromHome = await loginFrom(base, freshAddress(), owner.email, owner.password);
    assert.equal(fromHome.status, 200, fromHome.text);
  });

  it('never counts a successful login toward the account limits', async () => {
    const owner = await createUser(base);
    const home = freshAddress();
    for (let i = 0; i < 12; i += 1) {
      const res = await loginFrom(base, home, owner.email, owner.password);
      assert.equal(res.status, 200, `login ${i + 1}: ${res.text}`);
    }
    // The pair's three failures are still all allowed.
    for (let i = 0; i < 3; i += 1) {
      assert.equal((await loginFrom(base, home, owner.email, 'wrong password')).status, 401);
    }
    assertTooMany(await loginFrom(base, home, owner.email, owner.password), 60);
  });

  it('stops a guesser spread over many addresses at the account-wide limit', async () => {
    const owner = await createUser(base);
    for (let i = 0; i < 8; i += 1) {
      assert.equal((await loginFrom(base, freshAddress(), owner.email, 'wrong password')).status, 401, `guess ${i + 1}`);
    }
    assertTooMany(await loginFrom(base, freshAddress(), owner.email, 'wrong password'), 60);
    assertTooMany(await loginFrom(base, freshAddress(), ` ${owner.email.toUpperCase()} `, owner.password), 60);
    // Other accounts are not affected.
    const other = await createUser(base);
    assert.equal((await loginFrom(base, freshAddress(), other.email, other.password)).status, 200);
  });
});

describe('login limit per client address', () => {
  let server;
  before(async () => {
    server = await startServer({ env: { TRUST_PROXY: '127.0.0.1', RATE_LIMIT_LOGIN_PER_ADDRESS: '5/1m' } });
  });
  after(() => server?.stop());

  it('counts every attempt from one address, on any account, and leaves other addresses alone', async () => {
    const users = [await createUser(server.baseUrl), await createUser(server.baseUrl)];
    const address = freshAddress();
    for (let i = 0; i < 5; i += 1) {
      const user = users[i % 2];
      const password = i === 4 ? 'wrong password' : user.password;
      assert.equal((await loginFrom(server.baseUrl, address, user.email, password)).status, i === 4 ? 401 : 200);
    }
    const before = await failedLogins(server.baseUrl);
    assertTooMany(await loginFrom(server.baseUrl, address, users[0].email, users[0].password), 60);
    assertTooMany(await loginFrom(server.baseUrl, address, `fresh-${randomHex(4)}@example.com`, 'whatever pw'), 60);
    assert.equal(await failedLogins(server.baseUrl), before);
    assert.equal((await loginFrom(server.baseUrl, freshAddress(), users[0].email, users[0].password)).status, 200);
  });
});

describe('limit windows', () => {
  let server;
  before(async () => {
    server = await startServer({ env: { RATE_LIMIT_LOGIN_PER_ADDRESS: '1/2s', RATE_LIMIT_SIGNUP_PER_ADDRESS: 'off' } });
  });
  after(() => server?.stop());

  it('allow again once the window has ended', async () => {
    const user = await createUser(server.baseUrl);
    assert.equal((await login(server.baseUrl, user.email, user.password)).status, 200);
    assertTooMany(await login(server.baseUrl, user.email, user.password), 2);
    await eventually(async () => (await login(server.baseUrl, user.email, user.password)).status === 200, 5000, 'a new window');
  });

  it('"off" disables a limit', async () => {
    for (let i = 0; i < 30; i += 1) await createUser(server.baseUrl);
  });
});

describe('limits shared through Redis', () => {
  const redisUrl = process.env.VOLKRIN_TEST_REDIS_URL;
  const required = process.env.VOLKRIN_REQUIRE_SERVICES === '1';
  const skip = !redisUrl && !required ? 'VOLKRIN_TEST_REDIS_URL is not set (scripts/services/redis)' : false;
  const servers = [];
  before(async () => {
    if (skip) return;
    assert.ok(redisUrl, 'VOLKRIN_TEST_REDIS_URL is not set');
    // One key prefix for both servers, fresh for this run.
    const env = {
      REDIS_URL: redisUrl,
      REDIS_KEY_PREFIX: `volkrin-contract-${randomHex(6)}:`,
      TRUST_PROXY: '127.0.0.1',
      RATE_LIMIT_LOGIN_PER_ADDRESS: '100000/1m',
      RATE_LIMIT_LOGIN_PER_ACCOUNT_ADDRESS: '2/1m',
      RATE_LIMIT_LOGIN_PER_ACCOUNT: '4/1m',
    };
    servers.push(await startServer({ env }), await startServer({ env }));
  });
  after(() => Promise.all(servers.map((s) => s.stop())));

  it('count an account, and an account from one address, across instances', { skip }, async () => {
    const [a, b] = servers;
    // Each instance has its own database: the account exists only on a, which is fine,
    // since the limits apply before the lookup.
    const user = await createUser(a.baseUrl);
    const stranger = freshAddress();
    const home = freshAddress();
    assert.equal((await loginFrom(a.baseUrl, stranger, user.email, 'wrong password')).status, 401);
    assert.equal((await loginFrom(b.baseUrl, stranger, user.email, 'wrong password')).status, 401);
    assertTooMany(await loginFrom(a.baseUrl, stranger, user.email, user.password), 60);
    // The owner's success from home is neither refused nor counted.
    assert.equal((await loginFrom(a.baseUrl, home, user.email, user.password)).status, 200);
    // Failures 3 and 4 for the account, from two more addresses: still within its limit.
    assert.equal((await loginFrom(b.baseUrl, freshAddress(), user.email, 'wrong password')).status, 401);
    assert.equal((await loginFrom(a.baseUrl, freshAddress(), user.email, 'wrong password')).status, 401);
    const before = await failedLogins(b.baseUrl);
    assertTooMany(await loginFrom(b.baseUrl, home, user.email, user.password), 60);
    assertTooMany(await loginFrom(a.baseUrl, freshAddress(), user.email, user.password), 60);
    assert.equal(await failedLogins(b.baseUrl), before);
  });
});
