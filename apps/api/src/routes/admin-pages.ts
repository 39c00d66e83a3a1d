import { randomBytes } from 'node:crypto';
import type { DarkroomError } from '@darkroom/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { sendError } from '../plugins/errors.js';
import { contentSecurityPolicy, loginPage } from './admin-dashboard.html.js';

/** Sends a page with a fresh CSP nonce; the page may run only its own inline script and style. */
export function sendHtml(reply: FastifyReply, status: number, render: (nonce: string) => string): FastifyReply {
  const nonce = randomBytes(16).toString('base64');
  return reply
    .status(status)
    .header('content-type', 'text/html; charset=utf-8')
    .header('content-security-policy', contentSecurityPolicy(nonce))
    .header('cache-control', 'no-store')
    .header('referrer-policy', 'same-origin')
    .header('x-content-type-options', 'nosniff')
    .send(render(nonce));
}

/** Where to go after logging in: only a path inside the console, never another site. */
export function safeNext(next: string | undefined): string | undefined {
  return next && /^\/admin\/[A-Za-z0-9/_.-]*$/.test(next) && !next.includes('..') ? next : undefined;
}

const wantsHtml = (request: FastifyRequest) => (request.headers.accept ?? '').includes('text/html');

/** 401/403 from the console's guard: the login form for a browser, the one error renderer's JSON for anything else. */
export function sendAuthFailure(request: FastifyRequest, reply: FastifyReply, error: DarkroomError): FastifyReply {
  if (!wantsHtml(request)) return sendError(request, reply, error);
  const message = error.code === 'unauthorized' ? 'Log in with an admin token to open the admin console.' : error.message;
  const next = request.method === 'GET' ? safeNext(request.url.split('?')[0]) : undefined;
  return sendHtml(reply, error.status, (nonce) => loginPage({ nonce, message, next }));
}
