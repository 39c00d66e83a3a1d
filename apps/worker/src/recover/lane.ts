import type { AssetProcessPayload } from '@darkroom/core';
import { getJob } from '@darkroom/db';
import type { AssetQueue } from '@darkroom/queue';
import type { Job as QueueJob } from 'bullmq';
import type { WorkerDeps } from '../deps.js';
import { assetBackfill } from '../jobs/asset-backfill.js';
import { assetProcess } from '../jobs/asset-process.js';
import { chunkStep } from '../jobs/chunk-steps.js';

/**
 * The backfill lane's jobs: re-renders of stale variants, and the first renders of assets `npm run
 * recover` rebuilt without one (their row says `process`), which go on this lane so that however
 * many there are, fresh uploads never wait behind them; and the steps of their chunked renders.
 */
export async function backfillLaneJob(deps: WorkerDeps, job: QueueJob<AssetProcessPayload>, queue: AssetQueue) {
  if (job.data.step) return chunkStep(deps, job);
  const row = await getJob(deps.db, { id: job.data.jobId });
  return row?.kind === 'process' ? assetProcess(deps, job) : assetBackfill(deps, job, queue);
}
