import { variantPrefix } from '@darkroom/core/keys';
import { completeJob, getJob } from '@darkroom/db/queries/jobs';
import { finishAssetDeletion } from '@darkroom/db/queries/asset-deletion';
import type { Asset } from '@darkroom/db/schema';
import { purgeAssetObjects } from '@darkroom/storage';
import type { WorkerDeps } from './deps.js';
import { assetObject } from './render/asset-object.js';
import { dropFlow } from './render/video/chunk-flow.js';
import { chunkObjects } from './render/video/chunk-objects.js';

/**
 * The worker's side of deleting an asset. The API's DELETE starts it (@darkroom/db's
 * asset-deletion.ts lays out the steps) and finishes it unless a worker has the asset in hand; that
 * worker finishes it once it sees the status (`abandonForDeletion`, `abandonFlowForDeletion`), and
 * the purge sweep whatever a failure left owed (`finishDeletion`).
 */

/**
 * Finishes a deletion: every bucket object of the asset, then its row. Waits (returns false) while
 * a worker has the asset's job in hand: that worker finishes the deletion when it sees the status.
 */
export async function finishDeletion(deps: WorkerDeps, asset: Asset): Promise<boolean> {
  const { bucket, publicBucket } = deps.config.storage;
  const removeObjects = () => purgeAssetObjects(deps.storage, { bucket, publicBucket, asset });
  return finishAssetDeletion(deps.db, { assetId: asset.id, removeObjects });
}

/**
 * The asset was deleted while its job waited or ran (its DELETE left it `deleting` because this job
 * was active): close the job, then finish the deletion, so what this attempt uploaded goes too.
 */
export async function abandonForDeletion(deps: WorkerDeps, asset: Asset, jobId: string): Promise<{ outcome: 'skipped'; reason: string }> {
  await completeJob(deps.db, { id: jobId });
  await finishDeletion(deps, asset);
  return { outcome: 'skipped', reason: 'asset deleted' };
}

/**
 * The asset was deleted while its render was chunked (its DELETE left it `deleting`, the job being
 * active): the flow's parts are taken off the queue, the job closed and the deletion finished here,
 * which removes every object of the asset, its chunks too.
 */
export async function abandonFlowForDeletion(deps: WorkerDeps, asset: Asset, jobId: string): Promise<void> {
  const row = await getJob(deps.db, { id: jobId });
  if (row?.state === 'active') {
    const flow = await chunkObjects(deps, asset, jobId).readFlow();
    if (flow) await dropFlow(deps, asset, row, flow);
    await completeJob(deps.db, { id: jobId });
  }
  await finishDeletion(deps, asset);
}

/** The asset was deleted while it rendered: remove what this attempt wrote; its rows went with it. */
export async function discardDeletedAsset(deps: WorkerDeps, asset: Asset): Promise<{ outcome: 'skipped'; reason: string }> {
  const variants = assetObject(deps, asset, variantPrefix(asset.tenantId, asset.id));
  await deps.storage.deletePrefix({ bucket: variants.bucket, prefix: variants.key });
  return { outcome: 'skipped', reason: 'asset deleted while processing' };
}
