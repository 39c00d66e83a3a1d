import type { AssetProcessPayload } from '@darkroom/core/queue';
import { getAsset } from '@darkroom/db/queries/assets';
import { getJob } from '@darkroom/db/queries/jobs';
import type { Asset, Job } from '@darkroom/db/schema';
import { isLiveState } from '@darkroom/queue';
import { DelayedError, type Job as QueueJob } from 'bullmq';
import type { WorkerDeps } from '../deps.js';
import { publishInterim } from '../render/video/chunk-join.js';
import { abandonFlowForDeletion, discardDeletedAsset } from '../deletion.js';
import { failChunkedRender, finishFlow } from './chunk-flow-end.js';
import { chunkObjects, type ChunkFlow } from '../render/video/chunk-objects.js';
import { recordJoinedBackfill } from './asset-backfill.js';
import { recordJoinedRender } from './asset-process.js';
import type { Skipped } from './attempt.js';

export type ChunkStepResult = { outcome: 'published' | 'ready' | 'backfilled' | 'up-to-date' | 'chunked' | 'failed' | 'rejected' } | Skipped;

const skipped = (reason: string): Skipped => ({ outcome: 'skipped', reason });

/**
 * A step of a job's chunked render, on the job's own lane at its rank, within the attempt that
 * queued it (whose row stays `active` throughout): `interim` publishes a ladder's lowest rung once
 * it is stored, `join` joins every ladder once all its parts are and renders and records the rest
 * as the job's entry would have (poster, renditions, storyboards), then the flow's chunks go. A step
 * that fails fails the attempt as a single render's failure would (`failChunkedRender`): the entry
 * itself ends either way.
 */
export async function chunkStep(deps: WorkerDeps, job: QueueJob<AssetProcessPayload>): Promise<ChunkStepResult> {
  const { jobId, assetId, step, attempt, ladder } = job.data;
  const row = await getJob(deps.db, { id: jobId });
  if (row?.state !== 'active' || row.attempts !== attempt) return skipped('its attempt is over');
  const asset = await getAsset(deps.db, { id: assetId });
  if (!asset) return skipped('asset deleted');
  if (asset.status === 'deleting') {
    await abandonFlowForDeletion(deps, asset, jobId);
    return skipped('asset deleted');
  }
  const flow = await chunkObjects(deps, asset, jobId).readFlow();
  if (!flow) return skipped('no chunked render');
  if (step === 'join' && (await interimUnderWay(deps, row, flow))) return waitForInterim(job);
  try {
    if (step !== 'interim') return await joinAndRecord(deps, asset, row, flow);
    const planHash = flow.ladders.find((l) => l.name === ladder)?.planHash;
    if (!planHash) return skipped('no such ladder');
    return (await publishInterim(deps, asset, row, ladder!, planHash)) === 'published' ? { outcome: 'published' } : skipped('not due');
  } catch (error) {
    const now = await getAsset(deps.db, { id: asset.id });
    if (!now) return discardDeletedAsset(deps, asset);
    if (now.status === 'deleting') {
      await abandonFlowForDeletion(deps, now, jobId);
      return skipped('asset deleted');
    }
    await failChunkedRender(deps, { jobId, assetId }, error);
    return { outcome: 'failed' };
  }
}

/** How long a join waits before it looks again at an interim step still under way. */
const INTERIM_RECHECK_MS = 500;

/**
 * Whether an interim step of this attempt is queued or running: the join waits for it, since both
 * write the ladder's master playlist and its `hls` row, and an interim one landing after the join's
 * would leave a ready asset on its lowest rung. One lost with Redis is not waited for (it is never
 * queued again once every part is stored: the join publishes instead).
 */
async function interimUnderWay(deps: WorkerDeps, row: Job, flow: ChunkFlow): Promise<boolean> {
  if (!flow.interim || !deps.assetQueue) return false;
  for (const { name } of flow.ladders) {
    const state = await deps.assetQueue.stepState(row, { step: 'interim', attempt: row.attempts, ladder: name });
    if (isLiveState(state)) return true;
  }
  return false;
}

async function waitForInterim(job: QueueJob<AssetProcessPayload>): Promise<never> {
  await job.moveToDelayed(Date.now() + INTERIM_RECHECK_MS, job.token);
  throw new DelayedError();
}

async function joinAndRecord(deps: WorkerDeps, asset: Asset, row: Job, flow: ChunkFlow): Promise<ChunkStepResult> {
  const result = row.kind === 'process' ? await recordJoinedRender(deps, asset, row, flow) : await recordJoinedBackfill(deps, asset, row, flow);
  await finishFlow(deps, asset, row, flow);
  return result;
}
