import { listBackfills, type Backfill } from '@darkroom/db';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppDeps } from '../deps.js';
import { countBackfill, requireBackfill, startBackfill } from '../services/admin-backfill.js';
import { backfillSchema, getBackfillSchema, listBackfillsSchema } from './admin-backfill.schemas.js';

export function serializeBackfill(b: Backfill) {
  return {
    id: b.id,
    preset: b.preset,
    tenantId: b.tenantId,
    state: b.state,
    window: b.window,
    scanDone: b.scanDone,
    matched: b.matched,
    queued: b.queued,
    skipped: b.skipped,
    done: b.done,
    failed: b.failed,
    createdAt: b.createdAt.toISOString(),
    updatedAt: b.updatedAt.toISOString(),
    finishedAt: b.finishedAt?.toISOString() ?? null,
  };
}

const adminBackfillRoutes: FastifyPluginAsyncZod<{ deps: AppDeps }> = async (app, { deps }) => {
  app.addHook('onRequest', app.requireAdmin);

  app.post('/v1/admin/backfill', { schema: backfillSchema }, async (request, reply) => {
    const { preset, dryRun } = request.body;
    if (dryRun) return reply.status(202).send(await countBackfill(deps, { preset }));
    const backfill = await startBackfill(deps, request.log, { preset });
    return reply.status(202).send({ backfill: serializeBackfill(backfill) });
  });

  app.get('/v1/admin/backfills', { schema: listBackfillsSchema }, async (request) => {
    const page = await listBackfills(deps.db, request.query);
    return { items: page.items.map(serializeBackfill), nextCursor: page.nextCursor };
  });

  app.get('/v1/admin/backfills/:id', { schema: getBackfillSchema }, async (request) => {
    return { backfill: serializeBackfill(await requireBackfill(deps, request.params)) };
  });
};

export default adminBackfillRoutes;
