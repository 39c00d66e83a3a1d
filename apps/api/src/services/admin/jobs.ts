import { ERRORS } from '@darkroom/core/error-factories';
import {
  countJobs,
  findJobIds,
  getJob,
  insertJob,
  latestAssetJob,
  requeueFailedJob,
  requeueFailedJobs,
  type JobFilter,
} from '@darkroom/db/queries/jobs';
import { getAsset, transitionAsset, transitionAssets } from '@darkroom/db/queries/assets';
import { isUuid } from '@darkroom/db/pagination';
import type { Job } from '@darkroom/db/schema';
import type { FastifyBaseLogger } from 'fastify';
import { enqueueAfterCommit } from '@darkroom/intake';
import type { AppDeps } from '../../deps.js';

/** A new round of attempts for a failed job; its asset goes back to `queued`. */
export async function retryJob(deps: AppDeps, log: FastifyBaseLogger, params: { id: string }): Promise<Job> {
  const existing = isUuid(params.id) ? await getJob(deps.db, params) : undefined;
  if (!existing) throw ERRORS.jobNotFound();
  const job = await deps.db.transaction(async (tx) => {
    const requeued = await requeueFailedJob(tx, { id: params.id, extraAttempts: deps.config.jobMaxAttempts });
    if (requeued) await transitionAsset(tx, { id: requeued.assetId, from: ['failed'], to: 'queued', set: { errorCode: null, errorMessage: null } });
    return requeued;
  });
  if (!job) {
    throw ERRORS.retryOfUnfailedJob(existing.state);
  }
  await enqueueAfterCommit(deps, log, [job], { replaceFinished: true });
  return job;
}

/** Failed jobs a bulk retry moves per transaction (and per bulk enqueue). */
export const RETRY_BATCH = 500;

/**
 * Retries every failed job matching the filter, RETRY_BATCH at a time: each batch is one UPDATE of
 * its jobs and one of their assets in a transaction, then one enqueue, so memory and transactions
 * stay bounded however many jobs match. With `dryRun`, only counts them.
 */
export async function retryJobs(
  deps: AppDeps,
  log: FastifyBaseLogger,
  params: { filter: JobFilter; dryRun: boolean; batchSize?: number },
): Promise<{ matched: number; requeued: number }> {
  const filter = { ...params.filter, state: 'failed' as const };
  if (params.dryRun) return { matched: await countJobs(deps.db, filter), requeued: 0 };
  const limit = params.batchSize ?? RETRY_BATCH;
  let matched = 0;
  let requeued = 0;
  let afterId: string | undefined;
  for (;;) {
    const ids = await findJobIds(deps.db, { ...filter, limit, afterId });
    if (ids.length === 0) break;
    matched += ids.length;
    afterId = ids.at(-1);
    // Jobs someone else retried meanwhile are no longer failed: left out, not an error.
    const jobs = await deps.db.transaction(async (tx) => {
      const moved = await requeueFailedJobs(tx, { ids, extraAttempts: deps.config.jobMaxAttempts });
      const assetIds = moved.map((j) => j.assetId);
      await transitionAssets(tx, { ids: assetIds, from: ['failed'], to: 'queued', set: { errorCode: null, errorMessage: null } });
      return moved;
    });
    await enqueueAfterCommit(deps, log, jobs, { replaceFinished: true });
    requeued += jobs.length;
    if (ids.length < limit) break;
  }
  return { matched, requeued };
}

/** Renders an asset again from its original (a `reprocess` job). An unfinished job is returned as it is. */
export async function reprocessAsset(deps: AppDeps, log: FastifyBaseLogger, params: { assetId: string }): Promise<Job> {
  const asset = isUuid(params.assetId) ? await getAsset(deps.db, { id: params.assetId }) : undefined;
  if (!asset) throw ERRORS.assetNotFound();
  const open = await latestAssetJob(deps.db, { assetId: asset.id });
  if (open && (open.state === 'queued' || open.state === 'active')) return open;
  const job = await deps.db.transaction(async (tx) => {
    const moved = await transitionAsset(tx, { id: asset.id, from: ['ready', 'failed'], to: 'queued' });
    if (!moved) {
      throw ERRORS.reprocessOfUnfinishedAsset(asset.status);
    }
    return insertJob(tx, { assetId: asset.id, tenantId: asset.tenantId, kind: 'reprocess', maxAttempts: deps.config.jobMaxAttempts });
  });
  await enqueueAfterCommit(deps, log, [job]);
  return job;
}
