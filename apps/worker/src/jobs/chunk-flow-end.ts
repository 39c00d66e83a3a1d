import { deleteVariantsByName } from '@darkroom/db/queries/variants';
import { getAsset, transitionAsset } from '@darkroom/db/queries/assets';
import { getJob } from '@darkroom/db/queries/jobs';
import type { Asset, Job } from '@darkroom/db/schema';
import type { WorkerDeps } from '../deps.js';
import { recordFlowFailure, type OnFinalFailure } from './job-failure.js';
import { feedBackfill } from '../backfill-feed.js';
import { abandonFlowForDeletion } from '../deletion.js';
import { dropFlow } from '../render/video/chunk-flow.js';
import { chunkObjects, type ChunkFlow } from '../render/video/chunk-objects.js';
import { currentVariants, deleteSupersededObjects } from '../render/store-variants.js';

/** Once the join step has recorded the render: the flow's entries and its chunk objects go (the orphan sweep's if this fails). */
export async function finishFlow(deps: WorkerDeps, asset: Asset, row: Job, flow: ChunkFlow): Promise<void> {
  try {
    await dropFlow(deps, asset, row, flow);
    await chunkObjects(deps, asset, row.id).deleteAll();
  } catch (error) {
    deps.log.warn({ jobId: row.id, err: error }, "could not remove a joined ladder's chunks");
  }
  if (row.backfillId) await feedBackfill(deps, deps.assetQueue!, row.backfillId);
}

/**
 * A chunked render that failed (a part for good, or a step): its attempt is over while its row is
 * `active` and its plan the one the failure was for. The flow's parts are taken off the queue, then
 * the failure is recorded as a single render's would be: a retry (queued after JOB_RETRY_SCHEDULE's
 * delay; the parts stored stay, for a retry of the same plan to join) or the job's end, its chunks
 * removed and, for a first render, its asset failed with its interim stream taken down.
 */
export async function failChunkedRender(deps: WorkerDeps, ref: { jobId: string; assetId: string; planHash?: string }, error: unknown): Promise<void> {
  const row = await getJob(deps.db, { id: ref.jobId });
  const asset = await getAsset(deps.db, { id: ref.assetId });
  if (row?.state !== 'active' || !asset) return;
  if (asset.status === 'deleting') return abandonFlowForDeletion(deps, asset, row.id);
  const flow = await chunkObjects(deps, asset, row.id).readFlow();
  if (ref.planHash !== undefined && !flow?.ladders.some((l) => l.planHash === ref.planHash)) return;
  if (flow) await dropFlow(deps, asset, row, flow);
  const onFinal: OnFinalFailure | undefined = row.kind === 'process' ? (failure) => failChunkedAsset(deps, asset, failure, flow) : undefined;
  await recordFlowFailure(deps, row, error, onFinal);
  if (row.backfillId) await feedBackfill(deps, deps.assetQueue!, row.backfillId);
}

/**
 * The asset of a first render that failed for good: `failed`, and an interim stream it published
 * taken down (its row gone and `playable` back to false in the same transition, its objects after).
 */
async function failChunkedAsset(deps: WorkerDeps, asset: Asset, failure: { code: string; message: string }, flow: ChunkFlow | null) {
  const names = flow?.interim ? flow.ladders.map((l) => l.name) : [];
  const interim = (await currentVariants(deps, asset.id)).filter((v) => names.includes(v.name));
  await deps.db.transaction(async (tx) => {
    if (interim.length > 0) await deleteVariantsByName(tx, { assetId: asset.id, names });
    const set = { errorCode: failure.code, errorMessage: failure.message, ...(names.length > 0 ? { playable: false } : {}) };
    await transitionAsset(tx, { id: asset.id, from: ['queued', 'processing'], to: 'failed', set });
  });
  await deleteSupersededObjects(deps, asset, interim, []);
}
