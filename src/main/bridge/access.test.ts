import { describe, expect, it } from 'vitest';
import { SESSION_COOKIE } from '../../shared/contract';
import {
  accessSecrets,
  authenticate,
  bearerTokenOf,
  checkRequest,
  checkUpgrade,
  cookieValues,
  generateToken,
  isLoopbackHost,
  isOwnOrigin,
  ownOrigin,
  parseHost,
  secretEquals,
  sessionCookieHeader,
  sessionValueFor,
  TOKEN_PATTERN,
} from './access';

const TOKEN = 'a'.repeat(64);
const secrets = accessSecrets(TOKEN);
const PORT = 4321;
const HOST = `127.0.0.1:${PORT}`;

describe('host check', () => {
  it.each(['127.0.0.1', '127.0.0.1:4321', 'localhost', 'LOCALHOST:80', '[::1]', '[::1]:4321', '127.1.2.3:9', '127.255.255.255'])(
    'accepts loopback %s',
    (host) => expect(isLoopbackHost(host)).toBe(true),
  );

  it.each([
    'evil.example',
    'localhost.evil.example',
    'evil.example:4321',
    '127.0.0.1.evil.example',
    '128.0.0.1',
    '127.0.0.256',
    '0.0.0.0',
    '[::2]',
    'user@127.0.0.1',
    '127.0.0.1/x',
    '',
    undefined,
  ])('rejects %s', (host) => expect(isLoopbackHost(host)).toBe(false));

  it('parses the port', () => {
    expect(parseHost('LocalHost:8080')).toEqual({ hostname: 'localhost', port: 8080 });
    expect(parseHost('[::1]')).toEqual({ hostname: '[::1]', port: null });
    expect(parseHost('127.0.0.1:99999')).toBeNull();
  });
});

describe('tokens', () => {
  it('generates 64 hex characters that pass the pattern', () => {
    const token = generateToken();
    expect(token).toMatch(/^[0-9a-f]{64}$/);
    expect(TOKEN_PATTERN.test(token)).toBe(true);
    expect(generateToken()).not.toBe(token);
    expect(TOKEN_PATTERN.test('ab'.repeat(15))).toBe(false);
  });

  it('compares secrets of any length without throwing', () => {
    expect(secretEquals(TOKEN, TOKEN)).toBe(true);
    expect(secretEquals('short', TOKEN)).toBe(false);
    expect(secretEquals('', TOKEN)).toBe(false);
  });

  it('derives a session value that is not the token', () => {
    const session = sessionValueFor(TOKEN);
    expect(session).toMatch(/^[0-9a-f]{64}$/);
    expect(session).not.toContain(TOKEN);
    expect(sessionValueFor('b'.repeat(64))).not.toBe(session);
    expect(sessionCookieHeader(session, 'c_name')).toBe(`c_name=${session}; HttpOnly; SameSite=Strict; Path=/`);
  });

  it('parses bearer headers and cookies', () => {
    expect(bearerTokenOf(`Bearer ${TOKEN}`)).toBe(TOKEN);
    expect(bearerTokenOf(`bearer  ${TOKEN}`)).toBe(TOKEN);
    expect(bearerTokenOf(`Basic ${TOKEN}`)).toBeNull();
    expect(bearerTokenOf(undefined)).toBeNull();
    expect(cookieValues(`a=1; ${SESSION_COOKIE}=x; ${SESSION_COOKIE}=y`, SESSION_COOKIE)).toEqual(['x', 'y']);
    expect(cookieValues(undefined, SESSION_COOKIE)).toEqual([]);
  });
});

describe('authenticate', () => {
  const cookie = `${secrets.cookieName}=${secrets.session}`;

  it('knows a bearer and a cookie', () => {
    expect(authenticate({ authorization: `Bearer ${TOKEN}` }, secrets)).toBe('bearer');
    expect(authenticate({ cookie }, secrets)).toBe('cookie');
    expect(authenticate({ cookie: `other=1; ${secrets.cookieName}=stale; ${secrets.cookieName}=${secrets.session}` }, secrets)).toBe('cookie');
  });

  it('refuses wrong or missing credentials; a raw token in the cookie is not a session', () => {
    expect(authenticate({}, secrets)).toBeNull();
    expect(authenticate({ authorization: `Bearer ${'b'.repeat(64)}` }, secrets)).toBeNull();
    expect(authenticate({ cookie: `${secrets.cookieName}=${TOKEN}` }, secrets)).toBeNull();
    // Another conductor's cookie (another token) is not ours, and its name differs.
    const other = accessSecrets('b'.repeat(64));
    expect(other.cookieName).not.toBe(secrets.cookieName);
    expect(authenticate({ cookie: `${other.cookieName}=${other.session}` }, secrets)).toBeNull();
    // An Authorization header is judged alone: a wrong bearer is not rescued by a good cookie.
    expect(authenticate({ authorization: 'Bearer nope', cookie }, secrets)).toBeNull();
  });
});

