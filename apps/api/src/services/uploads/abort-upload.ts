import { ERRORS } from '@darkroom/core/error-factories';
import { markAssetPurged, transitionAsset } from '@darkroom/db/queries/assets';
import type { Asset } from '@darkroom/db/schema';
import { purgeUploadObjects } from '@darkroom/storage';
import type { FastifyBaseLogger } from 'fastify';
import type { AppDeps } from '../../deps.js';
import { requireTenantAsset } from '../manage-assets.js';
import { releaseUploadReservation } from '../tenant-quotas.js';
import type { UploadOwner } from './resume-upload.js';

/**
 * Cancels an upload still `awaiting_upload`: the row turns `canceled` first (keeping its upload id,
 * so the storage work is still owed), then the multipart upload is aborted and the staging object
 * deleted, and only then is the row marked purged. If storage fails in between, the purge sweep
 * finishes it; a repeated abort tries again at once.
 */
export async function abortUpload(deps: AppDeps, log: FastifyBaseLogger, params: UploadOwner & { assetId: string }): Promise<Asset> {
  const asset = await requireTenantAsset(deps, { tenantId: params.tenantId, uploadTokenId: params.uploadTokenId, id: params.assetId });
  const canceled = asset.status === 'canceled' ? asset : await transitionAsset(deps.db, { id: asset.id, from: ['awaiting_upload'], to: 'canceled' });
  if (!canceled) {
    throw ERRORS.notAwaitingUpload('aborted', asset.status);
  }
  // Canceled: nothing more will be written through its URLs (a repeat gives back nothing).
  await releaseUploadReservation(deps, params.tenant, canceled.id);
  if (canceled.purgedAt) return canceled;
  try {
    await purgeUploadObjects(deps.storage, { bucket: deps.config.storage.bucket, asset: canceled });
    await markAssetPurged(deps.db, { id: canceled.id });
  } catch (error) {
    log.warn({ assetId: canceled.id, err: error }, 'could not remove a canceled upload from the bucket yet; the purge sweep will');
  }
  return canceled;
}
