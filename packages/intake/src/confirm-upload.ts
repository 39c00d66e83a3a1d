import { ERRORS } from '@darkroom/core/error-factories';
import { CONFIRMED_STATUSES, type Asset, type Job } from '@darkroom/db/schema';
import { getTenantAsset, lockAsset } from '@darkroom/db/queries/assets';
import { latestAssetJob } from '@darkroom/db/queries/jobs';
import type { CompletedPart } from '@darkroom/storage';
import { afterConfirm, confirmAsset } from './confirm.js';
import type { IntakeDeps, IntakeLog } from './deps.js';
import { copyToOriginal, finishMultipart, removeStaging } from './staging.js';

const invalidState = (status: Asset['status']) => ERRORS.uploadAlreadyFinished(status);

/**
 * Confirms an upload (`POST /v1/uploads/{id}/complete`). The client's bytes are in the staging
 * object, the only key an upload URL can write; they are copied on the bucket's side to the
 * original key, and the copy is checked: the declared size, and first bytes of the declared type
 * (audio is probed too: `checkAudio`). The asset then turns `queued` and its job row is written
 * (`confirmAsset`), in the transaction that has held the asset's row locked since before the copy.
 * After the commit the job is queued and the staging object deleted. A repeat (or a racing second
 * call) returns the same job. The copy is the first bucket request (a missing object fails it:
 * `upload_missing`), one ranged GET of the copy checks size and type, and the delete names the
 * version the copy read: three requests (docs/design/api.md#requests-per-upload).
 *
 * Why the original is exactly what was checked, whatever fails:
 * - Only this function writes the original key, only while it holds the row locked and the row is
 *   still `awaiting_upload`. Once `queued`, the original never changes: a later PUT through an old
 *   URL lands in staging, which nothing reads and the worker's staging sweep deletes.
 * - A crash after the copy but before the commit rolls the transaction back, and the staging object
 *   is still there (it is deleted only after the commit): a retry copies and checks again. Until
 *   then nothing reads that original (no job, no preview while awaiting the upload), and an expiry
 *   or abort deletes it if no retry comes.
 * - A crash after the commit leaves only the staging object: a retry returns the job, and the
 *   staging sweep deletes the object, as its asset no longer awaits an upload.
 * - Staging gone while the row still awaits its upload happens only when the sweep removed it past
 *   UPLOAD_TTL (the upload expires then anyway); `complete` answers `upload_missing`.
 */
export async function confirmUpload(
  deps: IntakeDeps,
  log: IntakeLog,
  params: { tenantId: string; assetId: string; parts?: CompletedPart[] | undefined },
): Promise<{ asset: Asset; job: Job }> {
  const asset = await getTenantAsset(deps.db, { tenantId: params.tenantId, id: params.assetId });
  if (!asset) throw ERRORS.assetNotFound();
  if (CONFIRMED_STATUSES.includes(asset.status)) return existingJob(deps, asset);
  if (asset.status !== 'awaiting_upload') throw invalidState(asset.status);

  try {
    await finishMultipart(deps, log, asset, params.parts);
  } catch (error) {
    // A racing call may have confirmed it (and deleted the staging object) meanwhile.
    return outcomeNow(deps, asset, error);
  }
  const queued = await copyAndQueue(deps, log, asset);
  if (!queued) return outcomeNow(deps, asset);
  await afterConfirm(deps, log, [queued.job]);
  await removeStaging(deps, log, asset, queued.stagingVersionId);
  return { asset: queued.asset, job: queued.job };
}

/**
 * The copy, its checks and the move to `queued`, with the row locked throughout, so a racing
 * `complete`, DELETE, abort or expiry waits, and then finds the asset settled. This holds one pooled
 * connection for the length of a server-side copy (a single request up to the copy threshold).
 * Returns null when the asset no longer awaits its upload.
 */
async function copyAndQueue(
  deps: IntakeDeps,
  log: IntakeLog,
  asset: Asset,
): Promise<{ asset: Asset; job: Job; stagingVersionId: string | undefined } | null> {
  return deps.db.transaction(async (tx) => {
    const locked = await lockAsset(tx, { id: asset.id });
    if (locked?.status !== 'awaiting_upload') return null;
    const { stagingVersionId, audio } = await copyToOriginal(deps, log, asset);
    const confirmed = await confirmAsset(deps, tx, { asset, set: audio });
    return confirmed && { ...confirmed, stagingVersionId };
  });
}

/**
 * What became of an asset another call changed meanwhile: confirmed (its job), deleted
 * (`not_found`), canceled or expired (`invalid_state`); still awaiting its upload: `error`.
 */
async function outcomeNow(deps: IntakeDeps, asset: Asset, error?: unknown): Promise<{ asset: Asset; job: Job }> {
  const now = await getTenantAsset(deps.db, { tenantId: asset.tenantId, id: asset.id });
  if (!now) throw ERRORS.assetNotFound();
  if (CONFIRMED_STATUSES.includes(now.status)) return existingJob(deps, now);
  if (error !== undefined && now.status === 'awaiting_upload') throw error;
  throw invalidState(now.status);
}

async function existingJob(deps: IntakeDeps, asset: Asset): Promise<{ asset: Asset; job: Job }> {
  const job = await latestAssetJob(deps.db, { assetId: asset.id });
  if (!job) throw ERRORS.confirmedWithoutJob(asset.status);
  return { asset, job };
}
