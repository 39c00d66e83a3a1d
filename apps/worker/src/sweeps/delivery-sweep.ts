import { DELIVERY_PREFIX, deliveryAssetPrefix, deliveryRevisionPrefix } from '@darkroom/core/keys';
import { VISIBILITIES, type Visibility } from '@darkroom/core/private-links';
import { findAssetRevisions } from '@darkroom/db/queries/assets';
import { findExistingTenantIds } from '@darkroom/db/queries/tenants';
import type { AssetStatus } from '@darkroom/db/schema';
import { assetObjectLocation } from '@darkroom/storage';
import type { WorkerDeps } from '../deps.js';
import { underTenant, UUID } from './orphans.js';

/** Keys listed per pass: one listing request, and a bounded number of deletions after it. */
const PAGE = 1000;
const RENDER_KEY = new RegExp(`^${DELIVERY_PREFIX}(${UUID})/(${UUID})/r(\\d+)/`);
/** Nobody may ask for these assets' renders any more. */
const ENDED: readonly AssetStatus[] = ['deleting', 'failed', 'canceled', 'expired'];

/**
 * Where the walks over `delivery/` stand, one in each place renders live (a public asset's, a
 * private one's: storage's assetObjectLocation): the last key looked at, null to start over.
 */
export type DeliverySweepCursor = Record<Visibility, string | null>;

export const newDeliverySweepCursor = (): DeliverySweepCursor => ({ public: null, private: null });

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
 * One step of the walks over delivery's renders, in the public place and the private one: a page of
 * keys after each one's cursor, then every stale render prefix among them deleted whole (with all
 * its versions). Renders are never in a row, so these walks are what find them; each pass does one
 * page of each, and each cursor carries on from there next pass, starting over once its end is
 * reached. Returns how many objects were deleted.
 */
export async function sweepDeliveryRenders(deps: WorkerDeps, cursor: DeliverySweepCursor, options: DeliverySweepOptions = {}): Promise<number> {
  let deleted = 0;
  for (const visibility of VISIBILITIES) deleted += await sweepPlace(deps, cursor, visibility, options);
  return deleted;
}

/** One page of the walk in one place. Keys are judged as Postgres names them (the public ones), and deleted where they are. */
async function sweepPlace(deps: WorkerDeps, cursor: DeliverySweepCursor, visibility: Visibility, options: DeliverySweepOptions): Promise<number> {
  const prefix = underTenant(DELIVERY_PREFIX, options.tenantId);
  const place = assetObjectLocation(deps.config.storage, visibility, prefix);
  const page = await deps.storage.listObjectsPage({
    bucket: place.bucket,
    prefix: place.key,
    startAfter: cursor[visibility] ?? undefined,
    maxKeys: options.pageSize ?? PAGE,
  });
  cursor[visibility] = page.truncated ? (page.objects.at(-1)?.key ?? null) : null;
  const keys = page.objects.map((o) => `${prefix}${o.key.slice(place.key.length)}`);
  let deleted = 0;
  for (const stale of await stalePrefixes(deps, parseRenders(keys))) {
    const location = assetObjectLocation(deps.config.storage, visibility, stale);
    deleted += (await deps.storage.deletePrefix({ bucket: location.bucket, prefix: location.key })).deleted;
  }
  return deleted;
}
