import { ERRORS } from '@darkroom/core/error-factories';
import { stagingKey } from '@darkroom/core/keys';
import type { RestartedUpload, SignedUploadRequest, UploadParts } from '@darkroom/core/contract/upload';
import type { Asset, Tenant } from '@darkroom/db/schema';
import { UploadNotFoundError } from '@darkroom/storage';
import type { AppDeps } from '../../deps.js';
import { requireTenantAsset, type AssetOwner } from '../manage-assets.js';
import { renewUploadReservation } from '../tenant-quotas.js';
import { partLength } from './upload-rules.js';
import { partLayout, presignParts, presignPutUpload } from './upload-urls.js';

/**
 * Resuming an upload after a reload or a lost connection: a multipart upload learns which parts the
 * bucket holds and gets fresh URLs for the rest; a PUT upload gets a fresh URL for the whole file.
 */

/** The asset's owner, and its tenant: fresh URLs renew the upload's reservation against the tenant's quotas. */
export type UploadOwner = AssetOwner & { tenant: Tenant };

function requireAwaiting(asset: Asset): void {
  if (asset.status !== 'awaiting_upload') {
    throw ERRORS.notAwaitingUpload('resumed', asset.status);
  }
  // The worker's expiry sweep has not turned it `expired` yet, but a URL for it would be no use.
  if (asset.uploadExpiresAt.getTime() <= Date.now()) {
    throw ERRORS.uploadExpired();
  }
}

/** `GET /v1/uploads/:assetId/parts`: the parts already in the bucket, and URLs for the missing ones only. */
export async function listUploadParts(deps: AppDeps, params: UploadOwner & { assetId: string }): Promise<UploadParts> {
  const asset = await requireTenantAsset(deps, { ...params, id: params.assetId });
  requireAwaiting(asset);
  if (!asset.uploadId) {
    throw ERRORS.notMultipart(asset.status);
  }
  await renewUploadReservation(deps, params.tenant, asset);
  const { partSize, count } = partLayout(deps, asset);
  const held = await deps.storage
    .listParts({ bucket: deps.config.storage.bucket, key: stagingKey(asset.tenantId, asset.id), uploadId: asset.uploadId })
    .catch((error: unknown) => {
      throw error instanceof UploadNotFoundError ? ERRORS.uploadGone() : error;
    });
  // A part is done only when the bucket holds all of it; a part number past the file's cannot come
  // from our URLs, and is left for `complete` to refuse.
  const uploaded = held.filter((part) => part.partNumber <= count && part.size === partLength(part.partNumber, partSize, asset.size));
  const done = new Set(uploaded.map((part) => part.partNumber));
  const missing = Array.from({ length: count }, (_, index) => index + 1).filter((partNumber) => !done.has(partNumber));
  const signed = await presignParts(deps, asset, asset.uploadId, missing);
  return { partSize, uploaded, parts: signed.parts, expiresAt: signed.expiresAt };
}

/** `POST /v1/uploads/:assetId/url`: a fresh URL to PUT the whole file again. */
export async function restartPutUpload(deps: AppDeps, params: UploadOwner & { assetId: string }): Promise<RestartedUpload> {
  const asset = await requireTenantAsset(deps, { ...params, id: params.assetId });
  requireAwaiting(asset);
  if (asset.uploadId) {
    throw ERRORS.isMultipart(asset.status);
  }
  await renewUploadReservation(deps, params.tenant, asset);
  return { upload: await presignPutUpload(deps, asset) };
}

/**
 * `POST /v1/uploads/:assetId/sign`: a URL that lists or completes this asset's own multipart upload
 * in the bucket, for a client that does those itself (Uppy 6). Nothing else is signed: the parts'
 * URLs come from the start and `/parts`, and `complete` still checks what the bucket assembled.
 */
export async function signMultipartRequest(
  deps: AppDeps,
  params: AssetOwner & { assetId: string; operation: 'ListParts' | 'CompleteMultipartUpload' },
): Promise<SignedUploadRequest> {
  const asset = await requireTenantAsset(deps, { ...params, id: params.assetId });
  requireAwaiting(asset);
  if (!asset.uploadId) {
    throw ERRORS.nothingToSign(asset.status);
  }
  const signed = await deps.storage.presignMultipartRequest({
    bucket: deps.config.storage.bucket,
    key: stagingKey(asset.tenantId, asset.id),
    uploadId: asset.uploadId,
    operation: params.operation,
    expiresInSeconds: deps.config.uploads.urlTtlSeconds,
  });
  return { method: params.operation === 'ListParts' ? 'GET' : 'POST', url: signed.url, expiresAt: signed.expiresAt.toISOString() };
}
