import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

declare module 'fastify' {
  interface FastifyInstance {
    metrics: Registry;
    /** Server-Sent Events streams open on this process, by stream (`asset` or `tenant`). */
    sseConnections: Gauge<'stream'>;
  }
}

/** Prometheus metrics on a registry of this app's own, so several apps in one process don't collide. */
async function metricsPlugin(app: FastifyInstance) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const requests = new Counter({
    name: 'darkroom_http_requests_total',
    help: 'HTTP requests by route and status',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'darkroom_http_request_duration_seconds',
    help: 'HTTP request duration by route',
    labelNames: ['method', 'route'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  app.decorate('metrics', registry);
  const sseConnections = new Gauge({
    name: 'darkroom_sse_connections_open',
    help: 'Server-Sent Events streams open on this process',
    labelNames: ['stream'] as const,
    registers: [registry],
  });
  // Both streams from the start, so a dashboard reads 0 rather than nothing.
  for (const stream of ['asset', 'tenant']) sseConnections.set({ stream }, 0);
  app.decorate('sseConnections', sseConnections);

  // Each label set's children, looked up once: prom-client otherwise checks and hashes the labels
  // on every call. Routes are the router's patterns, so the set stays small.
  const children = new Map<string, { count: { inc(): void }; time: { observe(seconds: number): void } }>();
  app.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url ?? 'unmatched';
    const key = `${request.method} ${route} ${reply.statusCode}`;
    let child = children.get(key);
    if (!child) {
      child = {
        count: requests.labels({ method: request.method, route, status: String(reply.statusCode) }),
        time: duration.labels({ method: request.method, route }),
      };
      children.set(key, child);
    }
    child.count.inc();
    child.time.observe(reply.elapsedTime / 1000);
    done();
  });
}

export default fp(metricsPlugin, { name: 'darkroom-metrics' });
