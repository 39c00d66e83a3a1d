import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppDeps } from '../deps.js';
import { startBackfill } from '../services/admin-backfill.js';
import { backfillSchema } from './admin-backfill.schemas.js';

const adminBackfillRoutes: FastifyPluginAsyncZod<{ deps: AppDeps }> = async (app, { deps }) => {
  app.addHook('onRequest', app.requireAdmin);

  app.post('/v1/admin/backfill', { schema: backfillSchema }, async (request, reply) => {
    const report = await startBackfill(deps, request.log, { preset: request.body.preset, dryRun: request.body.dryRun });
    return reply.status(202).send(report);
  });
};

export default adminBackfillRoutes;
