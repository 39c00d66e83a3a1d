import { type FaceBox, facesLargestFirst } from '@darkroom/core/contract/asset';
import { cropProblem, deliveryPolicyOf, type Crop, type Focus } from '@darkroom/core/delivery';
import { ERRORS } from '@darkroom/core/error-factories';
import { insertJob, latestAssetJob } from '@darkroom/db/queries/jobs';
import { lockAsset, reframeReadyAsset } from '@darkroom/db/queries/assets';
import { getTenant } from '@darkroom/db/queries/tenants';
import type { Executor } from '@darkroom/db/client';
import type { Asset, Job } from '@darkroom/db/schema';
import type { FastifyBaseLogger } from 'fastify';
import type { AppDeps } from '../deps.js';
import { recordAssetChange } from '@darkroom/intake';
import { enqueueAfterCommit } from '@darkroom/intake';
import { requireTenantAsset, type AssetOwner } from './manage-assets.js';

export interface Reframe {
  /** Undefined leaves it as it is; null clears it. */
  focus?: Focus | null | undefined;
  crop?: Crop | null | undefined;
  /** Faces marked by hand (a tenant key's: the route refuses an upload token's); null: not known. */
  faces?: FaceBox[] | null | undefined;
}

/** A crop must lie within the image as displayed; its shape (whole pixels, at least 16×16) is the schema's. */
export function assertCropFits(crop: Crop | null, size: { width: number | null; height: number | null }): void {
  if (!crop || size.width === null || size.height === null) return;
  const problem = cropProblem(crop, { width: size.width, height: size.height });
  if (problem) throw ERRORS.cropOutsideImage(problem);
}

/** Equal as stored (jsonb keeps no key order, so compare field by field). */
function sameJson(a: Record<string, number> | null, b: Record<string, number> | null): boolean {
  if (a === null || b === null) return a === b;
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((key) => a[key] === b[key]);
}

function sameFaces(a: readonly FaceBox[] | null, b: readonly FaceBox[] | null): boolean {
  if (a === null || b === null) return a === b;
  return a.length === b.length && a.every((face, i) => sameJson(face, b[i]!));
}

/** Focus and crop are a ready image's; faces any ready asset's (an image's, a video's poster's, an audio's cover's). */
function assertReframable(asset: Asset, changes: Reframe): void {
  const framing = changes.focus !== undefined || changes.crop !== undefined;
  if (framing && asset.kind !== 'image') {
    throw ERRORS.framingOfVideoAsset(asset.kind);
  }
  if (asset.status !== 'ready') {
    throw framing ? ERRORS.cropOfUnreadyAsset(asset.status) : ERRORS.facesOfUnreadyAsset(asset.status);
  }
}

/** Whether the tenant's delivery policy covers the faces in its eager variants (`enforceFaceRedaction`). */
async function enforcesRedaction(db: Executor, tenantId: string): Promise<boolean> {
  return deliveryPolicyOf((await getTenant(db, { id: tenantId }))?.delivery).enforceFaceRedaction !== null;
}

/** What a PATCH makes of the asset as it is now: its new focus, crop and faces, and which of them moved. */
function reframing(asset: Asset, changes: Reframe) {
  assertReframable(asset, changes);
  const focus = changes.focus === undefined ? asset.focus : changes.focus;
  const crop = changes.crop === undefined ? asset.crop : changes.crop;
  const faces = changes.faces === undefined || changes.faces === null ? changes.faces : facesLargestFirst(changes.faces);
  assertCropFits(crop, asset);
  const framed = !sameJson(focus, asset.focus) || !sameJson(crop, asset.crop);
  const facesChanged = faces !== undefined && !sameFaces(faces, asset.faces ?? null);
  return { focus, crop, faces, framed, facesChanged };
}

/**
 * `PATCH /v1/assets/:id`: a ready image's new focus and crop, a ready asset's faces. The asset stays
 * `ready` (its old variants are served until the new ones are committed) at `revision` + 1, and,
 * when its focus or crop moved, or its faces changed under a policy that covers them in the eager
 * variants (`enforceFaceRedaction`), its eager variants are rendered again as a reprocess renders
 * them, on the default lane (otherwise faces change no variant: only delivery's renders, under the
 * new revision). A job already open for the asset reads the new crop and faces when it runs; one
 * running now finds the revision moved when it records its render, and renders again (apps/worker's
 * assetProcess).
 */
export async function reframeAsset(deps: AppDeps, log: FastifyBaseLogger, params: AssetOwner & { id: string; changes: Reframe }): Promise<Asset> {
  const { id } = await requireTenantAsset(deps, params);
  const { reframed, job } = await deps.db.transaction(async (tx) => {
    // Read under the row's lock: a PATCH of another field committed meanwhile is kept, not written
    // back over with what this request read before it.
    const asset = await lockAsset(tx, { id });
    // Deleted since it was found: gone, as for any other request.
    if (!asset || asset.status === 'deleting') throw ERRORS.assetNotFound();
    const { focus, crop, faces, framed, facesChanged } = reframing(asset, params.changes);
    // The same focus, crop and faces again change nothing: no new revision, no render, no event.
    if (!framed && !facesChanged) return { reframed: asset, job: undefined };
    const changed = await reframeReadyAsset(tx, { id, focus, crop, faces });
    if (!changed) throw ERRORS.assetChangedMeanwhile();
    const rerender = framed || (facesChanged && (await enforcesRedaction(tx, asset.tenantId)));
    const open = rerender ? await latestAssetJob(tx, { assetId: id }) : undefined;
    const queued: Job | undefined =
      !rerender || (open && (open.state === 'queued' || open.state === 'active'))
        ? undefined
        : await insertJob(tx, { assetId: id, tenantId: asset.tenantId, kind: 'reprocess', maxAttempts: deps.config.jobMaxAttempts });
    // Last, under the row's lock, as a visibility change's: the bucket's record is never an older one's.
    await recordAssetChange(deps, changed);
    return { reframed: changed, job: queued };
  });
  if (job) await enqueueAfterCommit(deps, log, [job]);
  return reframed;
}
