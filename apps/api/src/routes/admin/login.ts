import { ERRORS } from '@darkroom/core/error-factories';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AppDeps } from '../../deps.js';
import { ADMIN_SESSION_TTL_MS, isSameOrigin, setSessionCookie, signAdminSession } from '../../plugins/admin-session.js';
import { adminSubject } from '../../plugins/auth.js';
import { loginPage } from './dashboard.html.js';
import { safeNext, sendHtml } from './pages.js';

const LoginBody = z.object({ token: z.string().max(1024), next: z.string().max(200).optional() });

/** The console's login and logout: an admin token in, an HttpOnly session cookie out (see admin-session.ts). */
export function loginRoutes(app: FastifyInstance, deps: AppDeps) {
  const hide = { hide: true } as const;
  const ttlSeconds = ADMIN_SESSION_TTL_MS / 1000;

  app.get('/admin', { schema: hide }, (_request, reply) => reply.redirect('/admin/failed', 302));

  app.get('/admin/login', { schema: { ...hide, querystring: z.object({ next: z.string().max(200).optional() }) } }, (request, reply) => {
    const { next } = request.query as { next?: string };
    return sendHtml(reply, 200, (nonce) => loginPage({ nonce, next: safeNext(next) }));
  });

  app.post('/admin/login', { schema: { ...hide, body: LoginBody } }, async (request, reply) => {
    const { token, next } = request.body as z.infer<typeof LoginBody>;
    // Login CSRF: a form posted from another site carries that site's Origin.
    if (request.headers.origin !== undefined && !isSameOrigin(request)) {
      const refusal = ERRORS.consoleLoginFromAnotherSite();
      return sendHtml(reply, refusal.status, (nonce) => loginPage({ nonce, message: refusal.message }));
    }
    // Online guessing: 10 failed attempts per client IP per 15 minutes, then 429 until the window ends.
    // The attempt is counted before the token is looked at, so concurrent guesses cannot all pass.
    const waitSeconds = await deps.loginLimiter.attempt(request.ip);
    if (waitSeconds > 0) {
      reply.header('retry-after', String(waitSeconds));
      const refusal = ERRORS.consoleLoginsRateLimited(waitSeconds);
      return sendHtml(reply, refusal.status, (nonce) => loginPage({ nonce, message: refusal.message, next: safeNext(next) }));
    }
    const subject = await adminSubject(deps, token.trim());
    if (!subject) {
      const refusal = ERRORS.notAnAdminToken();
      return sendHtml(reply, refusal.status, (nonce) => loginPage({ nonce, message: refusal.message, next: safeNext(next) }));
    }
    await deps.loginLimiter.succeeded(request.ip);
    const value = signAdminSession(deps.config.adminToken, { subject, expiresAt: Date.now() + ADMIN_SESSION_TTL_MS });
    setSessionCookie(request, reply, value, ttlSeconds);
    return reply.redirect(safeNext(next) ?? '/admin/failed', 303);
  });

  app.post('/admin/logout', { schema: hide }, (request, reply) => {
    setSessionCookie(request, reply, '', 0);
    return reply.redirect('/admin/login', 303);
  });
}
