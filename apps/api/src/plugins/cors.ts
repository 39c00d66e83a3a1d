import { ERRORS } from '@darkroom/core/error-factories';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';

/**
 * CORS for browsers holding an upload token, on the routes such a token may call (those whose config
 * says `uploadToken`) and nowhere else: the rest of the API is for servers, and a browser there is
 * refused by its own CORS check. Origins come from CORS_ORIGINS (`*`: any). A small hook rather than
 * @fastify/cors, which answers per plugin scope, while the routes a token may call share their
 * scopes with routes it may not.
 */

/** What a browser script may read of a response: the rate limit, so a page can back off. */
const EXPOSED_HEADERS = 'RateLimit-Limit, RateLimit-Remaining, RateLimit-Reset, Retry-After';
const ALLOWED_HEADERS = 'Authorization, Content-Type';
/** How long a browser may reuse a preflight's answer. */
const PREFLIGHT_MAX_AGE_SECONDS = 600;

interface BrowserRoute {
  pattern: RegExp;
  methods: Set<string>;
}

/** `/v1/uploads/:assetId/parts` → a pattern matching one path segment per parameter. */
function pathPattern(url: string): RegExp {
  const source = url
    .split('/')
    .map((segment) => (segment.startsWith(':') ? '[^/]+' : segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('/');
  return new RegExp(`^${source}$`);
}

async function corsPlugin(app: FastifyInstance, opts: { origins: string[] }) {
  const anyOrigin = opts.origins.includes('*');
  const allowed = (origin: string | undefined): origin is string => origin !== undefined && (anyOrigin || opts.origins.includes(origin));
  const browserRoutes = new Map<string, BrowserRoute>();

  app.addHook('onRoute', (route) => {
    if (route.config?.uploadToken !== true) return;
    const entry = browserRoutes.get(route.url) ?? { pattern: pathPattern(route.url), methods: new Set<string>() };
    for (const method of [route.method].flat()) entry.methods.add(method);
    browserRoutes.set(route.url, entry);
  });

  function allowOrigin(reply: FastifyReply, origin: string | undefined): void {
    reply.header('vary', 'Origin');
    if (allowed(origin)) reply.header('access-control-allow-origin', origin);
  }

  // On every response of a browser route, errors included: a page reads its 401 or 429 only with these.
  app.addHook('onRequest', (request, reply, done) => {
    if (request.routeOptions.config.uploadToken === true) {
      allowOrigin(reply, request.headers.origin);
      if (allowed(request.headers.origin)) reply.header('access-control-expose-headers', EXPOSED_HEADERS);
    }
    done();
  });

  const routeFor = (request: FastifyRequest) => {
    const path = request.url.split('?')[0]!;
    return [...browserRoutes.values()].find((route) => route.pattern.test(path));
  };

  // Preflights: only a browser route, asked from an allowed origin for one of its methods, gets a yes.
  app.options('/*', { schema: { hide: true } }, async (request, reply) => {
    const route = routeFor(request);
    const method = String(request.headers['access-control-request-method'] ?? '').toUpperCase();
    if (!route?.methods.has(method)) throw ERRORS.noBrowserRoute(method || 'OPTIONS', request.url.split('?')[0]!);
    allowOrigin(reply, request.headers.origin);
    if (!allowed(request.headers.origin)) throw ERRORS.originNotAllowed();
    reply.header('access-control-allow-methods', [...route.methods].join(', '));
    reply.header('access-control-allow-headers', ALLOWED_HEADERS);
    reply.header('access-control-max-age', String(PREFLIGHT_MAX_AGE_SECONDS));
    return reply.status(204).send();
  });
}

export default fp(corsPlugin, { name: 'darkroom-cors' });
