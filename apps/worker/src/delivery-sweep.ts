import { DELIVERY_PREFIX, deliveryAssetPrefix, deliveryRevisionPrefix } from '@darkroom/core';
import { findAssetRevisions, findExistingTenantIds, type AssetStatus } from '@darkroom/db';
import type { WorkerDeps } from './deps.js';
import { underTenant, UUID } from './orphans.js';

/** Keys listed per pass: one listing request, and a bounded number of deletions after it. */
const PAGE = 1000;
const RENDER_KEY = new RegExp(`^${DELIVERY_PREFIX}(${UUID})/(${UUID})/r(\\d+)/`);
/** Nobody may ask for these assets' renders any more. */
const ENDED: readonly AssetStatus[] = ['deleting', 'failed', 'canceled', 'expired'];

/** Where the walk over `delivery/` stands: the last key looked at, null to start over. */
export interface DeliverySweepCursor {
  after: string | null;
}

export interface DeliverySweepOptions {
  /** Only this tenant's renders (tests share a bucket; default all). */
  tenantId?: string | undefined;
  /** Keys listed per pass (default 1,000, a full S3 page). */
  pageSize?: number;
}

interface Render {
  tenantId: string;
  assetId: string;
  revision: number;
}

function parseRenders(keys: readonly string[]): Render[] {
  return keys.flatMap((key) => {
    const [, tenantId, assetId, revision] = RENDER_KEY.exec(key) ?? [];
    return tenantId && assetId && revision ? [{ tenantId, assetId, revision: Number(revision) }] : [];
  });
}

/**
 * The prefixes to delete for one page's renders: every revision of an asset that is gone (no row,
 * under a tenant this database knows: a tenant it does not know is another deployment's sharing the
 * bucket) or ended, and each revision older than a live asset's current one (a crop or focus change
 * bumps it, and nothing asks for the old one again).
 */
async function stalePrefixes(deps: WorkerDeps, renders: readonly Render[]): Promise<Set<string>> {
  const assets = await findAssetRevisions(deps.db, { ids: [...new Set(renders.map((r) => r.assetId))] });
  const tenants = await findExistingTenantIds(deps.db, { ids: [...new Set(renders.map((r) => r.tenantId))] });
  const prefixes = new Set<string>();
  for (const { tenantId, assetId, revision } of renders) {
    const asset = assets.get(assetId);
    if (asset === undefined ? tenants.has(tenantId) : ENDED.includes(asset.status)) prefixes.add(deliveryAssetPrefix(tenantId, assetId));
    else if (asset !== undefined && revision < asset.revision) prefixes.add(deliveryRevisionPrefix(tenantId, assetId, revision));
  }
  return prefixes;
}

/**
 * One step of the walk over delivery's renders in the public bucket: a page of keys after the
 * cursor, then every stale render prefix among them deleted whole (with all its versions). Renders
 * are never in a row, so this walk is what finds them; each pass does one page, and the cursor
 * carries on from there next pass, starting over once the end is reached. Returns how many objects
 * were deleted.
 */
export async function sweepDeliveryRenders(deps: WorkerDeps, cursor: DeliverySweepCursor, options: DeliverySweepOptions = {}): Promise<number> {
  const bucket = deps.config.storage.publicBucket;
  const prefix = underTenant(DELIVERY_PREFIX, options.tenantId);
  const page = await deps.storage.listObjectsPage({ bucket, prefix, startAfter: cursor.after ?? undefined, maxKeys: options.pageSize ?? PAGE });
  cursor.after = page.truncated ? (page.objects.at(-1)?.key ?? null) : null;
  let deleted = 0;
  for (const stale of await stalePrefixes(deps, parseRenders(page.objects.map((o) => o.key)))) {
    deleted += (await deps.storage.deletePrefix({ bucket, prefix: stale })).deleted;
  }
  return deleted;
}
