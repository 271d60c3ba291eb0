// Contract tests of the Auth section: signup, login, /me, the admin user list and user
// deletion, the JWT format shared with the original backend, and the auth counters.

import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { after, before, describe, it } from 'node:test';

import {
  api,
  createAdmin,
  createUser,
  expiredToken,
  login,
  metricValue,
  newUserFields,
  originalStyleToken,
  randomHex,
  readMetrics,
  signJwt,
  signup,
  startServer,
  unsignedToken,
} from './harness.mjs';

const JWT_SECRET = `jwt-secret-${randomHex(32)}`;
const ADMIN_SECRET = `admin-secret-${randomHex(16)}`;

const OBJECT_ID = /^[0-9a-f]{24}$/;
const ISO_MILLIS_UTC = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
const SEVEN_DAYS = 7 * 24 * 3600;

const NO_TOKEN = { message: 'No token, authorization denied' };
const TOKEN_FAILED = { message: 'Not authorized, token failed' };
const ADMINS_ONLY = { message: 'Access denied. Admins only.' };
const USER_NOT_FOUND = { message: 'User not found' };
const INVALID_LOGIN = { message: 'Invalid email or password' };

const sortedKeys = (object) => Object.keys(object).sort();
// Signup and login answer the user, with mongoose's version key as every user object of the
// original carries it, and the token.
const SESSION_FIELDS = ['__v', '_id', 'email', 'name', 'role', 'token'];

// Fails when any key, at any depth, looks like a password or a hash, or when a value is
// an Argon2/bcrypt hash.
function assertNoPasswordFields(value, where) {
  if (Array.isArray(value)) {
    value.forEach((item) => assertNoPasswordFields(item, where));
  } else if (value !== null && typeof value === 'object') {
    for (const [key, inner] of Object.entries(value)) {
      assert.doesNotMatch(key, /pass|hash|salt/i, `${where} has a field "${key}"`);
      assertNoPasswordFields(inner, where);
    }
  } else if (typeof value === 'string') {
    assert.doesNotMatch(value, /^\$(argon2|2[aby]\$)/, `${where} carries a password hash`);
  }
}

function assertMessage(res, status, body) {
  assert.equal(res.status, status, res.text);
  assert.deepEqual(res.json, body);
}

// 400 with a message whose wording is the server's choice.
function assertBadRequest(res) {
  assert.equal(res.status, 400, res.text);
  assert.equal(typeof res.json?.message, 'string', res.text);
  assert.ok(res.json.message.length > 0, 'the message is empty');
}

function decodeJwtPart(token, index) {
  return JSON.parse(Buffer.from(token.split('.')[index], 'base64url').toString('utf8'));
}

// An email of exactly `length` characters: a 64-character local part and DNS-valid labels.
function emailOfLength(length) {
  const local = `u${randomHex(6)}`.padEnd(64, 'a');
  let remaining = length - local.length - 1 - '.com'.length + 1;
  const labels = [];
  while (remaining > 64) {
    labels.push('d'.repeat(63));
    remaining -= 64;
  }
  labels.push('d'.repeat(remaining - 1));
  const email = `${local}@${labels.join('.')}.com`;
  assert.equal(email.length, length);
  return email;
}

