// Contract tests of the login and sign-up rate limits (429, Retry-After, shared counters).

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { createUser, login, metricValue, newUserFields, randomHex, readMetrics, signup, startServer } from './harness.mjs';

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

describe('login limits per account and per client address', () => {
  let server;
  let locked;
  let others;
  before(async () => {
    server = await startServer({
      env: { RATE_LIMIT_LOGIN_PER_ADDRESS: '9/1m', RATE_LIMIT_LOGIN_PER_ACCOUNT: '3/1m' },
    });
    locked = await createUser(server.baseUrl);
    others = [await createUser(server.baseUrl), await createUser(server.baseUrl)];
  });
  after(() => server?.stop());

  it('locks an account after its limit, whatever the case of its email, without counting failed logins', async () => {
    const before = await failedLogins(server.baseUrl);
    for (let i = 0; i < 3; i += 1) {
      assert.equal((await login(server.baseUrl, locked.email, 'wrong password')).status, 401);
    }
    assert.equal(await failedLogins(server.baseUrl), before + 3);
    // The right password does not help within the window (attempts 4 and 5 from here).
    assertTooMany(await login(server.baseUrl, locked.email, locked.password), 60);
    assertTooMany(await login(server.baseUrl, ` ${locked.email.toUpperCase()} `, 'wrong password'), 60);
    assert.equal(await failedLogins(server.baseUrl), before + 3, 'a 429 counted as a failed login');
  });

  it('leaves other accounts alone until the address reaches its own limit', async () => {
    // Attempts 6 to 9 from this address, two per account.
    for (const other of [...others, ...others]) {
      assert.equal((await login(server.baseUrl, other.email, other.password)).status, 200);
    }
    const before = await failedLogins(server.baseUrl);
    assertTooMany(await login(server.baseUrl, others[0].email, others[0].password), 60);
    assertTooMany(await login(server.baseUrl, `fresh-${randomHex(4)}@example.com`, 'whatever pw'), 60);
    assert.equal(await failedLogins(server.baseUrl), before);
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
      RATE_LIMIT_LOGIN_PER_ADDRESS: '100000/1m',
      RATE_LIMIT_LOGIN_PER_ACCOUNT: '4/1m',
    };
    servers.push(await startServer({ env }), await startServer({ env }));
  });
  after(() => Promise.all(servers.map((s) => s.stop())));

  it('count an account across instances', { skip }, async () => {
    const [a, b] = servers;
    // Each instance has its own database: the account exists only on a, which is fine,
    // since the limit applies before the lookup.
    const user = await createUser(a.baseUrl);
    assert.equal((await login(a.baseUrl, user.email, 'wrong password')).status, 401);
    assert.equal((await login(b.baseUrl, user.email, 'wrong password')).status, 401);
    assert.equal((await login(a.baseUrl, user.email, 'wrong password')).status, 401);
    assert.equal((await login(a.baseUrl, user.email, user.password)).status, 200);
    const before = await failedLogins(b.baseUrl);
    assertTooMany(await login(b.baseUrl, user.email, user.password), 60);
    assertTooMany(await login(a.baseUrl, user.email, user.password), 60);
    assert.equal(await failedLogins(b.baseUrl), before);
  });
});
