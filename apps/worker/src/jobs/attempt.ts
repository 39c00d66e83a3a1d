import type { AssetProcessPayload } from '@darkroom/core/queue';
import { completeJob } from '@darkroom/db/queries/jobs';
import { getAsset } from '@darkroom/db/queries/assets';
import { startJobAttemptOutsideMoves } from '@darkroom/db/queries/visibility';
import type { Asset, Job } from '@darkroom/db/schema';
import { DelayedError, type Job as QueueJob } from 'bullmq';
import { abandonForDeletion, discardDeletedAsset } from '../deletion.js';
import type { WorkerDeps } from '../deps.js';
import { failInterruptedTooOften, recordFailure, type OnFinalFailure } from './job-failure.js';
import { isScannerUnavailable, waitForScanner } from '../moderation/scanner-wait.js';

export type Skipped = { outcome: 'skipped'; reason: string };

export interface AttemptHandler<R> {
  /** Why this job has nothing to do for the asset as it is now (null: go ahead); the job then completes. */
  skipReason(asset: Asset | undefined): string | null;
  /** The work; it completes the job row itself, in the transaction that records its result (or leaves it to its chunked render's join). */
  run(asset: Asset, row: Job): Promise<R>;
  /** What else a job that failed for good changes (AssetProcess marks its asset failed). */
  onFinalFailure?(asset: Asset): OnFinalFailure;
  /** Runs after every attempt that started, however it ended (a backfill feeds its next window). */
  settled?(row: Job): Promise<void>;
}

/** How long a job whose asset is being moved waits before it looks again, at most (a move may end early). */
const MOVE_RECHECK_MS = 2_000;

/**
 * The asset's objects are being moved between buckets: the entry waits (delayed, no attempt
 * counted, no slot held) until the move's claim lapses or MOVE_RECHECK_MS, whichever is sooner.
 */
async function waitForMove(job: QueueJob<AssetProcessPayload>, until: Date): Promise<never> {
  const wait = Math.min(Math.max(until.getTime() - Date.now(), 100), MOVE_RECHECK_MS);
  await job.moveToDelayed(Date.now() + wait, job.token);
  throw new DelayedError();
}

/**
 * One attempt of any asset job, the same for every kind: start it on the job row (skipping a job
 * that already finished, so redelivery is harmless), skip an asset with nothing to do, fail a job
 * whose workers keep dying, run the work, and record a failure as a retry or the final outcome.
 */
export async function runAttempt<R>(deps: WorkerDeps, job: QueueJob<AssetProcessPayload>, handler: AttemptHandler<R>): Promise<R | Skipped> {
  const { jobId, assetId } = job.data;
  const start = await startJobAttemptOutsideMoves(deps.db, { jobId, assetId });
  if (start.kind === 'moving') return waitForMove(job, start.until);
  if (start.kind === 'finished') return { outcome: 'skipped', reason: 'job already finished' };
  const { row } = start;
  try {
    const asset = await getAsset(deps.db, { id: assetId });
    if (asset?.status === 'deleting') return await abandonForDeletion(deps, asset, jobId);
    const reason = handler.skipReason(asset);
    if (reason || !asset) {
      await completeJob(deps.db, { id: jobId });
      return { outcome: 'skipped', reason: reason ?? 'asset deleted' };
    }
    const onFinal = handler.onFinalFailure?.(asset);
    if (row.attempts > row.maxAttempts) return await failInterruptedTooOften(deps, { jobId, attempts: row.attempts - 1, onFinal });
    try {
      return await handler.run(asset, row);
    } catch (error) {
      const now = await getAsset(deps.db, { id: asset.id });
      if (!now) return await discardDeletedAsset(deps, asset);
      if (now.status === 'deleting') return await abandonForDeletion(deps, now, jobId);
      if (isScannerUnavailable(error)) return await waitForScanner(deps, job, row, error);
      return await recordFailure(deps, job, { row, error, onFinal });
    }
  } finally {
    await handler.settled?.(row);
  }
}
