import { assetRecordKey, chunkAssetPrefix, deliveryAssetPrefix, stagingKey, variantPrefix } from '@darkroom/core/keys';
import { VISIBILITIES } from '@darkroom/core/private-links';
import { ObjectNotFoundError } from './errors.js';
import type { ObjectHead, ObjectLocation, ObjectStorage } from './types.js';
import { assetObjectLocation } from './visibility.js';

/** What the purges need to know of an asset (its row holds all of it). */
export interface PurgedAsset {
  id: string;
  tenantId: string;
  originalKey: string;
  /** The open multipart upload of the staging object, if any. */
  uploadId: string | null;
}

export interface PurgeUploadOptions {
  /** The private bucket of originals (and staging objects). */
  bucket: string;
  asset: PurgedAsset;
  /** Given: the original is looked at first (a HEAD instead of the DELETE when there is none), and kept when this says so. */
  keepOriginal?: ((head: ObjectHead) => boolean) | undefined;
}

export interface PurgeAssetOptions extends PurgeUploadOptions {
  /** The public bucket of variants. */
  publicBucket: string;
}

/**
 * Removes what an upload left in the originals bucket: aborts its multipart upload (freeing the
 * parts) and deletes every version of the staging object, and of the original too (a `complete`
 * that died after its copy leaves one). Idempotent: what is already gone is fine, so a sweep can
 * run it again after a failure at any point.
 */
export async function purgeUploadObjects(storage: ObjectStorage, options: PurgeUploadOptions): Promise<void> {
  const { bucket, asset } = options;
  const staging = { bucket, key: stagingKey(asset.tenantId, asset.id) };
  if (asset.uploadId) await storage.abortMultipartUpload({ ...staging, uploadId: asset.uploadId });
  await storage.deleteObject(staging);
  const original = { bucket, key: asset.originalKey };
  if (options.keepOriginal) {
    const head = await storage.headObject(original).catch((error: unknown) => {
      if (error instanceof ObjectNotFoundError) return null;
      throw error;
    });
    if (head === null || options.keepOriginal(head)) return;
  }
  await storage.deleteObject(original);
}

/** The key prefixes an asset's derived objects live under (variants, delivery's renders), in either visibility's place. */
export function assetObjectPrefixes(asset: Pick<PurgedAsset, 'id' | 'tenantId'>): string[] {
  return [variantPrefix(asset.tenantId, asset.id), deliveryAssetPrefix(asset.tenantId, asset.id)];
}

/**
 * Removes everything of an asset from both buckets: its upload, staging object, original, the
 * record beside it, variants and delivery's renders (every revision), a long video's chunks, where a public asset keeps
 * them and where a private one does (a move between the two may have been under way). Idempotent.
 */
export async function purgeAssetObjects(storage: ObjectStorage, options: PurgeAssetOptions): Promise<void> {
  const { bucket, asset } = options;
  await purgeUploadObjects(storage, options);
  await storage.deleteObject({ bucket, key: assetRecordKey(asset.tenantId, asset.id) });
  await purgeRenderedObjects(storage, options);
}

/**
 * Removes what was rendered of an asset (variants, delivery's renders, a long video's chunks) from
 * both places, keeping its original and record: a rejected asset's. Idempotent.
 */
export async function purgeRenderedObjects(storage: ObjectStorage, options: PurgeAssetOptions): Promise<void> {
  const { bucket, publicBucket, asset } = options;
  for (const visibility of VISIBILITIES) {
    for (const prefix of assetObjectPrefixes(asset)) {
      await storage.deletePrefix(listingOf(assetObjectLocation({ bucket, publicBucket }, visibility, prefix)));
    }
  }
  // A long video's chunks, always in the private place, whatever its visibility (never moved).
  await storage.deletePrefix(listingOf(assetObjectLocation({ bucket, publicBucket }, 'private', chunkAssetPrefix(asset.tenantId, asset.id))));
}

const listingOf = ({ bucket, key }: ObjectLocation) => ({ bucket, prefix: key });

/**
 * Aborts multipart uploads under `prefix` begun before `initiatedBefore`. An upload older than the
 * upload TTL belongs to no live asset (expiry has ended it), so its parts only use space: this
 * catches the ones a failure left behind (a crash between opening the upload and recording it, or
 * in the middle of a copy in parts).
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
