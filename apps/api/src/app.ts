import { BODY_LIMIT_BYTES } from '@darkroom/core/limits';
import fastifyCookie from '@fastify/cookie';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Logger } from 'pino';
import type { AppDeps } from './deps.js';
import authPlugin from './plugins/auth.js';
import corsPlugin from './plugins/cors.js';
import docsPlugin from './plugins/docs.js';
import errorsPlugin, { sendError, writeClientError } from './plugins/errors.js';
import jsonBodyPlugin from './plugins/json-body.js';
import metricsPlugin from './plugins/metrics.js';
import pipelineMetricsPlugin from './plugins/pipeline-metrics.js';
import webhookMetricsPlugin from './plugins/webhook-metrics.js';
import adminDashboardRoutes from './routes/admin/dashboard.js';
import adminBackfillRoutes from './routes/admin/backfill.js';
import adminJobRoutes from './routes/admin/jobs.js';
import adminModerationRoutes from './routes/admin/moderation.js';
import adminTenantRoutes from './routes/admin/tenants.js';
import adminUsageRoutes from './routes/admin/usage.js';
import adminWebhookRoutes from './routes/admin/webhooks.js';
import assetRoutes from './routes/assets.js';
import opsRoutes from './routes/ops.js';
import tenantRoutes from './routes/tenant.js';
import deliveryKeyRoutes from './routes/delivery-key.js';
import eventRoutes from './routes/events.js';
import importRoutes from './routes/imports.js';
import moderationRoutes from './routes/moderation.js';
import presetRoutes from './routes/presets.js';
import liveRoutes from './routes/live.js';
import uploadPageRoutes from './routes/upload-page.js';
import uploadRoutes from './routes/uploads.js';
import uploadTokenRoutes from './routes/upload-tokens.js';
import usageRoutes from './routes/usage.js';
import webhookRoutes from './routes/webhooks.js';

/** One route as registered: what a check that walks every route (the hostile suite) enumerates. */
export interface RouteEntry {
  method: string;
  url: string;
  /** Whether a browser upload token may call it. */
  uploadToken: boolean;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Every route of the app, as each was added (HEAD and OPTIONS included). */
    routeTable: readonly RouteEntry[];
  }
}

export interface BuildAppOptions {
  deps: AppDeps;
  /** A pino logger (start.ts: asynchronous), `{ level }` for Fastify's own, or false for none (tests). */
  logger?: boolean | { level: string } | Logger;
}

/**
 * REQUEST_TIMEOUT as Node's HTTP server must be given it for a dripped body to get its 408 on time.
 * Fastify only sets `server.requestTimeout` after creating the server, which leaves `headersTimeout`
 * at 60 s; Node then takes the larger of the two as the whole request's limit. And Node looks for
 * late requests every `connectionsCheckingInterval` (30 s by default): here a quarter of the limit,
 * at most a second.
 */
function nodeRequestLimits(requestMs: number) {
  return {
    requestTimeout: requestMs,
    headersTimeout: requestMs,
    connectionsCheckingInterval: Math.max(50, Math.min(1000, Math.floor(requestMs / 4))),
  };
}

/** The whole API, without listening: `start.ts` listens, tests call `inject` or listen on port 0. */
export async function buildApp({ deps, logger = false }: BuildAppOptions): Promise<FastifyInstance> {
  const instance = typeof logger === 'object' && 'child' in logger ? logger : undefined;
  const app = Fastify({
    ...(instance
      ? { loggerInstance: instance as FastifyBaseLogger }
      : {
          logger: logger && {
            ...(typeof logger === 'object' ? logger : {}),
            // Bearer tokens and admin session cookies must never reach a log line.
            redact: ['req.headers.authorization', 'req.headers.cookie'],
          },
        }),
    // One line per request (onResponse below) instead of Fastify's two.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: BODY_LIMIT_BYTES,
    // Every door has a time limit too: a client that drips or stalls its request is cut off.
    requestTimeout: deps.config.timeouts.requestMs,
    connectionTimeout: deps.config.timeouts.connectionMs,
    keepAliveTimeout: Math.min(5000, deps.config.timeouts.connectionMs),
    http: nodeRequestLimits(deps.config.timeouts.requestMs),
    // Behind a proxy (TRUST_PROXY), request.ip is the client X-Forwarded-For names; off, the TCP peer.
    trustProxy: deps.config.trustProxy,
    // The router's own refusals (an over-long id, a malformed URL) in the one error shape too.
    frameworkErrors: (error, request, reply) => sendError(request, reply, error),
    clientErrorHandler: writeClientError,
    // Request ids in logs and responses let a client's report be matched to a log line.
    genReqId: () => crypto.randomUUID(),
  }).withTypeProvider<ZodTypeProvider>();

  // First, so it sees every route: a check that must cover routes added later walks this table.
  const routeTable: RouteEntry[] = [];
  app.decorate('routeTable', routeTable);
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) routeTable.push({ method, url: route.url, uploadToken: route.config?.uploadToken === true });
  });

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  // Callback-style, as is the metrics hook: an async hook costs a promise per request for nothing to await.
  app.addHook('onResponse', (request, reply, done) => {
    request.log.info({ method: request.method, url: request.url, status: reply.statusCode, ms: Math.round(reply.elapsedTime) }, 'request');
    done();
  });
  await app.register(errorsPlugin);
  await app.register(jsonBodyPlugin);
  await app.register(metricsPlugin);
  await app.register(pipelineMetricsPlugin, { deps });
  await app.register(webhookMetricsPlugin, { deps });
  await app.register(docsPlugin);
  await app.register(authPlugin, { deps });
  // Before the routes: it learns which take upload tokens as they are added.
  await app.register(corsPlugin, { origins: deps.config.corsOrigins });

  await app.register(opsRoutes, { deps });
  await app.register(uploadRoutes, { deps });
  await app.register(uploadTokenRoutes, { deps });
  await app.register(assetRoutes, { deps });
  await app.register(tenantRoutes, { deps });
  await app.register(deliveryKeyRoutes, { deps });
  await app.register(eventRoutes, { deps });
  await app.register(presetRoutes, { deps });
  await app.register(liveRoutes, { deps });
  await app.register(webhookRoutes, { deps });
  await app.register(importRoutes, { deps });
  await app.register(moderationRoutes, { deps });
  await app.register(usageRoutes, { deps });
  await app.register(uploadPageRoutes, { deps });
  // The admin routes (JSON under /v1/admin, and the console) in a scope of their own: only they read or
  // set the console's session cookie, so only their requests go through the cookie plugin's hooks.
  await app.register(async function adminScope(admin) {
    await admin.register(fastifyCookie);
    await admin.register(adminTenantRoutes, { deps });
    await admin.register(adminJobRoutes, { deps });
    await admin.register(adminBackfillRoutes, { deps });
    await admin.register(adminWebhookRoutes, { deps });
    await admin.register(adminModerationRoutes, { deps });
    await admin.register(adminUsageRoutes, { deps });
    await admin.register(adminDashboardRoutes, { deps });
  });
  return app;
}
