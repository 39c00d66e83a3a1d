import { findExistingAssetIds, getAsset } from '@darkroom/db';
import type { ListedObject } from '@darkroom/storage';
import type { WorkerDeps } from './deps.js';

export interface OrphanObject {
  bucket: string;
  key: string;
  size: number;
  assetId: string;
}

export interface OrphanScanOptions {
  /** Only look under this tenant's keys. */
  tenantId?: string | undefined;
  /** Leave objects younger than this alone: a delete in flight removes objects before the row. */
  minAgeMs: number;
}

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
// Only keys of Darkroom's own layout are judged; anything else in the bucket is not ours to touch.
const OWNED_KEY = new RegExp(`^(?:originals|variants)/${UUID}/(${UUID})(?:/|$)`);
const BATCH = 500;

async function* orphansIn(deps: WorkerDeps, bucket: string, prefix: string, options: OrphanScanOptions): AsyncGenerator<OrphanObject> {
  const cutoff = Date.now() - options.minAgeMs;
  let batch: { object: ListedObject; assetId: string }[] = [];
  const flush = async function* () {
    const existing = await findExistingAssetIds(deps.db, { ids: [...new Set(batch.map((b) => b.assetId))] });
    for (const { object, assetId } of batch) {
      if (!existing.has(assetId)) yield { bucket, key: object.key, size: object.size, assetId };
    }
    batch = [];
  };
  for await (const object of deps.storage.listObjects({ bucket, prefix })) {
    const assetId = OWNED_KEY.exec(object.key)?.[1];
    if (!assetId || (object.lastModified && object.lastModified.getTime() > cutoff)) continue;
    batch.push({ object, assetId });
    if (batch.length >= BATCH) yield* flush();
  }
  yield* flush();
}

/** Objects under `originals/` and `variants/` whose asset row does not exist. */
export async function* findOrphanObjects(deps: WorkerDeps, options: OrphanScanOptions): AsyncGenerator<OrphanObject> {
  const { bucket, publicBucket } = deps.config.storage;
  const tenant = options.tenantId ? `${options.tenantId}/` : '';
  yield* orphansIn(deps, bucket, `originals/${tenant}`, options);
  yield* orphansIn(deps, publicBucket, `variants/${tenant}`, options);
}

export interface OrphanUpload {
  bucket: string;
  key: string;
  uploadId: string;
  initiated: Date | undefined;
}

/**
 * Multipart uploads under `originals/` that no asset is waiting on (no row, or a row that records
 * another upload or none): their parts use space until aborted.
 */
export async function* findOrphanUploads(deps: WorkerDeps, options: OrphanScanOptions): AsyncGenerator<OrphanUpload> {
  const { bucket } = deps.config.storage;
  const cutoff = Date.now() - options.minAgeMs;
  const prefix = `originals/${options.tenantId ? `${options.tenantId}/` : ''}`;
  for await (const upload of deps.storage.listMultipartUploads({ bucket, prefix })) {
    const assetId = OWNED_KEY.exec(upload.key)?.[1];
    if (!assetId || (upload.initiated && upload.initiated.getTime() > cutoff)) continue;
    const asset = await getAsset(deps.db, { id: assetId });
    if (asset?.status === 'awaiting_upload' && asset.uploadId === upload.uploadId) continue;
    yield { bucket, ...upload };
  }
}

export async function abortOrphanUpload(deps: WorkerDeps, orphan: OrphanUpload): Promise<void> {
  await deps.storage.abortMultipartUpload({ bucket: orphan.bucket, key: orphan.key, uploadId: orphan.uploadId });
}

export async function deleteOrphanObject(deps: WorkerDeps, orphan: OrphanObject): Promise<void> {
  await deps.storage.deleteObject({ bucket: orphan.bucket, key: orphan.key });
}