describe('origin', () => {
  it('is exactly http://<loopback host>:<own port>', () => {
    expect(ownOrigin(HOST, PORT)).toBe(`http://${HOST}`);
    expect(isOwnOrigin(`http://${HOST}`, HOST, PORT)).toBe(true);
    expect(isOwnOrigin(`http://localhost:${PORT}`, `localhost:${PORT}`, PORT)).toBe(true);
    expect(isOwnOrigin(`http://localhost:${PORT}`, HOST, PORT)).toBe(false);
    expect(isOwnOrigin(`http://127.0.0.1:3000`, HOST, PORT)).toBe(false);
    expect(isOwnOrigin(`https://${HOST}`, HOST, PORT)).toBe(false);
    expect(isOwnOrigin(`http://${HOST}/`, HOST, PORT)).toBe(false);
    expect(isOwnOrigin('null', HOST, PORT)).toBe(false);
    expect(isOwnOrigin(undefined, HOST, PORT)).toBe(false);
    expect(isOwnOrigin(`http://evil.example:${PORT}`, `evil.example:${PORT}`, PORT)).toBe(false);
    expect(isOwnOrigin('http://127.0.0.1:3000', '127.0.0.1:3000', PORT)).toBe(false);
  });
});

describe('checkRequest', () => {
  const cookie = `${secrets.cookieName}=${secrets.session}`;

  it('checks Host before auth', () => {
    expect(checkRequest('GET', { host: 'evil.example', authorization: `Bearer ${TOKEN}` }, secrets, PORT)).toMatchObject({
      ok: false,
      status: 403,
      code: 'E_FORBIDDEN',
    });
    expect(checkRequest('GET', { host: HOST }, secrets, PORT)).toMatchObject({ ok: false, status: 401, code: 'E_UNAUTHORIZED' });
  });

  it('needs a same-origin Origin for cookie POSTs only', () => {
    expect(checkRequest('POST', { host: HOST, cookie }, secrets, PORT)).toMatchObject({ ok: false, status: 403 });
    expect(checkRequest('POST', { host: HOST, cookie, origin: 'http://evil.example' }, secrets, PORT)).toMatchObject({ ok: false, status: 403 });
    expect(checkRequest('POST', { host: HOST, cookie, origin: `http://${HOST}` }, secrets, PORT)).toEqual({ ok: true, auth: 'cookie' });
    expect(checkRequest('GET', { host: HOST, cookie }, secrets, PORT)).toEqual({ ok: true, auth: 'cookie' });
    expect(checkRequest('POST', { host: HOST, authorization: `Bearer ${TOKEN}` }, secrets, PORT)).toEqual({ ok: true, auth: 'bearer' });
  });
});

describe('checkUpgrade', () => {
  const cookie = `${secrets.cookieName}=${secrets.session}`;

  it('accepts own Origin with a cookie, and bearer without Origin', () => {
    expect(checkUpgrade({ host: HOST, origin: `http://${HOST}`, cookie }, secrets, PORT)).toEqual({ ok: true, auth: 'cookie' });
    expect(checkUpgrade({ host: HOST, authorization: `Bearer ${TOKEN}` }, secrets, PORT)).toEqual({ ok: true, auth: 'bearer' });
  });

  it('refuses a foreign Origin even with good credentials, and a cookie without Origin', () => {
    expect(checkUpgrade({ host: HOST, origin: 'http://evil.example', cookie }, secrets, PORT)).toMatchObject({ status: 403 });
    expect(checkUpgrade({ host: HOST, origin: 'http://127.0.0.1:1', authorization: `Bearer ${TOKEN}` }, secrets, PORT)).toMatchObject({
      status: 403,
    });
    expect(checkUpgrade({ host: HOST, cookie }, secrets, PORT)).toMatchObject({ status: 403 });
    expect(checkUpgrade({ host: HOST, origin: `http://${HOST}` }, secrets, PORT)).toMatchObject({ status: 401 });
    expect(checkUpgrade({ host: 'evil.example', origin: 'http://evil.example', cookie }, secrets, PORT)).toMatchObject({ status: 403 });
  });
});
