import type { FastifyInstance } from 'fastify';
import type { DeliveryDeps } from '../deps.js';

/** `GET /healthz` (the process answers) and `GET /metrics` (Prometheus), as the API's. */
export default async function opsRoutes(app: FastifyInstance, { deps }: { deps: DeliveryDeps }) {
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/metrics', async (_request, reply) => {
    reply.header('content-type', deps.metrics.registry.contentType);
    return deps.metrics.registry.metrics();
  });
}
