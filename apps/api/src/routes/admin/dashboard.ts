import { CONSOLE_FORM_LIMIT_BYTES } from '@darkroom/core/limits';
import { DarkroomError } from '@darkroom/core/errors';
import fastifyFormbody from '@fastify/formbody';
import fastifyHelmet from '@fastify/helmet';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppDeps } from '../../deps.js';
import { pageHelmetOptions } from '../../plugins/security-headers.js';
import { registerBullBoard } from './bull-board.js';
import { failedPageRoutes } from './failed-page.js';
import { loginRoutes } from './login.js';
import { sendAuthFailure } from './pages.js';
import { reviewPageRoutes } from './review-page.js';
import { tenantsPageRoutes } from './tenants-page.js';
import { webhooksPageRoutes } from './webhooks-page.js';

export { BULL_BOARD_PATH } from './bull-board.js';

/**
 * The admin console for people with a browser: the login (login.ts) that gives a browser an
 * admin session cookie (plugins/admin-session.ts), then behind the admin guard bull-board at
 * /admin/queues (bull-board.ts), the failed-jobs and backfills pages (failed-page.ts) and
 * the webhooks page (webhooks-page.ts), the tenants page (tenants-page.ts), which opens
 * the upload page for a tenant, and the review page (review-page.ts), held assets and the blocklist.
 * None of it is part of the JSON API, so it stays out of /docs.
 */
const protectedRoutes: FastifyPluginAsyncZod<{ deps: AppDeps }> = async (app, { deps }) => {
  app.addHook('onRequest', async function guard(request, reply) {
    try {
      await app.requireAdmin.call(this, request, reply);
    } catch (error) {
      // Answered here, not thrown: bull-board's routes have an error handler of their own.
      if (error instanceof DarkroomError) return sendAuthFailure(request, reply, error);
      throw error;
    }
  });
  await registerBullBoard(app, deps);
  failedPageRoutes(app, deps);
  webhooksPageRoutes(app, deps);
  tenantsPageRoutes(app, deps);
  reviewPageRoutes(app, deps);
};

const adminDashboardRoutes: FastifyPluginAsyncZod<{ deps: AppDeps }> = async (app, { deps }) => {
  // HTML forms post urlencoded bodies. The parser is added to this plugin's own scope only, so the
  // console takes them and the JSON API (/v1/...) still refuses them ("send the body as JSON"). A field sent twice
  // comes out as an array, which the route schemas refuse with 400.
  await app.register(fastifyFormbody, { bodyLimit: CONSOLE_FORM_LIMIT_BYTES });
  // No policy for the whole scope: bull-board's UI brings scripts of its own; sendHtml adds the console's.
  await app.register(fastifyHelmet, pageHelmetOptions({ csp: false, referrerPolicy: 'same-origin' }));
  loginRoutes(app, deps);
  await app.register(protectedRoutes, { deps });
};

export default adminDashboardRoutes;
