import type { FastifyRequest } from 'fastify';
import { describe, expect, it } from 'vitest';
import { passesCsrfCheck, readCookie, signAdminSession, verifyAdminSession } from './admin-session.js';

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

describe('readCookie', () => {
  it('finds one cookie among several', () => {
    const req = request('GET', { cookie: 'a=1; darkroom_admin=v1.2.root.x; b=2' });
    expect(readCookie(req, 'darkroom_admin')).toBe('v1.2.root.x');
    expect(readCookie(req, 'missing')).toBeNull();
    expect(readCookie(request('GET', {}), 'darkroom_admin')).toBeNull();
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
