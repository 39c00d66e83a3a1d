import { randomBytes } from 'node:crypto';
import type { DarkroomError } from '@darkroom/core/errors';
import { ERRORS } from '@darkroom/core/error-factories';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { sendError } from '../../plugins/errors.js';
import { contentSecurityPolicy, loginPage, type ExtraSources } from './dashboard.html.js';

/**
 * Sends a page with a fresh CSP nonce; the page may run only its own inline script and style. The
 * console's other security headers come from helmet (dashboard.ts); the policy is added here,
 * per response, because bull-board's pages in the same scope bring scripts of their own.
 */
export function sendHtml(reply: FastifyReply, status: number, render: (nonce: string) => string, extra: ExtraSources = {}): FastifyReply {
  const nonce = randomBytes(16).toString('base64');
  reply.helmet({ contentSecurityPolicy: { useDefaults: false, directives: contentSecurityPolicy(nonce, extra) } });
  return reply.status(status).header('content-type', 'text/html; charset=utf-8').header('cache-control', 'no-store').send(render(nonce));
}

/** Where to go after logging in: only a path inside the console, never another site. */
export function safeNext(next: string | undefined): string | undefined {
  return next && /^\/admin\/[A-Za-z0-9/_.-]*$/.test(next) && !next.includes('..') ? next : undefined;
}

const wantsHtml = (request: FastifyRequest) => (request.headers.accept ?? '').includes('text/html');

/** 401/403 from the console's guard: the login form for a browser, the one error renderer's JSON for anything else. */
export function sendAuthFailure(request: FastifyRequest, reply: FastifyReply, error: DarkroomError): FastifyReply {
  if (!wantsHtml(request)) return sendError(request, reply, error);
  const message = error.code === 'unauthorized' ? ERRORS.consoleLoginNeeded().message : error.message;
  const next = request.method === 'GET' ? safeNext(request.url.split('?')[0]) : undefined;
  return sendHtml(reply, error.status, (nonce) => loginPage({ nonce, message, next }));
}
