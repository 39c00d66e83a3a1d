import { DarkroomError } from '@darkroom/core';
import {
  findJobIds,
  getAsset,
  getJob,
  insertJob,
  isUuid,
  latestAssetJob,
  requeueFailedJob,
  transitionAsset,
  type Job,
  type JobFilter,
} from '@darkroom/db';
import type { FastifyBaseLogger } from 'fastify';
import type { AppDeps } from '../deps.js';
import { enqueueAfterCommit } from './enqueue-after-commit.js';

/** A new round of attempts for a failed job; its asset goes back to `queued`. */
export async function retryJob(deps: AppDeps, log: FastifyBaseLogger, params: { id: string }): Promise<Job> {
  const existing = isUuid(params.id) ? await getJob(deps.db, params) : undefined;
  if (!existing) throw new DarkroomError('not_found', 'No job with that id.');
  const job = await deps.db.transaction(async (tx) => {
    const requeued = await requeueFailedJob(tx, { id: params.id, extraAttempts: deps.config.jobMaxAttempts });
    if (requeued) await transitionAsset(tx, { id: requeued.assetId, from: ['failed'], to: 'queued', set: { errorCode: null, errorMessage: null } });
    return requeued;
  });
  if (!job) {
    throw new DarkroomError('invalid_state', `Only failed jobs can be retried; this one is ${existing.state}.`, { state: existing.state });
  }
  await enqueueAfterCommit(deps, log, [job], { replaceFinished: true });
  return job;
}

/** Retries every failed job matching the filter; with `dryRun`, only counts them. */
export async function retryJobs(
  deps: AppDeps,
  log: FastifyBaseLogger,
  params: { filter: JobFilter; dryRun: boolean },
): Promise<{ matched: number; requeued: number }> {
  const ids = await findJobIds(deps.db, { ...params.filter, state: 'failed' });
  if (params.dryRun) return { matched: ids.length, requeued: 0 };
  let requeued = 0;
  for (const id of ids) {
    try {
      await retryJob(deps, log, { id });
      requeued++;
    } catch (error) {
      // Someone else retried it meanwhile: not an error for a bulk action.
      if (!(error instanceof DarkroomError && error.code === 'invalid_state')) throw error;
    }
  }
  return { matched: ids.length, requeued };
}

/** Renders an asset again from its original (a `reprocess` job). An unfinished job is returned as it is. */
export async function reprocessAsset(deps: AppDeps, log: FastifyBaseLogger, params: { assetId: string }): Promise<Job> {
  const asset = isUuid(params.assetId) ? await getAsset(deps.db, { id: params.assetId }) : undefined;
  if (!asset) throw new DarkroomError('not_found', 'No asset with that id.');
  const open = await latestAssetJob(deps.db, { assetId: asset.id });
  if (open && (open.state === 'queued' || open.state === 'active')) return open;
  const job = await deps.db.transaction(async (tx) => {
    const moved = await transitionAsset(tx, { id: asset.id, from: ['ready', 'failed'], to: 'queued' });
    if (!moved) {
      throw new DarkroomError('invalid_state', `Only ready or failed assets can be reprocessed; this one is ${asset.status}.`, {
        status: asset.status,
      });
    }
    return insertJob(tx, { assetId: asset.id, tenantId: asset.tenantId, kind: 'reprocess', maxAttempts: deps.config.jobMaxAttempts });
  });
  await enqueueAfterCommit(deps, log, [job]);
  return job;
}
