import { deliveryFacesUnknownPrefix } from '@darkroom/core/keys';
import { recordFoundFaces } from '@darkroom/db/queries/faces';
import type { Asset } from '@darkroom/db/schema';
import type { WorkerDeps } from '../deps.js';
import { assetObject } from '../render/asset-object.js';
import { fetchOriginal } from '../render/fetch-original.js';
import { searchFaces } from '../render/faces.js';
import type { StageTimer } from '../render/stage-timer.js';

/**
 * Whether a backfill job owes the asset its faces: a ready image never searched (made before face
 * detection, or while it was off or down), on a worker that searches. Video posters and audio covers
 * are searched at their first render only.
 */
export function facesOwed(deps: WorkerDeps, asset: Asset): boolean {
  return deps.config.faceDetection !== null && asset.kind === 'image' && asset.faces === null;
}

/**
 * The faces backfill's part of an AssetBackfill job (`npm run faces`): the original searched as a
 * first render searches it (whole, as displayed, in a render slot), the boxes recorded unless the
 * asset moved on meanwhile (a PATCH of its faces or framing). Idempotent: a retry finds the faces
 * known and searches nothing. A search that fails leaves them null (searchFaces logs it).
 */
export async function backfillFaces(deps: WorkerDeps, asset: Asset, run: { jobId: string; stages: StageTimer }): Promise<boolean> {
  const { jobId, stages } = run;
  const original = await stages.time('download', () => fetchOriginal(deps, asset));
  try {
    const ctx = { deps, asset, original, jobId, stages };
    const faces = await stages.timeRender((admit) => searchFaces(ctx, original.path, admit));
    if (faces === undefined) return false;
    const recorded = await stages.time('record', () => recordFoundFaces(deps.db, { id: asset.id, revision: asset.revision, faces }));
    if (!recorded) return false;
    deps.announceAsset?.(asset.id);
    await deleteFacesUnknownRenders(deps, recorded);
    return true;
  } finally {
    await original.cleanup();
  }
}

/**
 * The asset's `/img/` renders of this revision made while its faces were unknown, of options that
 * depend on them (core's deliveryFacesUnknownPrefix): delivery never answers with them once the faces
 * are known, and one a process stores late is only more of the same, so they go without waiting.
 */
async function deleteFacesUnknownRenders(deps: WorkerDeps, asset: Pick<Asset, 'id' | 'tenantId' | 'revision' | 'objectsVisibility'>): Promise<void> {
  const where = assetObject(deps, asset, deliveryFacesUnknownPrefix(asset.tenantId, asset.id, asset.revision));
  await deps.storage.deletePrefix({ bucket: where.bucket, prefix: where.key });
}
