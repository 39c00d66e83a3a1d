import { variantPrefix } from '@darkroom/core';
import type { ObjectStorage } from './types.js';

export interface PurgeTarget {
  /** The private bucket of originals and the public one of variants. */
  bucket: string;
  publicBucket: string;
  tenantId: string;
  assetId: string;
  originalKey: string;
  /** The open multipart upload of the original, if any. */
  uploadId: string | null;
}

/**
 * Removes what an upload left in the originals bucket: aborts its multipart upload (freeing the
 * parts) and deletes every version of the object. Idempotent: what is already gone is fine, so a
 * sweep can run it again after a failure at any point.
 */
export async function purgeUploadObjects(storage: ObjectStorage, target: Omit<PurgeTarget, 'publicBucket' | 'tenantId' | 'assetId'>): Promise<void> {
  const location = { bucket: target.bucket, key: target.originalKey };
  if (target.uploadId) await storage.abortMultipartUpload({ ...location, uploadId: target.uploadId });
  await storage.deleteObject(location);
}

/** Removes everything of an asset from both buckets: its upload, its original and its variants. Idempotent. */
export async function purgeAssetObjects(storage: ObjectStorage, target: PurgeTarget): Promise<void> {
  await purgeUploadObjects(storage, target);
  await storage.deletePrefix({ bucket: target.publicBucket, prefix: variantPrefix(target.tenantId, target.assetId) });
}

/**
 * Aborts multipart uploads under `prefix` begun before `initiatedBefore`. An upload older than the
 * upload TTL belongs to no live asset (expiry has ended it), so its parts only use space: this
 * catches the ones a failure left behind (a crash between opening the upload and recording it).
 */
export async function abortStaleMultipartUploads(
  storage: ObjectStorage,
  options: { bucket: string; prefix: string; initiatedBefore: Date },
): Promise<number> {
  let aborted = 0;
  for await (const upload of storage.listMultipartUploads({ bucket: options.bucket, prefix: options.prefix })) {
    if (!upload.initiated || upload.initiated >= options.initiatedBefore) continue;
    await storage.abortMultipartUpload({ bucket: options.bucket, key: upload.key, uploadId: upload.uploadId });
    aborted++;
  }
  return aborted;
}
