import { STAGING_PREFIX } from '@darkroom/core/keys';
import { findAssetStatuses } from '@darkroom/db/queries/assets';
import { findExistingTenantIds } from '@darkroom/db/queries/tenants';
import type { AssetStatus } from '@darkroom/db/schema';
import type { WorkerDeps } from '../deps.js';
import { assetIdsOf, ownedObjectBatches, underTenant, type OwnedObject } from './orphans.js';

/** Beyond UPLOAD_TTL, before any staging object counts as abandoned (expiry ends its upload by then). */
const STAGING_MARGIN_MS = 3_600_000;

export interface StagingSweepOptions {
  /** Only this tenant's staging objects (tests share a bucket). */
  tenantId?: string | undefined;
  /** Older staging objects go whatever their asset's state (default UPLOAD_TTL + 1 h). */
  maxAgeMs?: number;
}

interface Known {
  statuses: Map<string, AssetStatus>;
  tenants: Set<string>;
  /** Objects last written before this (ms) are abandoned whatever their asset. */
  oldest: number;
}

/**
 * Whether nothing will ever read this staging object. Its asset's row is written before any upload
 * URL exists, so: a row that no longer awaits its upload means the object is a PUT through an old
 * URL (after `complete`, an abort or an expiry) or one a `complete` that died after its commit left;
 * no row under a tenant of this database means the asset was deleted. A tenant this database does
 * not know is another deployment's sharing the bucket: not ours to judge, until the object is old.
 */
function unread({ object, tenantId, assetId }: OwnedObject, known: Known): boolean {
  if (object.lastModified !== undefined && object.lastModified.getTime() < known.oldest) return true;
  const status = known.statuses.get(assetId);
  if (status !== undefined) return status !== 'awaiting_upload';
  return known.tenants.has(tenantId);
}

/**
 * Deletes (every version of) the staging objects nothing will read. Reading rows without a lock is
 * enough: a `complete` in flight keeps its row `awaiting_upload` until it commits, and after that
 * the staging object has served. The bucket's lifecycle rule on `staging/` is the backstop.
 */
export async function sweepStaging(deps: WorkerDeps, options: StagingSweepOptions = {}): Promise<number> {
  const { bucket } = deps.config.storage;
  const oldest = Date.now() - (options.maxAgeMs ?? deps.config.uploadTtlMs + STAGING_MARGIN_MS);
  let swept = 0;
  for await (const batch of ownedObjectBatches(deps, { bucket, prefix: underTenant(STAGING_PREFIX, options.tenantId) })) {
    const statuses = await findAssetStatuses(deps.db, { ids: assetIdsOf(batch) });
    const tenants = await findExistingTenantIds(deps.db, { ids: [...new Set(batch.map((b) => b.tenantId))] });
    for (const owned of batch) {
      if (!unread(owned, { statuses, tenants, oldest })) continue;
      await deps.storage.deleteObject({ bucket, key: owned.object.key });
      swept++;
    }
  }
  return swept;
}
