import { maskPrivateLinks } from '@darkroom/core/mask-private-links';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import type { DeliveryDeps } from '../deps.js';
import type { DeliveryMetrics } from '../metrics.js';
import { writePublicCorsHeaders } from './answer-headers.js';
import { sendRefusal, writeClientError } from './refusals.js';
import imageRoutes from './image-route.js';
import opsRoutes from './ops-routes.js';
import privateRoutes, { isPrivateLinkUrl, sendPrivateRefusal } from './private-route.js';
import { meterDeliveries } from './usage-meter.js';

/**
 * A refusal the router or an unexpected error makes, answered as its URL's route answers refusals
 * (every answer under `/img/` allows any origin, one of a URL the router refuses too) and counted
 * as the image request it was refused.
 */
function refuse(metrics: DeliveryMetrics, request: FastifyRequest, reply: FastifyReply, error: unknown): FastifyReply {
  const { url } = request;
  const privateLink = isPrivateLinkUrl(url);
  if (!privateLink && !url.startsWith('/img/')) return sendRefusal(request, reply, error);
  metrics.requests.inc({ result: 'refused' });
  if (privateLink) return sendPrivateRefusal(request, reply, error);
  writePublicCorsHeaders(reply);
  return sendRefusal(request, reply, error);
}

/** The longest path segment the router takes (an id is 36, options far less); longer is a 404. */
const MAX_SEGMENT_LENGTH = 512;

export interface BuildDeliveryAppOptions {
  deps: DeliveryDeps;
  /** A pino logger (start.ts), or false for none (tests). */
  logger?: Logger | false;
}

/** The delivery server, without listening: `start.ts` listens, tests listen on port 0. */
export async function buildDeliveryApp({ deps, logger = false }: BuildDeliveryAppOptions): Promise<FastifyInstance> {
  const { requestMs, connectionMs } = deps.config.timeouts;
  const { queueTimeoutMs, timeoutMs } = deps.config.render;
  // A socket says nothing while its image waits for a slot and renders: not idle, so not cut off.
  const answerMs = Math.max(connectionMs, queueTimeoutMs + timeoutMs + 5000);
  const app = Fastify({
    ...(logger ? { loggerInstance: logger as FastifyBaseLogger } : { logger: false }),
    // One line per request (onResponse below) instead of Fastify's two.
    logController: new LogController({ disableRequestLogging: true }),
    requestTimeout: requestMs,
    connectionTimeout: answerMs,
    keepAliveTimeout: Math.min(5000, connectionMs),
    http: { requestTimeout: requestMs, headersTimeout: requestMs },
    routerOptions: { maxParamLength: MAX_SEGMENT_LENGTH },
    frameworkErrors: (error, request, reply) => refuse(deps.metrics, request, reply, error),
    clientErrorHandler: writeClientError,
    genReqId: () => crypto.randomUUID(),
  });
  // No hook at all when its line would not be written: a stored image's answer is that much shorter.
  if (logger ? logger.isLevelEnabled('info') : false) {
    app.addHook('onResponse', (request, reply, done) => {
      // The path only (a query string could carry anything), a private link's signature masked.
      const url = maskPrivateLinks(request.url.split('?', 1)[0]!);
      request.log.info({ method: request.method, url, status: reply.statusCode, ms: Math.round(reply.elapsedTime) }, 'request');
      done();
    });
  }
  meterDeliveries(app, deps.usage);
  app.setErrorHandler((error, request, reply) => refuse(deps.metrics, request, reply, error));
  app.setNotFoundHandler((request, reply) => refuse(deps.metrics, request, reply, { statusCode: 404 }));
  await app.register(opsRoutes, { deps });
  await app.register(imageRoutes, { deps });
  await app.register(privateRoutes, { deps });
  return app;
}
