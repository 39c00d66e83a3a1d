import {
  CHUNKS_PREFIX,
  DELIVERY_PREFIX,
  ORIGINALS_PREFIX,
  originalKey,
  PRIVATE_OBJECTS_PREFIX,
  STAGING_PREFIX,
  VARIANTS_PREFIX,
} from '@darkroom/core/keys';
import { VISIBILITIES } from '@darkroom/core/private-links';
import { describesAsset } from '@darkroom/db/records/codec';
import { findAssetStatuses, getAsset, isAssetInHand } from '@darkroom/db/queries/assets';
import { assetObjectLocation, ObjectNotFoundError, type ListedObject } from '@darkroom/storage';
import type { WorkerDeps } from '../deps.js';

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

export const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
// Only keys of Darkroom's own layout are judged (a private asset's objects keep their key under
// the private prefix); anything else in the bucket is not ours to touch.
const OWNED_KEY = new RegExp(
  `^(?:${PRIVATE_OBJECTS_PREFIX})?(?:${[ORIGINALS_PREFIX, STAGING_PREFIX, VARIANTS_PREFIX, DELIVERY_PREFIX, CHUNKS_PREFIX].join('|')})(${UUID})/(${UUID})(?:/|$)`,
);
const BATCH = 500;

/** `prefix` narrowed to one tenant's keys when a tenant is given. */
export function underTenant(prefix: string, tenantId?: string): string {
  return `${prefix}${tenantId ? `${tenantId}/` : ''}`;
}

export interface OwnedObject {
  object: ListedObject;
  tenantId: string;
  assetId: string;
}

