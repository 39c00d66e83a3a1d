import { listBackfills } from '@darkroom/db/queries/backfills';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppDeps } from '../../deps.js';
import { countBackfill, requireBackfill, startBackfill } from '../../services/admin/backfill.js';
import { backfillSchema, getBackfillSchema, listBackfillsSchema } from './backfill.schemas.js';
import { backfillView } from '../../views.js';

const adminBackfillRoutes: FastifyPluginAsyncZod<{ deps: AppDeps }> = async (app, { deps }) => {
  app.addHook('onRequest', app.requireAdmin);

  app.post('/v1/admin/backfill', { schema: backfillSchema }, async (request, reply) => {
    const { preset, dryRun } = request.body;
    if (dryRun) return reply.status(202).send(await countBackfill(deps, { preset }));
    const backfill = await startBackfill(deps, request.log, { preset });
    return reply.status(202).send({ backfill: backfillView(backfill) });
  });

  app.get('/v1/admin/backfills', { schema: listBackfillsSchema }, async (request) => {
    const page = await listBackfills(deps.db, request.query);
    return { items: page.items.map(backfillView), nextCursor: page.nextCursor };
  });

  app.get('/v1/admin/backfills/:id', { schema: getBackfillSchema }, async (request) => {
    return { backfill: backfillView(await requireBackfill(deps, request.params)) };
  });
};

export default adminBackfillRoutes;
