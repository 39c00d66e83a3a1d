import { getAsset } from '@darkroom/db/queries/assets';
import type { Job } from '@darkroom/db/schema';
import { isLiveState } from '@darkroom/queue';
import type { WorkerDeps } from '../deps.js';
import { errorOfChunkFailure } from '../jobs/chunk-render.js';
import { dueSteps, flowRef, readFlowState, trackParts } from '../render/video/chunk-flow.js';
import { abandonFlowForDeletion } from '../deletion.js';
import { failChunkedRender } from '../jobs/chunk-flow-end.js';
import { chunkObjects } from '../render/video/chunk-objects.js';

/**
 * The reconciler's pass over an `active` job whose entry has ended: when it is a chunked render
 * (its flow stored), the markers say what is owed, and whatever Redis lost is queued again: parts
 * neither stored, held nor in the queue, and the interim or join step due without a live entry. A
 * part or step that failed for good unseen (its process died first) fails the attempt. Returns how
 * many were queued again, or null when the job is no chunked render (the caller queues it again).
 */
export async function reconcileChunkFlow(deps: WorkerDeps, row: Job): Promise<number | null> {
  if (!deps.chunkQueue || !deps.assetQueue) return null;
  const asset = await getAsset(deps.db, { id: row.assetId });
  const flow = asset ? await chunkObjects(deps, asset, row.id).readFlow() : null;
  if (!asset || !flow) return null;
  if (asset.status === 'deleting') {
    await abandonFlowForDeletion(deps, asset, row.id);
    return 0;
  }
  const state = await readFlowState(deps, asset, row.id, flow);
  const parts = await trackParts(deps, flowRef(asset, row), state, 'report');
  if (parts.failedReason !== null) {
    await failChunkedRender(deps, { jobId: row.id, assetId: asset.id }, errorOfChunkFailure(parts.failedReason));
    return 0;
  }
  let queued = parts.held;
  for (const step of await dueSteps(state, flow, row.attempts)) {
    const stepState = await deps.assetQueue.stepState(row, step);
    if (isLiveState(stepState)) continue;
    if (stepState === 'failed') {
      await failChunkedRender(deps, { jobId: row.id, assetId: asset.id }, new Error(`the ${step.step} step of a chunked render stopped`));
      return queued;
    }
    await deps.assetQueue.enqueueStep(row, step, { replace: true });
    queued++;
  }
  // Entries that ended unseen no longer count against the tenant's parts in flight.
  await deps.chunkQueue.release(asset.tenantId, { prune: true });
  return queued;
}