describe('auth', () => {
  let server;
  let base;
  let admin;
  // Every secret a test sends or receives, with a label: none may reach the server's output.
  const secrets = new Map([
    [JWT_SECRET, 'JWT_SECRET'],
    [ADMIN_SECRET, 'ADMIN_SECRET'],
  ]);
  const remember = (value, label) => {
    if (typeof value === 'string' && value.length > 0) secrets.set(value, label);
  };

  // Signup and login through the harness, recording the passwords sent and the tokens received.
  async function signUp(fields) {
    remember(fields.password, 'a password sent to signup');
    const res = await signup(base, fields);
    remember(res.json?.token, 'a token returned by signup');
    return res;
  }
  async function logIn(email, password) {
    remember(password, 'a password sent to login');
    const res = await login(base, email, password);
    remember(res.json?.token, 'a token returned by login');
    return res;
  }
  async function newUser(overrides = {}) {
    const user = await createUser(base, overrides);
    remember(user.password, 'a password sent to signup');
    remember(user.token, 'a token returned by signup');
    return user;
  }
  const me = (token) => api(base, 'GET', '/api/auth/me', { token });
  const listUsers = (token) => api(base, 'GET', '/api/auth/users', { token });
  const deleteUser = (id, token) => api(base, 'DELETE', `/api/auth/users/${id}`, { token });
  const forged = (token) => {
    remember(token, 'a forged token');
    return token;
  };

  before(async () => {
    server = await startServer({ env: { JWT_SECRET, ADMIN_SECRET } });
    base = server.baseUrl;
    admin = await createAdmin(base, ADMIN_SECRET);
    remember(admin.password, 'the admin password');
    remember(admin.token, 'the admin token');
  });

  after(async () => {
    await server?.stop();
  });

  describe('POST /api/auth/signup', () => {
    it('answers 201 with _id, name, email, role "user", __v 0 and a token', async () => {
      const fields = newUserFields();
      const res = await signUp(fields);
      assert.equal(res.status, 201, res.text);
      assert.deepEqual(sortedKeys(res.json), SESSION_FIELDS);
      assert.equal(res.json.__v, 0);
      assert.match(res.json._id, OBJECT_ID);
      assert.equal(res.json.name, fields.name);
      assert.equal(res.json.email, fields.email);
      assert.equal(res.json.role, 'user');
      assert.match(res.json.token, /^[\w-]+\.[\w-]+\.[\w-]+$/);
    });

    it('answers with JSON', async () => {
      const res = await signUp(newUserFields());
      assert.equal(res.headers.get('content-type'), 'application/json; charset=utf-8');
    });

    it('gives an _id whose first 4 bytes are the creation time in seconds', async () => {
      const user = await newUser();
      const seconds = parseInt(user._id.slice(0, 8), 16);
      assert.ok(Math.abs(seconds - Date.now() / 1000) < 300, `_id ${user._id} does not start with the current time`);
    });

    it('returns a token that /api/auth/me accepts, answering exactly _id, name, email, role, __v', async () => {
      const user = await newUser();
      const res = await me(user.token);
      assert.equal(res.status, 200, res.text);
      assert.deepEqual(res.json, { _id: user._id, name: user.name, email: user.email, role: 'user', __v: 0 });
    });

    it('signs tokens with JWT_SECRET as the original did: HS256, {id, role, iat, exp}, 7 days', async () => {
      const user = await newUser();
      const [header, payload, signature] = user.token.split('.');
      assert.equal(decodeJwtPart(user.token, 0).alg, 'HS256');
      const claims = decodeJwtPart(user.token, 1);
      assert.equal(claims.id, user._id);
      assert.equal(claims.role, 'user');
      assert.equal(claims.exp - claims.iat, SEVEN_DAYS);
      assert.ok(Math.abs(claims.iat - Date.now() / 1000) < 300, 'iat is not the current time');
      const expected = createHmac('sha256', JWT_SECRET).update(`${header}.${payload}`).digest('base64url');
      assert.equal(signature, expected);
    });

    it('never returns a password or a hash, in signup, login, /me or the user list', async () => {
      const fields = newUserFields();
      const bodies = {
        signup: (await signUp(fields)).json,
        login: (await logIn(fields.email, fields.password)).json,
        me: (await me(admin.token)).json,
        users: (await listUsers(admin.token)).json,
      };
      for (const [where, body] of Object.entries(bodies)) {
        assertNoPasswordFields(body, where);
        assert.ok(!JSON.stringify(body).includes(fields.password), `${where} echoes the password`);
      }
    });

    it('trims the email and stores it lower-cased', async () => {
      const tag = randomHex(4);
      const res = await signUp(newUserFields({ email: ` Alice.${tag}@Example.COM ` }));
      assert.equal(res.status, 201, res.text);
      assert.equal(res.json.email, `alice.${tag}@example.com`);
    });

    it('answers 400 "User already exists" for an email already taken in another case', async () => {
      const tag = randomHex(4);
      await newUser({ email: ` Alice.${tag}@Example.COM ` });
      const res = await signUp(newUserFields({ email: `ALICE.${tag}@example.com` }));
      assertMessage(res, 400, { message: 'User already exists' });
    });
  });

  describe('signup validation', () => {
    const withoutField = (field) => (fields) => {
      const { [field]: _omitted, ...rest } = fields;
      return rest;
    };
    const withField = (field, value) => (fields) => ({ ...fields, [field]: value });

    const invalid = [
      ['the body is a JSON array', () => []],
      ['name is missing', withoutField('name')],
      ['email is missing', withoutField('email')],
      ['password is missing', withoutField('password')],
    ];
    const wrongTypes = [
      ['a number', 42],
      ['null', null],
      ['an array', ['x@example.com']],
      ['an object', { value: 'x@example.com' }],
    ];
    for (const field of ['name', 'email', 'password']) {
      for (const [label, value] of wrongTypes) invalid.push([`${field} is ${label}`, withField(field, value)]);
    }
    invalid.push(
      ['name is empty', withField('name', '')],
      ['name has 101 characters', withField('name', 'n'.repeat(101))],
      ['email has no @', (fields) => ({ ...fields, email: fields.email.replace('@', '.') })],
      ['email has two @', (fields) => ({ ...fields, email: fields.email.replace('@', '@a@') })],
      ['email has 255 characters', withField('email', emailOfLength(255))],
      ['password has 7 characters', withField('password', `Pw!${randomHex(2)}`)],
      ['password has 1025 bytes', withField('password', `pw-${randomHex(512)}`.slice(0, 1025))],
      ['password has 1026 bytes in 342 characters', withField('password', '€'.repeat(342))],
      ['name is not valid UTF-8 (a lone surrogate escaped in JSON)', withField('name', 'Ada \ud800')],
    );
    for (const [label, character] of [
      ['a NUL', '\u0000'],
      ['a tab', '\t'],
      ['a line feed', '\n'],
      ['DEL', '\u007f'],
      ['a C1 control (NEL)', '\u0085'],
      ['a line separator', '\u2028'],
    ]) {
      invalid.push([`name holds ${label} inside`, withField('name', `Ada${character}Lovelace`)]);
    }

    for (const [what, makeBody] of invalid) {
      it(`answers 400 with a message when ${what}`, async () => {
        assertBadRequest(await signUp(makeBody(newUserFields())));
      });
    }

    // Each would make a second account of an address that looks the same as another.
    for (const [label, character] of [
      ['a zero-width space U+200B', '\u200b'],
      ['a zero-width non-joiner U+200C', '\u200c'],
      ['a zero-width joiner U+200D', '\u200d'],
      ['a left-to-right mark U+200E', '\u200e'],
      ['a right-to-left mark U+200F', '\u200f'],
      ['a word joiner U+2060', '\u2060'],
      ['an invisible plus U+2064', '\u2064'],
      ['a byte order mark U+FEFF', '\ufeff'],
      ['a soft hyphen U+00AD', '\u00ad'],
      ['a Mongolian vowel separator U+180E', '\u180e'],
      ['a right-to-left override U+202E', '\u202e'],
      ['a left-to-right embedding U+202A', '\u202a'],
      ['a first strong isolate U+2068', '\u2068'],
      ['a pop directional isolate U+2069', '\u2069'],
      ['an Arabic letter mark U+061C', '\u061c'],
      ['a tag character U+E0041', '\u{e0041}'],
      ['a variation selector U+FE0F', '\ufe0f'],
      ['a Hangul filler U+3164', '\u3164'],
      ['a no-break space U+00A0', '\u00a0'],
      ['an ideographic space U+3000', '\u3000'],
      ['a NUL', '\u0000'],
      ['a tab', '\t'],
      ['DEL', '\u007f'],
      ['a C1 control U+0085', '\u0085'],
    ]) {
      it(`answers 400 "Email must not contain invisible or control characters" to an email with ${label}, and creates nothing`, async () => {
        const fields = newUserFields();
        const [local, domain] = fields.email.split('@');
        const res = await signUp({ ...fields, email: `${local.slice(0, 3)}${character}${local.slice(3)}@${domain}` });
        assertMessage(res, 400, { message: 'Email must not contain invisible or control characters' });
        assert.equal((await signUp(fields)).status, 201, 'the plain address was taken by the refused signup');
      });
    }

    it('creates nothing when a signup is refused', async () => {
      const fields = newUserFields();
      assertBadRequest(await signUp({ ...fields, password: `Pw!${randomHex(2)}` }));
      const res = await signUp(fields);
      assert.equal(res.status, 201, res.text);
    });

    const accepted = [
      ['a name of 100 characters', () => ({ name: 'n'.repeat(100) })],
      ['a password of exactly 8 characters', () => ({ password: `p${randomHex(4)}`.slice(0, 8) })],
      ['a password of exactly 1024 bytes', () => ({ password: `pw-${randomHex(512)}`.slice(0, 1024) })],
      ['an email of 254 characters', () => ({ email: emailOfLength(254) })],
      ['a name with emoji, a zero-width joiner sequence and combining accents', () => ({ name: `Zoë 👩‍🎤 Noe\u0308l ${randomHex(2)}` })],
      ['a name in Arabic script with its marks', () => ({ name: `لينا ${randomHex(2)}` })],
    ];
    for (const [what, makeOverrides] of accepted) {
      it(`accepts ${what}`, async () => {
        const fields = newUserFields(makeOverrides());
        const res = await signUp(fields);
        assert.equal(res.status, 201, res.text);
        assert.equal(res.json.name, fields.name);
        assert.equal((await logIn(fields.email, fields.password)).status, 200);
      });
    }
  });

  describe('admin signup (server with ADMIN_SECRET)', () => {
    it('grants role "admin" when adminSecret equals ADMIN_SECRET', async () => {
      const res = await signUp(newUserFields({ role: 'admin', adminSecret: ADMIN_SECRET }));
      assert.equal(res.status, 201, res.text);
      assert.equal(res.json.role, 'admin');
      assert.equal((await me(res.json.token)).json.role, 'admin');
    });

    it('creates a plain user (201, role "user") when adminSecret is wrong', async () => {
      const res = await signUp(newUserFields({ role: 'admin', adminSecret: `${ADMIN_SECRET}x` }));
      assert.equal(res.status, 201, res.text);
      assert.equal(res.json.role, 'user');
    });

    it('creates a plain user (201, role "user") when adminSecret is missing', async () => {
      const res = await signUp(newUserFields({ role: 'admin' }));
      assert.equal(res.status, 201, res.text);
      assert.equal(res.json.role, 'user');
    });
  });

  describe('POST /api/auth/login', () => {
    it('answers 200 with _id, name, email, role, __v and a working token for the right password', async () => {
      const user = await newUser();
      const res = await logIn(user.email, user.password);
      assert.equal(res.status, 200, res.text);
      assert.deepEqual(sortedKeys(res.json), SESSION_FIELDS);
      assert.deepEqual(
        { _id: res.json._id, name: res.json.name, email: res.json.email, role: res.json.role, __v: res.json.__v },
        { _id: user._id, name: user.name, email: user.email, role: 'user', __v: 0 },
      );
      assert.equal((await me(res.json.token)).status, 200);
    });

    it('matches the email case-insensitively', async () => {
      const user = await newUser();
      const res = await logIn(user.email.toUpperCase(), user.password);
      assert.equal(res.status, 200, res.text);
      assert.equal(res.json._id, user._id);
    });

    it('trims the email', async () => {
      const user = await newUser();
      const res = await logIn(`  ${user.email} `, user.password);
      assert.equal(res.status, 200, res.text);
      assert.equal(res.json._id, user._id);
    });

    it('answers 401 "Invalid email or password" for a wrong password', async () => {
      const user = await newUser();
      assertMessage(await logIn(user.email, `${user.password}x`), 401, INVALID_LOGIN);
    });

    it('answers 401 with the same body for an unknown email', async () => {
      const res = await logIn(`nobody-${randomHex(4)}@example.com`, `pw-${randomHex(12)}`);
      assertMessage(res, 401, INVALID_LOGIN);
    });

    // As the original answers an empty body; each one is a failed login.
    const withoutCredentials = [
      ['an empty body {}', () => ({})],
      ['no body at all', undefined],
      ['no email', (user) => ({ password: user.password })],
      ['no password', (user) => ({ email: user.email })],
      ['a null email', (user) => ({ email: null, password: user.password })],
      ['a numeric password', (user) => ({ email: user.email, password: 12345678 })],
      ['an email in an array', (user) => ({ email: [user.email], password: user.password })],
      ['a password in an object', (user) => ({ email: user.email, password: { value: user.password } })],
      ['an empty email and password', () => ({ email: '', password: '' })],
    ];
    for (const [what, makeBody] of withoutCredentials) {
      it(`answers 401 "Invalid email or password" and counts a failed login for ${what}`, async () => {
        const user = await newUser();
        const before = metricValue(await readMetrics(base), 'volkrin_failed_logins_total');
        const res = makeBody === undefined
          ? await api(base, 'POST', '/api/auth/login')
          : await api(base, 'POST', '/api/auth/login', { json: makeBody(user) });
        assertMessage(res, 401, INVALID_LOGIN);
        assert.equal(metricValue(await readMetrics(base), 'volkrin_failed_logins_total'), before + 1);
      });
    }

    it('answers 401 to an email with an invisible character, even when the rest is an account\'s', async () => {
      const user = await newUser();
      const [local, domain] = user.email.split('@');
      assertMessage(await logIn(`${local}\u200b@${domain}`, user.password), 401, INVALID_LOGIN);
    });
  });

  describe('GET /api/auth/me', () => {
    let user;
    before(async () => {
      user = await newUser();
    });

    it('answers 401 "No token, authorization denied" without an Authorization header', async () => {
      assertMessage(await me(undefined), 401, NO_TOKEN);
    });

    it('answers 401 "No token, authorization denied" for a Basic Authorization header', async () => {
      const res = await api(base, 'GET', '/api/auth/me', { headers: { Authorization: 'Basic xyz' } });
      assertMessage(res, 401, NO_TOKEN);
    });

    it('answers 401 "Not authorized, token failed" for a token that is not a JWT', async () => {
      assertMessage(await me('garbage'), 401, TOKEN_FAILED);
    });

    it('rejects a token signed with another secret', async () => {
      const token = forged(originalStyleToken({ id: user._id, role: 'user' }, `not-${JWT_SECRET}`));
      assertMessage(await me(token), 401, TOKEN_FAILED);
    });

    it('rejects a token whose payload was changed after signing', async () => {
      const [header, , signature] = user.token.split('.');
      const claims = { ...JSON.parse(Buffer.from(user.token.split('.')[1], 'base64url')), role: 'admin' };
      const token = forged(`${header}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${signature}`);
      assertMessage(await me(token), 401, TOKEN_FAILED);
    });

    it('rejects an unsigned token (alg "none")', async () => {
      const iat = Math.floor(Date.now() / 1000);
      const token = forged(unsignedToken({ id: user._id, role: 'user', iat, exp: iat + 3600 }));
      assertMessage(await me(token), 401, TOKEN_FAILED);
    });

    it('rejects an HS512 token even when signed with the server secret', async () => {
      const iat = Math.floor(Date.now() / 1000);
      const token = forged(signJwt({ id: user._id, role: 'user', iat, exp: iat + 3600 }, JWT_SECRET, { alg: 'HS512' }));
      assertMessage(await me(token), 401, TOKEN_FAILED);
    });

    it('rejects an expired token', async () => {
      const token = forged(expiredToken({ id: user._id, role: 'user' }, JWT_SECRET));
      assertMessage(await me(token), 401, TOKEN_FAILED);
    });

    it('rejects a well-signed token whose id is not an ObjectId', async () => {
      const token = forged(originalStyleToken({ id: 'not-a-hex-id', role: 'user' }, JWT_SECRET));
      assertMessage(await me(token), 401, TOKEN_FAILED);
    });

    it('rejects a well-signed token for an id no user has', async () => {
      const token = forged(originalStyleToken({ id: `ffffffff${randomHex(8)}`, role: 'user' }, JWT_SECRET));
      assertMessage(await me(token), 401, TOKEN_FAILED);
    });

    it("accepts a token signed with JWT_SECRET in jsonwebtoken's format, as the original signed them", async () => {
      const token = forged(originalStyleToken({ id: user._id, role: 'user' }, JWT_SECRET, { iat: Math.floor(Date.now() / 1000) - 60 }));
      const res = await me(token);
      assert.equal(res.status, 200, res.text);
      assert.deepEqual(res.json, { _id: user._id, name: user.name, email: user.email, role: 'user', __v: 0 });
    });
  });

  describe('GET /api/auth/users', () => {
    it('answers 401 "No token, authorization denied" without a token', async () => {
      assertMessage(await listUsers(undefined), 401, NO_TOKEN);
    });

    it('answers 403 "Access denied. Admins only." to a user', async () => {
      const user = await newUser();
      assertMessage(await listUsers(user.token), 403, ADMINS_ONLY);
    });

    it('answers 200 with every user as exactly {_id, name, email, role, createdAt, updatedAt, __v}', async () => {
      const user = await newUser();
      const res = await listUsers(admin.token);
      assert.equal(res.status, 200, res.text);
      assert.ok(Array.isArray(res.json), 'the body is not an array');
      for (const entry of res.json) {
        assert.deepEqual(sortedKeys(entry), ['__v', '_id', 'createdAt', 'email', 'name', 'role', 'updatedAt']);
        assert.equal(entry.__v, 0);
      }
      const byEmail = new Map(res.json.map((entry) => [entry.email, entry]));
      assert.deepEqual(
        { ...byEmail.get(user.email), createdAt: undefined, updatedAt: undefined },
        { _id: user._id, name: user.name, email: user.email, role: 'user', createdAt: undefined, updatedAt: undefined, __v: 0 },
      );
      assert.equal(byEmail.get(admin.email)?.role, 'admin');
    });

    it('gives createdAt and updatedAt in ISO-8601 UTC with milliseconds', async () => {
      await newUser();
      const res = await listUsers(admin.token);
      assert.equal(res.status, 200, res.text);
      for (const entry of res.json) {
        assert.match(entry.createdAt, ISO_MILLIS_UTC);
        assert.match(entry.updatedAt, ISO_MILLIS_UTC);
      }
    });
  });

  describe('DELETE /api/auth/users/:id', () => {
    it('answers 200 "User deleted successfully" when an admin deletes a user', async () => {
      const user = await newUser();
      assertMessage(await deleteUser(user._id, admin.token), 200, { message: 'User deleted successfully' });
    });

    it('drops the deleted user from the user list', async () => {
      const user = await newUser();
      await deleteUser(user._id, admin.token);
      const res = await listUsers(admin.token);
      assert.ok(!res.json.some((entry) => entry._id === user._id), 'the deleted user is still listed');
    });

    it('makes the deleted user\'s token answer 401 "Not authorized, token failed"', async () => {
      const user = await newUser();
      await deleteUser(user._id, admin.token);
      assertMessage(await me(user.token), 401, TOKEN_FAILED);
    });

    it('answers 404 "User not found" when the user is deleted a second time', async () => {
      const user = await newUser();
      await deleteUser(user._id, admin.token);
      assertMessage(await deleteUser(user._id, admin.token), 404, USER_NOT_FOUND);
    });

    it('answers 404 "User not found" for a well-formed id no user has', async () => {
      assertMessage(await deleteUser(`ffffffff${randomHex(8)}`, admin.token), 404, USER_NOT_FOUND);
    });

    for (const badId of ['123', 'z'.repeat(24), '0123456789abcdef012345678']) {
      it(`answers 404 "User not found" for the malformed id "${badId}"`, async () => {
        assertMessage(await deleteUser(badId, admin.token), 404, USER_NOT_FOUND);
      });
    }

    it('answers 400 "Admins cannot delete themselves" when an admin deletes itself', async () => {
      const self = await createAdmin(base, ADMIN_SECRET);
      remember(self.password, 'an admin password');
      remember(self.token, 'an admin token');
      assertMessage(await deleteUser(self._id, self.token), 400, { message: 'Admins cannot delete themselves' });
      assert.equal((await me(self.token)).status, 200);
    });

    it('answers 403 "Access denied. Admins only." to a user', async () => {
      const user = await newUser();
      const victim = await newUser();
      assertMessage(await deleteUser(victim._id, user.token), 403, ADMINS_ONLY);
      assert.equal((await me(victim.token)).status, 200);
    });

    it('answers 401 "No token, authorization denied" without a token', async () => {
      const victim = await newUser();
      assertMessage(await deleteUser(victim._id, undefined), 401, NO_TOKEN);
    });
  });

  describe('counters on /metrics', () => {
    const COUNTERS = ['volkrin_signups_total', 'volkrin_logins_total', 'volkrin_failed_logins_total', 'volkrin_user_deletions_total'];

    // Runs action and returns how much the counter moved meanwhile.
    async function counterDelta(name, action) {
      const before = metricValue(await readMetrics(base), name);
      assert.equal(typeof before, 'number', `${name} is not exposed`);
      await action();
      return metricValue(await readMetrics(base), name) - before;
    }

    for (const name of COUNTERS) {
      it(`exposes ${name} with # HELP and # TYPE ${name} counter lines`, async () => {
        const text = await readMetrics(base);
        assert.match(text, new RegExp(`^# HELP ${name} \\S`, 'm'));
        assert.match(text, new RegExp(`^# TYPE ${name} counter$`, 'm'));
        assert.match(text, new RegExp(`^${name} \\d+(\\.\\d+)?$`, 'm'));
      });
    }

    it('counts each created user in volkrin_signups_total, and no refused signup', async () => {
      const delta = await counterDelta('volkrin_signups_total', async () => {
        const first = await newUser();
        await newUser();
        assert.equal((await signUp(newUserFields({ email: first.email }))).status, 400);
        assertBadRequest(await signUp(newUserFields({ password: `Pw!${randomHex(2)}` })));
      });
      assert.equal(delta, 2);
    });

    it('counts each successful login in volkrin_logins_total, and no failed one', async () => {
      const user = await newUser();
      const delta = await counterDelta('volkrin_logins_total', async () => {
        for (let i = 0; i < 3; i += 1) assert.equal((await logIn(user.email, user.password)).status, 200);
        assert.equal((await logIn(user.email, `${user.password}x`)).status, 401);
      });
      assert.equal(delta, 3);
    });

    it('counts each 401 login in volkrin_failed_logins_total, and no successful one', async () => {
      const user = await newUser();
      const delta = await counterDelta('volkrin_failed_logins_total', async () => {
        assert.equal((await logIn(user.email, `${user.password}x`)).status, 401);
        assert.equal((await logIn(`nobody-${randomHex(4)}@example.com`, user.password)).status, 401);
        assert.equal((await logIn(user.email, user.password)).status, 200);
      });
      assert.equal(delta, 2);
    });

    it('counts each deleted user in volkrin_user_deletions_total, and no refused deletion', async () => {
      const first = await newUser();
      const second = await newUser();
      const delta = await counterDelta('volkrin_user_deletions_total', async () => {
        assert.equal((await deleteUser(first._id, admin.token)).status, 200);
        assert.equal((await deleteUser(second._id, admin.token)).status, 200);
        assert.equal((await deleteUser(first._id, admin.token)).status, 404);
        assert.equal((await deleteUser(admin._id, admin.token)).status, 400);
      });
      assert.equal(delta, 2);
    });
  });

  // Last, so that it covers every request made above.
  describe('server output', () => {
    it('never contains a password, a token, ADMIN_SECRET or JWT_SECRET', async () => {
      // The access line of a last request shows that the earlier ones were written out.
      const marker = `/api/auth/flush-${randomHex(6)}`;
      await api(base, 'GET', marker);
      const output = await server.waitForOutput(marker);
      for (const [secret, label] of secrets) {
        assert.ok(!output.includes(secret), `the server output contains ${label}`);
      }
    });
  });
});

