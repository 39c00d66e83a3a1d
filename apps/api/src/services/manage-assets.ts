import { DarkroomError, variantPrefix } from '@darkroom/core';
import { deleteAssetRow, getTenantAsset, isUuid, listVariantsByAsset, transitionAsset, type Asset } from '@darkroom/db';
import type { AppDeps } from '../deps.js';
import { serializeAsset } from '../serializers.js';

/** An asset of this tenant, or `not_found` (also for other tenants' ids, which must not leak). */
export async function requireTenantAsset(deps: AppDeps, params: { tenantId: string; id: string }): Promise<Asset> {
  const asset = isUuid(params.id) ? await getTenantAsset(deps.db, params) : undefined;
  if (!asset) throw new DarkroomError('not_found', 'No asset with that id.');
  return asset;
}

/** Cancels an upload still `awaiting_upload`: aborts its multipart upload and removes any partial object. */
export async function abortUpload(deps: AppDeps, params: { tenantId: string; assetId: string }): Promise<Asset> {
  const asset = await requireTenantAsset(deps, { tenantId: params.tenantId, id: params.assetId });
  if (asset.status === 'canceled') return asset;
  const canceled = await transitionAsset(deps.db, {
    id: asset.id,
    from: ['awaiting_upload'],
    to: 'canceled',
    set: { uploadId: null },
  });
  if (!canceled) {
    throw new DarkroomError('invalid_state', `Only an upload awaiting its bytes can be aborted; this asset is ${asset.status}.`, {
      status: asset.status,
    });
  }
  const location = { bucket: deps.config.storage.bucket, key: asset.originalKey };
  if (asset.uploadId) await deps.storage.abortMultipartUpload({ ...location, uploadId: asset.uploadId });
  await deps.storage.deleteObject(location);
  return canceled;
}

/** Removes the original and every variant from the buckets, then the row (its jobs and variants go with it). */
export async function deleteAsset(deps: AppDeps, params: { tenantId: string; id: string }): Promise<void> {
  const asset = await requireTenantAsset(deps, params);
  const { bucket, publicBucket } = deps.config.storage;
  if (asset.uploadId) {
    await deps.storage.abortMultipartUpload({ bucket, key: asset.originalKey, uploadId: asset.uploadId });
  }
  await deps.storage.deletePrefix({ bucket: publicBucket, prefix: variantPrefix(asset.tenantId, asset.id) });
  await deps.storage.deleteObject({ bucket, key: asset.originalKey });
  await deleteAssetRow(deps.db, { id: asset.id });
}

/** Assets as the API shows them: each with its variants and their CDN URLs (one query for the whole page). */
export async function presentAssets(deps: AppDeps, assets: Asset[]) {
  const variantsByAsset = await listVariantsByAsset(deps.db, { assetIds: assets.map((a) => a.id) });
  return assets.map((asset) => serializeAsset(asset, variantsByAsset.get(asset.id) ?? [], deps.publicUrl));
}

export async function presentAsset(deps: AppDeps, asset: Asset) {
  const [shown] = await presentAssets(deps, [asset]);
  return shown!;
}
