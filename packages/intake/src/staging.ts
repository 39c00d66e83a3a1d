import { assetKindOf } from '@darkroom/core/content-types';
import { ERRORS } from '@darkroom/core/error-factories';
import { stagingKey } from '@darkroom/core/keys';
import type { Asset } from '@darkroom/db/schema';
import { ObjectNotFoundError, StorageRequestError, UploadNotFoundError, type CompletedPart, type ObjectLocation } from '@darkroom/storage';
import { checkAudio, type AudioFacts } from './audio-check.js';
import { describeOriginal } from './bucket-records.js';
import { checkDeclared, headLengthOf } from './bytes.js';
import type { IntakeDeps, IntakeLog } from './deps.js';

/**
 * The bucket side of confirming an upload (confirm-upload.ts): the client's bytes sit in the staging object (the one key an upload
 * URL can write), and the checked original is a server-side copy of them under the original key.
 */
function stagingOf(deps: IntakeDeps, asset: Asset): ObjectLocation {
  return { bucket: deps.config.storage.bucket, key: stagingKey(asset.tenantId, asset.id) };
}

export async function finishMultipart(deps: IntakeDeps, log: IntakeLog, asset: Asset, parts: CompletedPart[] | undefined): Promise<void> {
  if (!asset.uploadId) {
    if (parts?.length) throw ERRORS.partsOfPutUpload();
    return;
  }
  if (!parts?.length) {
    throw ERRORS.partsMissing();
  }
  const sorted = [...parts].sort((a, b) => a.partNumber - b.partNumber);
  try {
    await deps.storage.completeMultipartUpload({ ...stagingOf(deps, asset), uploadId: asset.uploadId, parts: sorted });
  } catch (error) {
    // A racing call (or one that died before its commit) may have completed it already; the copy that follows tells.
    if (error instanceof UploadNotFoundError) return;
    if (error instanceof StorageRequestError) {
      // The storage error names the bucket and key: the log gets it, the tenant the S3 code alone.
      log.warn({ assetId: asset.id, err: error }, 'the bucket refused to assemble the parts of an upload');
      throw ERRORS.partsNotAssembled(error.s3Code ?? null);
    }
    throw error;
  }
}

/**
 * The object has the declared size and, in its first bytes, the declared type. One ranged GET says
 * both: its Content-Range names the whole size. Audio reads a little more (a WAV's chunk sizes),
 * and only the checked copy is probed (`checkAudio`).
 */
async function checkObject(deps: IntakeDeps, asset: Asset, location: ObjectLocation): Promise<{ size: number; bytes: Uint8Array }> {
  const start = await deps.storage.readStart({ ...location, length: headLengthOf(asset.contentType) }).catch((error: unknown) => {
    throw error instanceof ObjectNotFoundError ? ERRORS.nothingUploaded() : error;
  });
  checkDeclared(asset, start);
  return start;
}

/**
 * Why a copy failed, in the tenant's terms: nothing uploaded; or, for a copy in parts, which asks
 * for byte ranges up to the declared size, an object of another size (the staging object's own
 * size and first bytes say so). Anything else is rethrown as it came.
 */
async function explainCopyFailure(deps: IntakeDeps, asset: Asset, error: unknown): Promise<never> {
  if (error instanceof ObjectNotFoundError) throw ERRORS.nothingUploaded();
  if (error instanceof StorageRequestError) await checkObject(deps, asset, stagingOf(deps, asset));
  throw error;
}

/**
 * Copies the staging object to the original key on the bucket's side (in parts above the copy
 * threshold), then checks the copy itself: its size and its first bytes. The checks run on the
 * copy, which only this code writes, rather than on the staging object, which the client may
 * rewrite at any moment: that leaves no gap between what was checked and what is read, without
 * relying on x-amz-copy-source-if-match (Ceph RGW 16 ignores it on CopyObject). A copy that fails
 * its checks is deleted again. The copy carries the asset's record (`describeOriginal`). Returns the
 * staging version the copy read, for `removeStaging`, and for audio what its probe found.
 */
export async function copyToOriginal(
  deps: IntakeDeps,
  log: IntakeLog,
  asset: Asset,
): Promise<{ stagingVersionId: string | undefined; audio: AudioFacts | null }> {
  const original = { bucket: deps.config.storage.bucket, key: asset.originalKey };
  const { multipartThreshold, partSize } = deps.config.uploads.copy;
  const source = {
    sourceKey: stagingOf(deps, asset).key,
    size: asset.size,
    contentType: asset.contentType,
    metadata: await describeOriginal(deps, asset),
  };
  const copied = await deps.storage
    .copyObject({ ...original, ...source, multipartThreshold, partSize })
    .catch((error: unknown) => explainCopyFailure(deps, asset, error));
  try {
    const start = await checkObject(deps, asset, original);
    const audio = assetKindOf(asset.contentType) === 'audio' ? await checkAudio(deps, log, original, start) : null;
    return { stagingVersionId: copied.sourceVersionId, audio };
  } catch (error) {
    await deps.storage.deleteObject(original).catch(() => {}); // else expiry or an abort removes it
    throw error;
  }
}

/**
 * After the commit: the staging object has served. Only the version the copy read is deleted (one
 * request, no listing); any other version (a PUT through the URL before or after it) is then the
 * current one, which the staging sweep deletes. A failure only delays it to that sweep too.
 */
export async function removeStaging(deps: IntakeDeps, log: IntakeLog, asset: Asset, versionId: string | undefined): Promise<void> {
  try {
    await deps.storage.deleteObjectVersion({ ...stagingOf(deps, asset), versionId });
  } catch (error) {
    log.warn({ assetId: asset.id, err: error }, "could not delete a confirmed upload's staging object yet; the staging sweep will");
  }
}