describe('admin signup on a server without ADMIN_SECRET', () => {
  let server;
  before(async () => {
    server = await startServer({ env: { JWT_SECRET } });
  });
  after(async () => {
    await server?.stop();
  });

  it('creates a plain user whatever adminSecret says', async () => {
    const res = await signup(server.baseUrl, newUserFields({ role: 'admin', adminSecret: ADMIN_SECRET }));
    assert.equal(res.status, 201, res.text);
    assert.equal(res.json.role, 'user');
  });

  it('creates a plain user for an empty adminSecret', async () => {
    const res = await signup(server.baseUrl, newUserFields({ role: 'admin', adminSecret: '' }));
    assert.equal(res.status, 201, res.text);
    assert.equal(res.json.role, 'user');
  });
});

describe('admin signup on a server with an empty ADMIN_SECRET (unset)', () => {
  let server;
  before(async () => {
    server = await startServer({ env: { JWT_SECRET, ADMIN_SECRET: '' } });
  });
  after(async () => {
    await server?.stop();
  });

  it('creates a plain user for an empty adminSecret', async () => {
    const res = await signup(server.baseUrl, newUserFields({ role: 'admin', adminSecret: '' }));
    assert.equal(res.status, 201, res.text);
    assert.equal(res.json.role, 'user');
  });
});

describe('login without credentials under the login limits', () => {
  let server;
  before(async () => {
    server = await startServer({
      env: { JWT_SECRET, RATE_LIMIT_LOGIN_PER_ADDRESS: '4/1m', RATE_LIMIT_LOGIN_PER_ACCOUNT: '2/1m' },
    });
  });
  after(async () => {
    await server?.stop();
  });

  const TOO_MANY = { message: 'Too many requests, please try again later' };
  const post = (json) => api(server.baseUrl, 'POST', '/api/auth/login', { json });

  it('counts a login without a password against its account, and one without anything against the address', async () => {
    const user = await createUser(server.baseUrl);
    // Attempts 1 and 2 from this address use up the account's limit.
    assertMessage(await post({ email: user.email }), 401, INVALID_LOGIN);
    assertMessage(await post({ email: user.email.toUpperCase(), password: 42 }), 401, INVALID_LOGIN);
    assertMessage(await login(server.baseUrl, user.email, user.password), 429, TOO_MANY);
    // Attempt 4 is the address's last one; an empty body counts like any other.
    assertMessage(await post({}), 401, INVALID_LOGIN);
    assertMessage(await post({}), 429, TOO_MANY);
  });
});
