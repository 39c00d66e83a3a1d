import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppDeps } from '../../deps.js';
import { EXPORT_CONTENT_TYPES, usageExportStream } from '../../services/usage/export.js';
import { exportUsageSchema } from './usage.schemas.js';

/** `GET /v1/admin/usage`: every tenant's usage rows for billing, streamed in JSON, CSV or JSON lines. */
const adminUsageRoutes: FastifyPluginAsyncZod<{ deps: AppDeps }> = async (app, { deps }) => {
  app.addHook('onRequest', app.requireAdmin);

  app.get('/v1/admin/usage', { schema: exportUsageSchema }, async (request, reply) => {
    const { format, ...range } = request.query;
    const body = await usageExportStream(deps.db, range, format);
    const name = `usage-${range.granularity}-${range.from.toISOString().slice(0, 13)}.${format}`;
    return (
      reply
        .header('content-type', EXPORT_CONTENT_TYPES[format])
        .header('content-disposition', `attachment; filename="${name}"`)
        .header('cache-control', 'no-store')
        // Fastify pipes a stream as it comes (backpressure included); the schema types only bodies it serializes.
        .send(body as never)
    );
  });
};

export default adminUsageRoutes;
