import { variantFilesPrefix, variantObjectKeys, variantPrefix } from '@darkroom/core/keys';
import { claimIdleAsset, releaseVisibilityMove } from '@darkroom/db/queries/visibility';
import type { WorkerDeps } from '../deps.js';
import { assetObject } from './asset-object.js';
import { currentVariants } from './store-variants.js';

/** How long the pass holds the asset: far past what listing and deleting one asset's objects takes. */
const CLAIM_MS = 5 * 60_000;
/** Deletes under way at once (a ladder left half-stored is many small files). */
const DELETES_AT_ONCE = 8;

/**
 * Deletes the asset's variant objects that no row of it points at: what a render that failed for
 * good put before it failed (a video's poster variants and stream files, a backfill's new spec's
 * objects). Nothing else would ever remove them while the asset lives, and the orphan check passes
 * them by, as their asset has a row. The asset is held with a move's claim meanwhile, so no job of
 * it starts and writes an object that its rows do not name yet; one that a job or a move already
 * has is left alone (false).
 */
export async function removeUnrecordedObjects(deps: WorkerDeps, assetId: string): Promise<boolean> {
  const held = await claimIdleAsset(deps.db, { id: assetId, claimMs: CLAIM_MS });
  if (!held) return false;
  try {
    const rows = await currentVariants(deps, assetId);
    const recorded = new Set(rows.flatMap((v) => variantObjectKeys(v.key)));
    const ladders = rows.flatMap((v) => variantFilesPrefix(v.key) ?? []);
    const prefix = variantPrefix(held.asset.tenantId, held.asset.id);
    const place = assetObject(deps, held.asset, prefix);
    // A private asset's keys carry the private place's prefix before the key its rows record.
    const placePrefix = place.key.slice(0, place.key.length - prefix.length);
    const deleting = new Set<Promise<void>>();
    for await (const object of deps.storage.listObjects({ bucket: place.bucket, prefix: place.key })) {
      const key = object.key.slice(placePrefix.length);
      if (recorded.has(key) || ladders.some((ladder) => key.startsWith(ladder))) continue;
      const deleted = deps.storage.deleteObject({ bucket: place.bucket, key: object.key }).finally(() => deleting.delete(deleted));
      deleting.add(deleted);
      if (deleting.size >= DELETES_AT_ONCE) await Promise.race(deleting);
    }
    await Promise.all(deleting);
    return true;
  } finally {
    await releaseVisibilityMove(deps.db, { move: held });
  }
}
