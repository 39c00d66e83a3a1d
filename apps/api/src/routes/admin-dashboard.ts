import { randomBytes } from 'node:crypto';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import { DarkroomError, ProcessingErrorCode } from '@darkroom/core';
import { getAsset, getJob, InvalidCursorError, isUuid } from '@darkroom/db';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppDeps } from '../deps.js';
import { ADMIN_SESSION_TTL_MS, isSameOrigin, sessionCookie, signAdminSession } from '../plugins/admin-session.js';
import { adminSubject } from '../plugins/auth.js';
import { serializeJob } from '../serializers.js';
import { listFailedRows } from '../services/failed-jobs.js';
import { createPreviewRenderer } from '../services/original-preview.js';
import { contentSecurityPolicy, failedPage, loginPage } from './admin-dashboard.html.js';
import { IdParams } from './common.schemas.js';

/**
 * The admin console for people with a browser: bull-board at /admin/queues, a failed-jobs page at
 * /admin/failed, and the login that gives a browser an admin session cookie (see
 * plugins/admin-session.ts). None of it is part of the JSON API, so it stays out of /docs.
 */
export const BULL_BOARD_PATH = '/admin/queues';
const ERROR_CODES = [...ProcessingErrorCode, 'interrupted'] as const;

/** Sends a page with a fresh CSP nonce; the page may run only its own inline script and style. */
function sendHtml(reply: FastifyReply, status: number, render: (nonce: string) => string): FastifyReply {
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
function safeNext(next: string | undefined): string | undefined {
  return next && /^\/admin\/[A-Za-z0-9/_.-]*$/.test(next) && !next.includes('..') ? next : undefined;
}

const wantsHtml = (request: FastifyRequest) => (request.headers.accept ?? '').includes('text/html');

/** 401/403 from the console's guard: the login form for a browser, the usual error JSON for anything else. */
function sendAuthFailure(request: FastifyRequest, reply: FastifyReply, error: DarkroomError): FastifyReply {
  if (!wantsHtml(request)) {
    return reply.status(error.status).send({ error: { code: error.code, message: error.message } });
  }
  const message = error.code === 'unauthorized' ? 'Log in with an admin token to open the admin console.' : error.message;
  const next = request.method === 'GET' ? safeNext(request.url.split('?')[0]) : undefined;
  return sendHtml(reply, error.status, (nonce) => loginPage({ nonce, message, next }));
}

const LoginBody = z.object({ token: z.string().max(1024), next: z.string().max(200).optional() });

function loginRoutes(app: FastifyInstance, deps: AppDeps) {
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
      return sendHtml(reply, 403, (nonce) => loginPage({ nonce, message: 'Log in from the admin console’s own page.' }));
    }
    const subject = await adminSubject(deps, token.trim());
    if (!subject) {
      const message = 'That is not an admin token (ADMIN_TOKEN or an admin key).';
      return sendHtml(reply, 401, (nonce) => loginPage({ nonce, message, next: safeNext(next) }));
    }
    const value = signAdminSession(deps.config.adminToken, { subject, expiresAt: Date.now() + ADMIN_SESSION_TTL_MS });
    reply.header('set-cookie', sessionCookie(request, value, ttlSeconds));
    return reply.redirect(safeNext(next) ?? '/admin/failed', 303);
  });

  app.post('/admin/logout', { schema: hide }, (request, reply) => {
    reply.header('set-cookie', sessionCookie(request, '', 0));
    return reply.redirect('/admin/login', 303);
  });
}

async function registerBullBoard(app: FastifyInstance, deps: AppDeps) {
  const serverAdapter = new FastifyAdapter();
  serverAdapter.setBasePath(BULL_BOARD_PATH);
  createBullBoard({
    queues: Object.values(deps.queue.queues).map((queue) => new BullMQAdapter(queue)),
    serverAdapter,
    options: { uiConfig: { boardTitle: 'Darkroom queues' } },
  });
  await app.register(serverAdapter.registerPlugin(), { prefix: BULL_BOARD_PATH });
}

const FailedQuery = z.object({
  tenantId: z.string().max(100).optional(),
  errorCode: z.string().max(100).optional(),
  cursor: z.string().max(200).optional(),
});

/** The filter as typed into the form; a malformed one is explained on the page rather than as JSON. */
function readFilter(query: z.infer<typeof FailedQuery>) {
  const tenantId = query.tenantId?.trim() ?? '';
  const errorCode = query.errorCode ?? '';
  let notice: string | undefined;
  if (tenantId && !isUuid(tenantId)) notice = `"${tenantId}" is not a tenant id (a UUID).`;
  else if (errorCode && !(ERROR_CODES as readonly string[]).includes(errorCode)) notice = `Unknown error code "${errorCode}".`;
  return { form: { tenantId, errorCode }, notice, cursor: query.cursor || undefined };
}

async function loadFailedPage(deps: AppDeps, query: z.infer<typeof FailedQuery>) {
  const { form, notice, cursor } = readFilter(query);
  const empty = { filter: form, rows: [], nextCursor: null };
  if (notice) return { ...empty, notice };
  try {
    const page = await listFailedRows(deps, { tenantId: form.tenantId || undefined, errorCode: form.errorCode || undefined, cursor });
    return { filter: form, ...page, notice: undefined };
  } catch (error) {
    if (!(error instanceof InvalidCursorError)) throw error;
    return { ...empty, notice: 'That page link is no longer valid; start from the first page.' };
  }
}

const protectedRoutes: FastifyPluginAsyncZod<{ deps: AppDeps }> = async (app, { deps }) => {
  app.addHook('onRequest', async function guard(request, reply) {
    reply.header('x-frame-options', 'DENY');
    try {
      await app.requireAdmin.call(this, request, reply);
    } catch (error) {
      // Answered here, not thrown: bull-board's routes have an error handler of their own.
      if (error instanceof DarkroomError) return sendAuthFailure(request, reply, error);
      throw error;
    }
  });

  await registerBullBoard(app, deps);
  const renderPreview = createPreviewRenderer(deps);

  app.get('/admin/failed', { schema: { hide: true, querystring: FailedQuery } }, async (request, reply) => {
    const page = await loadFailedPage(deps, request.query);
    return sendHtml(reply, page.notice ? 400 : 200, (nonce) => failedPage({ nonce, ...page, errorCodes: ERROR_CODES }));
  });

  app.get('/admin/assets/:id/original-preview', { schema: { hide: true, params: IdParams } }, async (request, reply) => {
    const preview = await renderPreview(request.params.id);
    return reply.header('content-type', preview.contentType).header('cache-control', 'private, max-age=60').send(preview.data);
  });

  app.get('/admin/api/jobs/:id', { schema: { hide: true, params: IdParams } }, async (request) => {
    const job = isUuid(request.params.id) ? await getJob(deps.db, { id: request.params.id }) : undefined;
    if (!job) throw new DarkroomError('not_found', 'No job with that id.');
    const asset = await getAsset(deps.db, { id: job.assetId });
    return { job: { ...serializeJob(job), tenantId: job.tenantId }, asset: asset ? { id: asset.id, status: asset.status } : null };
  });
};

const adminDashboardRoutes: FastifyPluginAsyncZod<{ deps: AppDeps }> = async (app, { deps }) => {
  // HTML forms post urlencoded bodies; only this console parses them (the JSON API still refuses them).
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 4096 }, (_request, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(body as string)));
  });
  loginRoutes(app, deps);
  await app.register(protectedRoutes, { deps });
};

export default adminDashboardRoutes;
