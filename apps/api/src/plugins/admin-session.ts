import { createHmac, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * The admin console's browser session. A page load can't carry a bearer header, so `POST /admin/login`
 * sets a cookie instead; the cookie never holds the token itself, only
 * `v1.<expiresAtMs>.<subject>.<hmac>`, where the HMAC is keyed with ADMIN_TOKEN (rotating the token
 * ends every session) and `subject` is `root` (logged in with ADMIN_TOKEN) or the id of the admin
 * key used (so revoking that key ends its sessions).
 */
export const ADMIN_COOKIE = 'darkroom_admin';
export const ADMIN_SESSION_TTL_MS = 12 * 60 * 60 * 1000;
/** Cookie-authenticated requests that change state must carry this header (or come from our own origin). */
export const CSRF_HEADER = 'x-darkroom-csrf';

export interface AdminSession {
  subject: string;
  expiresAt: number;
}

const SUBJECT = /^(root|[0-9a-f-]{36})$/;

function mac(adminToken: string, expiresAt: number, subject: string): Buffer {
  return createHmac('sha256', adminToken).update(`darkroom-admin-session|v1|${expiresAt}|${subject}`).digest();
}

export function signAdminSession(adminToken: string, session: AdminSession): string {
  return `v1.${session.expiresAt}.${session.subject}.${mac(adminToken, session.expiresAt, session.subject).toString('base64url')}`;
}

/** The session a cookie value stands for, or null when it is malformed, forged or expired. */
export function verifyAdminSession(adminToken: string, value: string, now = Date.now()): AdminSession | null {
  const [version, expires, subject, signature, ...rest] = value.split('.');
  if (version !== 'v1' || rest.length > 0 || !expires || !subject || !signature) return null;
  if (!/^\d{1,15}$/.test(expires) || !SUBJECT.test(subject)) return null;
  const expiresAt = Number(expires);
  const expected = mac(adminToken, expiresAt, subject);
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  return expiresAt > now ? { subject, expiresAt } : null;
}

/**
 * The session cookie's raw value, as `@fastify/cookie` parsed it. Only the admin routes register that
 * plugin (app.ts); elsewhere `request.cookies` is absent and no session is read.
 */
export function sessionCookieValue(request: FastifyRequest): string | null {
  return request.cookies?.[ADMIN_COOKIE] ?? null;
}

/** Secure whenever the browser reached us over HTTPS (directly or through a TLS-terminating proxy). */
function isHttps(request: FastifyRequest): boolean {
  return request.protocol === 'https' || request.headers['x-forwarded-proto'] === 'https';
}

/** Sets (or, with '' and 0, ends) the session cookie: HttpOnly, SameSite=Strict, the whole site, Secure over HTTPS. */
export function setSessionCookie(request: FastifyRequest, reply: FastifyReply, value: string, maxAgeSeconds: number): FastifyReply {
  return reply.setCookie(ADMIN_COOKIE, value, { path: '/', maxAge: maxAgeSeconds, httpOnly: true, sameSite: 'strict', secure: isHttps(request) });
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * CSRF defence for cookie-authenticated requests (bearer requests need none: a browser never adds
 * that header by itself). Besides SameSite=Strict, a state-changing request must either carry
 * `x-darkroom-csrf` (a custom header a cross-site page can't send without a CORS preflight, which
 * this API never grants) or an Origin header naming this very host (what bull-board's UI sends).
 */
export function passesCsrfCheck(request: FastifyRequest): boolean {
  if (SAFE_METHODS.has(request.method)) return true;
  if (request.headers[CSRF_HEADER] === '1') return true;
  return isSameOrigin(request);
}

/** True when the request's Origin header names the host it was sent to. */
export function isSameOrigin(request: FastifyRequest): boolean {
  const origin = request.headers.origin;
  if (!origin || origin === 'null') return false;
  try {
    return new URL(origin).host === request.headers.host;
  } catch {
    return false;
  }
}
