import { assetKindOf } from '@darkroom/core/content-types';
import { ERRORS } from '@darkroom/core/error-factories';
import { originalKey, stagingKey } from '@darkroom/core/keys';
import { resolvePreset } from '@darkroom/core/presets';
import { S3_MAX_PARTS } from '@darkroom/core/limits';
import type { Crop, Focus } from '@darkroom/core/delivery';
import type { UploadRules } from '@darkroom/core/contract/upload';
import type { Visibility } from '@darkroom/core/private-links';
import { insertUpload, setAssetUploadId } from '@darkroom/db/queries/assets';
import { newId } from '@darkroom/db/ids';
import type { Executor } from '@darkroom/db/client';
import type { Tenant, UploadToken } from '@darkroom/db/schema';
import type { AppDeps } from '../../deps.js';
import { ensureDeliveryKey } from '../delivery-key.js';
import { withUploadReserved } from '../tenant-quotas.js';
import { tenantUploadLimits, validateFilename } from '@darkroom/intake';
import { claimUpload, forcedUploadFields, narrowedTenant } from './upload-tokens.js';
import { checkMetadata, normalizeContentType } from './upload-rules.js';
import { presignMultipartUpload, presignPutUpload } from './upload-urls.js';

export interface StartUploadInput {
  filename: string;
  contentType: string;
  size: number;
  preset?: string | undefined;
  metadata?: Record<string, unknown> | undefined;
  /** Checked in shape here; against the image's size when the worker has probed it (it cuts a crop back to the image). */
  focus?: Focus | null | undefined;
  crop?: Crop | null | undefined;
  visibility?: Visibility | undefined;
}

/**
 * An upload's visibility: its own, else its upload token's, else its tenant's default, else
 * DEFAULT_VISIBILITY. Through a token it is the token's (or the tenant's default): asking for
 * another is `403 forbidden`.
 */
export function uploadVisibility(deps: AppDeps, tenant: Tenant, asked: Visibility | undefined, uploadToken?: UploadToken): Visibility {
  const fallback = uploadToken?.visibility ?? tenant.defaultVisibility ?? deps.config.defaultVisibility;
  if (uploadToken && asked !== undefined && asked !== fallback) throw ERRORS.tokenVisibilityForced(fallback);
  return asked ?? fallback;
}

function validateUpload(deps: AppDeps, tenant: Tenant, input: StartUploadInput, contentType: string): void {
  validateFilename(input.filename);
  const { accepted, maxBytes } = tenantUploadLimits(deps, tenant);
  if (!accepted.includes(contentType)) {
    throw ERRORS.typeNotAccepted(contentType, accepted);
  }
  if (input.size > maxBytes) {
    throw ERRORS.fileTooLarge(input.size, maxBytes);
  }
  if (input.metadata) checkMetadata(input.metadata);
  if ((input.focus || input.crop) && assetKindOf(contentType) !== 'image') {
    throw ERRORS.framingOfVideo(input.crop ? 'crop' : 'focus');
  }
}

/**
 * What an upload started with a browser upload token may be: within the token's limits (which only
 * narrow the tenant's), with the token's preset and metadata whatever the browser sent.
 */
function applyToken(deps: AppDeps, tenant: Tenant, input: StartUploadInput, uploadToken: UploadToken | undefined) {
  if (!uploadToken) return { tenant, input };
  return { tenant: narrowedTenant(deps, tenant, uploadToken), input: { ...input, ...forcedUploadFields(tenant, uploadToken, input) } };
}

/** `GET /v1/uploads/rules`: the limits `startUpload` applies to this caller, and the layout it picks. */
export function uploadRules(deps: AppDeps, keyTenant: Tenant, uploadToken?: UploadToken): UploadRules {
  const tenant = uploadToken ? narrowedTenant(deps, keyTenant, uploadToken) : keyTenant;
  const { maxBytes, accepted } = tenantUploadLimits(deps, tenant);
  const { multipartThreshold, partSize, urlTtlSeconds } = deps.config.uploads;
  return { maxBytes, acceptedContentTypes: [...accepted], multipartThreshold, partSize, maxParts: S3_MAX_PARTS, urlTtlSeconds };
}

/**
 * Starts an upload for a tenant key, or for a browser upload token (`uploadToken`): then the asset
 * records the token, and the token's count of uploads is taken in the transaction that inserts it.
 */
export async function startUpload(deps: AppDeps, keyTenant: Tenant, keyInput: StartUploadInput, uploadToken?: UploadToken) {
  const visibility = uploadVisibility(deps, keyTenant, keyInput.visibility, uploadToken);
  const { tenant, input } = applyToken(deps, keyTenant, keyInput, uploadToken);
  const contentType = normalizeContentType(input.contentType);
  validateUpload(deps, tenant, input, contentType);
  const presetName = input.preset ?? tenant.defaultPreset ?? 'default';
  if (!resolvePreset(deps.config.presets, tenant.presets, presetName)) {
    throw ERRORS.presetNotFound(presetName);
  }
  // Before the row: its URLs are signed with the key from the first answer on.
  const keyed = visibility === 'private' ? await ensureDeliveryKey(deps, keyTenant) : keyTenant;

  const { config, storage } = deps;
  const id = newId();
  // The client writes the staging key only; `complete` copies what it checked to the original key.
  const location = { bucket: config.storage.bucket, key: stagingKey(tenant.id, id) };
  const multipart = input.size >= config.uploads.multipartThreshold;

  // The row comes first, so a bucket upload is never opened for an asset nobody recorded: if the
  // insert fails there is nothing to leak. Its expiry cleans up an upload that never gets its id.
  const insert = (db: Executor, quotaHoldId: string | null) =>
    insertUpload(db, {
      id,
      tenantId: tenant.id,
      // `complete` refuses bytes of another kind, so the declared type's kind is the asset's.
      kind: assetKindOf(contentType),
      filename: input.filename,
      contentType,
      size: input.size,
      preset: presetName,
      metadata: input.metadata ?? null,
      focus: input.focus ?? null,
      crop: input.crop ?? null,
      originalKey: originalKey(tenant.id, id),
      uploadExpiresAt: new Date(Date.now() + config.uploads.ttlMs),
      uploadTokenId: uploadToken?.id ?? null,
      quotaHoldId,
      visibility,
    });
  // The declared size is reserved against the tenant's quotas before the row, in statements of
  // their own (nothing locked while this request goes on), and given back if the row is not written.
  const inserted = await withUploadReserved(deps, keyTenant, { id, size: input.size }, (quotaHoldId) =>
    uploadToken
      ? deps.db.transaction(async (tx) => {
          await claimUpload(tx, uploadToken);
          return insert(tx, quotaHoldId);
        })
      : insert(deps.db, quotaHoldId),
  );
  // Recorded at once; a crash between these two leaves an upload the multipart sweep aborts after UPLOAD_TTL.
  const uploadId = multipart ? (await storage.createMultipartUpload({ ...location, contentType })).uploadId : null;
  const asset = uploadId ? ((await setAssetUploadId(deps.db, { id, uploadId })) ?? inserted) : inserted;
  const upload = uploadId ? await presignMultipartUpload(deps, asset, uploadId) : await presignPutUpload(deps, asset);
  return { asset, upload, tenant: keyed };
}