/** Objects of Darkroom's own layout under `prefix` with their tenant's and asset's ids, in batches (one database lookup each). */
export async function* ownedObjectBatches(deps: WorkerDeps, location: { bucket: string; prefix: string }): AsyncGenerator<OwnedObject[]> {
  let batch: OwnedObject[] = [];
  for await (const object of deps.storage.listObjects(location)) {
    const [, tenantId, assetId] = OWNED_KEY.exec(object.key) ?? [];
    if (!tenantId || !assetId) continue;
    batch.push({ object, tenantId, assetId });
    if (batch.length >= BATCH) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}

export const assetIdsOf = (batch: OwnedObject[]) => [...new Set(batch.map((b) => b.assetId))];

/**
 * Of assets without a row, those whose original describes itself: uploads `complete` confirmed
 * that a restored database does not know yet (`npm run recover` rebuilds them). They, their
 * variants and their renders are never garbage. One HEAD per such asset, and none for the others.
 */
async function describedOriginals(deps: WorkerDeps, rowless: readonly OwnedObject[]): Promise<Set<string>> {
  const assets = new Map(rowless.map((o) => [o.assetId, o.tenantId]));
  const described = new Set<string>();
  const bucket = deps.config.storage.bucket;
  for (const [assetId, tenantId] of assets) {
    const head = await deps.storage.headObject({ bucket, key: originalKey(tenantId, assetId) }).catch((error: unknown) => {
      if (error instanceof ObjectNotFoundError) return null;
      throw error;
    });
    if (head && describesAsset(head.metadata)) described.add(assetId);
  }
  return described;
}

async function* orphansIn(deps: WorkerDeps, bucket: string, prefix: string, options: OrphanScanOptions): AsyncGenerator<OrphanObject> {
  const cutoff = Date.now() - options.minAgeMs;
  for await (const owned of ownedObjectBatches(deps, { bucket, prefix })) {
    const batch = owned.filter(({ object }) => !(object.lastModified && object.lastModified.getTime() > cutoff));
    const statuses = await findAssetStatuses(deps.db, { ids: assetIdsOf(batch) });
    // A chunk is garbage once no job renders its asset: only a `processing` asset has a flow running.
    const rendering = new Map<string, boolean>();
    for (const { object, assetId } of batch) {
      if (!statuses.has(assetId) || !isChunkKey(object.key)) continue;
      if (!rendering.has(assetId)) rendering.set(assetId, await isAssetInHand(deps.db, { assetId }));
      if (!rendering.get(assetId)) yield { bucket, key: object.key, size: object.size, assetId };
    }
    const rowless = batch.filter(({ assetId }) => !statuses.has(assetId));
    const unrecovered = await describedOriginals(deps, rowless);
    for (const { object, assetId } of rowless) {
      if (!unrecovered.has(assetId)) yield { bucket, key: object.key, size: object.size, assetId };
    }
  }
}

/**
 * Objects under `originals/`, `staging/`, `variants/` and `delivery/` whose asset row does not exist
 * and whose original does not describe itself (`describedOriginals`), and under `chunks/` those of
 * an asset no job renders now (no active job); variants and renders in both
 * places they live (a public asset's, a private one's: storage's assetObjectLocation).
 * A live asset's renders (of any revision) are never orphans: older revisions are the reconciler's
 * delivery sweep's to remove.
 */
export async function* findOrphanObjects(deps: WorkerDeps, options: OrphanScanOptions): AsyncGenerator<OrphanObject> {
  const { bucket } = deps.config.storage;
  yield* orphansIn(deps, bucket, underTenant(ORIGINALS_PREFIX, options.tenantId), options);
  yield* orphansIn(deps, bucket, underTenant(STAGING_PREFIX, options.tenantId), options);
  for (const prefix of [VARIANTS_PREFIX, DELIVERY_PREFIX]) {
    for (const visibility of VISIBILITIES) {
      const place = assetObjectLocation(deps.config.storage, visibility, underTenant(prefix, options.tenantId));
      yield* orphansIn(deps, place.bucket, place.key, options);
    }
  }
  const chunks = assetObjectLocation(deps.config.storage, 'private', underTenant(CHUNKS_PREFIX, options.tenantId));
  yield* orphansIn(deps, chunks.bucket, chunks.key, options);
}

const isChunkKey = (key: string) => key.startsWith(CHUNKS_PREFIX) || key.startsWith(`${PRIVATE_OBJECTS_PREFIX}${CHUNKS_PREFIX}`);

export interface OrphanUpload {
  bucket: string;
  key: string;
  uploadId: string;
  initiated: Date | undefined;
}

/**
 * Multipart uploads under `staging/` (clients' uploads) and `originals/` (copies in parts, and
 * uploads begun before staging existed) that no asset is waiting on (no row, or a row that records
 * another upload or none): their parts use space until aborted.
 */
export async function* findOrphanUploads(deps: WorkerDeps, options: OrphanScanOptions): AsyncGenerator<OrphanUpload> {
  const { bucket } = deps.config.storage;
  const cutoff = Date.now() - options.minAgeMs;
  for (const prefix of [STAGING_PREFIX, ORIGINALS_PREFIX]) {
    for await (const upload of deps.storage.listMultipartUploads({ bucket, prefix: underTenant(prefix, options.tenantId) })) {
      const assetId = OWNED_KEY.exec(upload.key)?.[2];
      if (!assetId || (upload.initiated && upload.initiated.getTime() > cutoff)) continue;
      const asset = await getAsset(deps.db, { id: assetId });
      if (asset?.status === 'awaiting_upload' && asset.uploadId === upload.uploadId) continue;
      yield { bucket, ...upload };
    }
  }
}

export async function abortOrphanUpload(deps: WorkerDeps, orphan: OrphanUpload): Promise<void> {
  await deps.storage.abortMultipartUpload({ bucket: orphan.bucket, key: orphan.key, uploadId: orphan.uploadId });
}

export async function deleteOrphanObject(deps: WorkerDeps, orphan: OrphanObject): Promise<void> {
  await deps.storage.deleteObject({ bucket: orphan.bucket, key: orphan.key });
}
