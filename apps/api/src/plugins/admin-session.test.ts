import fastifyCookie from '@fastify/cookie';
import Fastify, { type FastifyRequest } from 'fastify';
import { describe, expect, it } from 'vitest';
import { passesCsrfCheck, sessionCookieValue, setSessionCookie, signAdminSession, verifyAdminSession } from './admin-session.js';

const TOKEN = 'admin-token-0123456789abcdef';
const request = (method: string, headers: Record<string, string>) => ({ method, headers }) as unknown as FastifyRequest;

describe('admin session cookie value', () => {
  const now = 1_800_000_000_000;
  const session = { subject: 'root', expiresAt: now + 60_000 };

  it('round-trips, and never contains the token', () => {
    const value = signAdminSession(TOKEN, session);
    expect(value).not.toContain(TOKEN);
    expect(verifyAdminSession(TOKEN, value, now)).toEqual(session);
  });

  it('refuses expired, tampered, re-keyed and malformed values', () => {
    const value = signAdminSession(TOKEN, session);
    const [v, expires, subject, mac] = value.split('.');
    expect(verifyAdminSession(TOKEN, value, session.expiresAt)).toBeNull();
    expect(verifyAdminSession(TOKEN, [v, Number(expires) + 1, subject, mac].join('.'), now)).toBeNull();
    expect(verifyAdminSession(TOKEN, [v, expires, '01a20196-8e01-7b6d-80bc-69e771810a6f', mac].join('.'), now)).toBeNull();
    expect(verifyAdminSession(`${TOKEN}-rotated`, value, now)).toBeNull();
    for (const bad of ['', 'v1', `${value}.x`, value.replace('v1', 'v2'), 'v1.abc.root.xyz', 'v1.1.root.']) {
      expect(verifyAdminSession(TOKEN, bad, now)).toBeNull();
    }
  });
});

describe('the session cookie through @fastify/cookie', () => {
  async function cookieApp() {
    const app = Fastify();
    await app.register(fastifyCookie);
    app.get('/read', (request) => ({ value: sessionCookieValue(request) }));
    app.post('/set', (request, reply) => setSessionCookie(request, reply, 'v1.2.root.x', 43_200).send());
    app.post('/end', (request, reply) => setSessionCookie(request, reply, '', 0).send());
    return app;
  }

  it('reads the session among other cookies, and nothing when it is absent', async () => {
    const app = await cookieApp();
    const read = async (cookie?: string) => (await app.inject({ url: '/read', headers: cookie ? { cookie } : {} })).json().value;
    expect(await read('a=1; darkroom_admin=v1.2.root.x; b=2')).toBe('v1.2.root.x');
    expect(await read('a=1')).toBeNull();
    expect(await read()).toBeNull();
  });

  it('writes the same attributes as before: whole site, Max-Age, HttpOnly, SameSite=Strict, Secure over HTTPS only', async () => {
    const app = await cookieApp();
    const attributes = (header: unknown) => String(header).split('; ').sort();
    const set = await app.inject({ method: 'POST', url: '/set' });
    expect(attributes(set.headers['set-cookie'])).toEqual(['HttpOnly', 'Max-Age=43200', 'Path=/', 'SameSite=Strict', 'darkroom_admin=v1.2.root.x']);
    const overHttps = await app.inject({ method: 'POST', url: '/set', headers: { 'x-forwarded-proto': 'https' } });
    expect(attributes(overHttps.headers['set-cookie'])).toContain('Secure');
    const ended = await app.inject({ method: 'POST', url: '/end' });
    expect(attributes(ended.headers['set-cookie'])).toEqual(['HttpOnly', 'Max-Age=0', 'Path=/', 'SameSite=Strict', 'darkroom_admin=']);
  });

  it('reads no session where the cookie plugin is not registered', async () => {
    const app = Fastify();
    app.get('/read', (request) => ({ value: sessionCookieValue(request) }));
    expect((await app.inject({ url: '/read', headers: { cookie: 'darkroom_admin=v1.2.root.x' } })).json().value).toBeNull();
  });
});

describe('passesCsrfCheck', () => {
  it('lets safe methods through and holds the others to the header or our own origin', () => {
    expect(passesCsrfCheck(request('GET', { host: 'a.test' }))).toBe(true);
    expect(passesCsrfCheck(request('POST', { host: 'a.test' }))).toBe(false);
    expect(passesCsrfCheck(request('POST', { host: 'a.test', 'x-darkroom-csrf': '1' }))).toBe(true);
    expect(passesCsrfCheck(request('PUT', { host: 'a.test', origin: 'https://a.test' }))).toBe(true);
    expect(passesCsrfCheck(request('PUT', { host: 'a.test', origin: 'https://evil.test' }))).toBe(false);
    expect(passesCsrfCheck(request('DELETE', { host: 'a.test', origin: 'null' }))).toBe(false);
  });
});
