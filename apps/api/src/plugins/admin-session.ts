import { createHmac, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';

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

/** One cookie's raw value from the Cookie header (no cookie library needed for one URL-safe value). */
export function readCookie(request: FastifyRequest, name: string): string | null {
  const header = request.headers.cookie;
  if (!header) return null;
  for (const pair of header.split(';')) {
    const eq = pair.indexOf('=');
    if (eq > 0 && pair.slice(0, eq).trim() === name) return pair.slice(eq + 1).trim();
  }
  return null;
}

/** Secure whenever the browser reached us over HTTPS (directly or through a TLS-terminating proxy). */
function isHttps(request: FastifyRequest): boolean {
  return request.protocol === 'https' || request.headers['x-forwarded-proto'] === 'https';
}

export function sessionCookie(request: FastifyRequest, value: string, maxAgeSeconds: number): string {
  const secure = isHttps(request) ? '; Secure' : '';
  return `${ADMIN_COOKIE}=${value}; Path=/; Max-Age=${maxAgeSeconds}; HttpOnly; SameSite=Strict${secure}`;
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
