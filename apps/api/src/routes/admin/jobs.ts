import { ASSET_BACKFILL_QUEUE, ASSET_QUEUE } from '@darkroom/core/queue';
import { countJobsByState } from '@darkroom/db/queries/job-counts';
import { listJobs } from '@darkroom/db/queries/jobs';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppDeps } from '../../deps.js';
import { adminJobView, jobView } from '../../views.js';
import { reprocessAsset, retryJob, retryJobs } from '../../services/admin/jobs.js';
import { bulkRetrySchema, listJobsSchema, pauseSchema, queueCountsSchema, reprocessSchema, retryJobSchema } from './jobs.schemas.js';

const toFilter = (q: { tenantId?: string | undefined; errorCode?: string | undefined; since?: string | undefined; until?: string | undefined }) => ({
  tenantId: q.tenantId,
  errorCode: q.errorCode,
  since: q.since ? new Date(q.since) : undefined,
  until: q.until ? new Date(q.until) : undefined,
});

const adminJobRoutes: FastifyPluginAsyncZod<{ deps: AppDeps }> = async (app, { deps }) => {
  app.addHook('onRequest', app.requireAdmin);

  app.get('/v1/admin/jobs', { schema: listJobsSchema }, async (request) => {
    const { state, limit, cursor } = request.query;
    const page = await listJobs(deps.db, { ...toFilter(request.query), state, limit, cursor });
    return { items: page.items.map(adminJobView), nextCursor: page.nextCursor };
  });

  app.post('/v1/admin/jobs/:id/retry', { schema: retryJobSchema }, async (request, reply) => {
    const job = await retryJob(deps, request.log, { id: request.params.id });
    return reply.status(202).send({ job: jobView(job) });
  });

  app.post('/v1/admin/jobs/retry', { schema: bulkRetrySchema }, async (request, reply) => {
    const result = await retryJobs(deps, request.log, { filter: toFilter(request.body), dryRun: request.body.dryRun });
    return reply.status(202).send(result);
  });

  app.post('/v1/admin/assets/:id/reprocess', { schema: reprocessSchema }, async (request, reply) => {
    const job = await reprocessAsset(deps, request.log, { assetId: request.params.id });
    return reply.status(202).send({ job: jobView(job) });
  });

  app.get('/v1/admin/queues', { schema: queueCountsSchema }, async () => {
    const [queue, backfill, jobs] = await Promise.all([deps.queue.counts(), deps.queue.counts('backfill'), countJobsByState(deps.db)]);
    return {
      queue: { name: ASSET_QUEUE, ...queue },
      backfillQueue: { name: ASSET_BACKFILL_QUEUE, ...backfill },
      jobs: jobs.counts,
      estimated: jobs.estimated,
    };
  });

  app.post('/v1/admin/queues/pause', { schema: pauseSchema }, async () => {
    await deps.queue.pause();
    return { paused: true };
  });

  app.post('/v1/admin/queues/resume', { schema: pauseSchema }, async () => {
    await deps.queue.resume();
    return { paused: false };
  });
};

export default adminJobRoutes;
