import { ERRORS } from '@darkroom/core/error-factories';
import type { Visibility } from '@darkroom/core/private-links';
import { getDeliverySource, getDeliveryTenant, type DeliverySource } from '@darkroom/db/queries/delivery';
import type { Database } from '@darkroom/db/client';
import { tenantOf, type DeliveryTenant, type TenantKeysOptions } from './delivery-tenant.js';
import type { LookupBudget } from './lookup-budget.js';

export type { DeliveryTenant } from './delivery-tenant.js';

/** A ready asset as delivery renders it. */
export interface DeliveryAsset {
  id: string;
  tenantId: string;
  kind: 'image' | 'video';
  originalKey: string;
  /** Displayed size of the original (a video: of its frames). */
  width: number;
  height: number;
  format: string | null;
  revision: number;
  focus: DeliverySource['focus'];
  crop: DeliverySource['crop'];
  /** Faces known in the displayed image (fractions of it, largest first); null before the search. */
  faces: DeliverySource['faces'];
  hasAlpha: boolean | null;
  /** Public assets are served by `/img/`; private ones only through private links (`/p/`). */
  visibility: Visibility;
  /** Where its objects are now: not `visibility` while they are being moved between the buckets. */
  objectsVisibility: Visibility;
}

/**
 * A ready audio file: no picture of its own to render (its cover art is among its variants), but
 * its objects are served all the same, through private links (`/p/`).
 */
export interface DeliveryAudio {
  id: string;
  tenantId: string;
  kind: 'audio';
  revision: number;
  visibility: Visibility;
  objectsVisibility: Visibility;
}

/**
 * A video still processing whose stream plays already (`playable`, a long video's lowest rung): its
 * objects are served through private links (`/p/`), but no image is rendered of it before it is ready.
 */
export interface DeliveryPlayable {
  id: string;
  tenantId: string;
  kind: 'playable';
  revision: number;
  visibility: Visibility;
  objectsVisibility: Visibility;
}

/** What delivery knows of a ready asset (one it renders images of, or an audio file), or of a playable one still processing. */
export type CatalogAsset = DeliveryAsset | DeliveryAudio | DeliveryPlayable;

/** What an id stands for: a servable asset and its tenant, or nothing (unknown, deleted, not ready, failed: all alike). */
export type CatalogEntry = { asset: CatalogAsset; tenant: DeliveryTenant } | null;

/** An entry of an asset that images are rendered of (`/img/`, and `img/` under a private link). */
export type ImageEntry = { asset: DeliveryAsset; tenant: DeliveryTenant };

/** Whether images are rendered of the entry's asset: not of an audio file's (an id that names no image there). */
export function rendersImages(entry: CatalogEntry): entry is ImageEntry {
  return entry !== null && entry.asset.kind !== 'audio' && entry.asset.kind !== 'playable';
}

export interface Catalog {
  /**
   * The asset and its tenant. `fresh`: read again (a URL with a revision newer than the cached one
   * may be right: its asset was just cropped); such reads of one id share one query at a time. An
   * id not cached, once this second's lookups are spent, is `503 busy`. A cached asset past its
   * time is read again whatever the budget (never served past it, so a revoked key or a change of
   * visibility reaches every request within `ttlMs` without Redis); a cached absence past its time
   * is an id not cached, but answered as it was when the budget is spent.
   */
  lookup(assetId: string, options?: { fresh?: boolean }): CatalogEntry | Promise<CatalogEntry>;
  /**
   * The tenant read again, when a signature failed against its cached keys (a key made a moment ago),
   * at most once a second per tenant; otherwise the tenant as cached.
   */
  refreshTenant(tenantId: string): Promise<DeliveryTenant | null>;
  /**
   * The asset's visibility as Postgres has it now (null when it is no longer served): a query of
   * its own, outside the budget (a render about to be stored asks, and renders have budgets of
   * their own); the cache learns the answer too.
   */
  readVisibility(assetId: string): Promise<Visibility | null>;
  /** Drops what is cached of an asset, or of a tenant (its keys), so the next request reads it anew (delivery-changes). */
  forget(change: { asset: string } | { tenant: string }): void;
  close(): void;
}

export interface CatalogOptions extends TenantKeysOptions {
  db: Database;
  /** How long an answer is reused: a policy, key or crop change reaches requests within this. */
  ttlMs: number;
  maxEntries: number;
  /** Lookups of ids not cached, a second (DELIVERY_LOOKUPS_PER_SECOND). */
  budget: LookupBudget;
  /** Told of every query sent to Postgres (`darkroom_delivery_lookups_total`). */
  onQuery?: (kind: 'asset' | 'tenant') => void;
}

interface Cached<T> {
  value: T;
  loadedAt: number;
}

/** A tenant is read again for a failed signature at most this often. */
const TENANT_REFRESH_MS = 1000;

/**
 * Asset and tenant lookups, kept in memory for `ttlMs` (an asset's absence too): a hit on a stored
 * render then costs no database round trip. Concurrent lookups of one id share one query. Tenants
 * are kept apart from their assets, so a tenant read again (a new key) serves all its assets at once.
 * Absences are kept apart too: a flood of unknown ids fills their own map, never pushing out an
 * asset that is served (which would then wait on the budget the flood spends).
 */
export function createCatalog(options: CatalogOptions): Catalog {
  const assets = new Map<string, Cached<CatalogAsset>>();
  const absent = new Map<string, Cached<null>>();
  const tenants = new Map<string, Cached<DeliveryTenant>>();
  const loading = new Map<string, Promise<CatalogEntry>>();
  const refreshing = new Map<string, Promise<DeliveryTenant | null>>();
  const onQuery = options.onQuery ?? (() => {});

  const changes = createChangeLog(options.ttlMs);

  // Read again, an entry moves to the back: the oldest one read leaves first. Its life counts from
  // when its query was sent (`readAt`), so nothing is answered from a read older than `ttlMs`.
  const remember = <T>(cache: Map<string, Cached<T>>, id: string, value: T, readAt: number) => {
    if (!cache.delete(id) && cache.size >= options.maxEntries) cache.delete(cache.keys().next().value!);
    cache.set(id, { value, loadedAt: readAt });
  };
  const entryOf = (asset: CatalogAsset | null): CatalogEntry => {
    const tenant = asset ? tenants.get(asset.tenantId)?.value : undefined;
    return asset && tenant ? { asset, tenant } : null;
  };

  // What a query read is kept only when no change of it was announced since the query was sent: it
  // may have read the row before the change, so its answer goes to the requests that waited on it alone.
  async function load(assetId: string): Promise<CatalogEntry> {
    onQuery('asset');
    const readAt = Date.now();
    const mark = changes.mark();
    const row = await getDeliverySource(options.db, { id: assetId });
    const asset = row ? assetOf(row) : null;
    const tenant = row && asset ? tenantOf(row, options) : undefined;
    if (row && tenant && !changes.since({ tenant: row.tenantId }, mark)) remember(tenants, row.tenantId, tenant, readAt);
    if (!changes.since({ asset: assetId }, mark)) {
      (asset ? absent : assets).delete(assetId);
      if (asset) remember(assets, assetId, asset, readAt);
      else remember(absent, assetId, null, readAt);
    }
    return asset && tenant ? { asset, tenant } : null;
  }

  async function readTenant(tenantId: string): Promise<DeliveryTenant | null> {
    onQuery('tenant');
    const readAt = Date.now();
    const mark = changes.mark();
    const row = await getDeliveryTenant(options.db, { id: tenantId });
    if (!row) return null;
    const tenant = tenantOf(row, options);
    if (!changes.since({ tenant: tenantId }, mark)) remember(tenants, tenantId, tenant, readAt);
    return tenant;
  }

  return {
    lookup(assetId, { fresh = false } = {}) {
      const cached: Cached<CatalogAsset | null> | undefined = assets.get(assetId) ?? absent.get(assetId);
      // An asset whose tenant has left the cache is looked up again, with it.
      const whole = cached !== undefined && (cached.value === null || tenants.has(cached.value.tenantId));
      const current = whole && Date.now() - cached.loadedAt < options.ttlMs;
      if (current && !fresh) return entryOf(cached.value);
      let pending = loading.get(assetId);
      if (!pending) {
        // An asset it serves, past its time, is read again outside the budget: at most once per
        // `ttlMs` for each asset cached, so a flood of other ids never keeps it stale.
        const servedAsset = cached?.value != null && !current;
        if (!servedAsset && !options.budget.take()) {
          if (!whole) throw ERRORS.lookupsBusy();
          // A fresh read of a current entry, or an absence past its time: answered as it was.
          return entryOf(cached.value);
        }
        const loaded: Promise<CatalogEntry> = load(assetId).finally(() => {
          // Unless a change dropped it meanwhile, and a later lookup has its own query under way.
          if (loading.get(assetId) === loaded) loading.delete(assetId);
        });
        pending = loaded;
        loading.set(assetId, pending);
      }
      return pending;
    },
    // A query of its own, never one already under way: it must read after it is asked.
    readVisibility: async (assetId) => (await load(assetId))?.asset.visibility ?? null,
    refreshTenant(tenantId) {
      const cached = tenants.get(tenantId);
      if (cached && Date.now() - cached.loadedAt < TENANT_REFRESH_MS) return Promise.resolve(cached.value);
      let pending = refreshing.get(tenantId);
      if (!pending) {
        pending = readTenant(tenantId);
        refreshing.set(tenantId, pending);
        // Kept a second after it settles: a tenant no longer there, or a failed query, is not asked again at once.
        const forget = () => void setTimeout(() => refreshing.delete(tenantId), TENANT_REFRESH_MS).unref();
        pending.then(forget, forget);
      }
      return pending;
    },
    // What is forgotten is read anew by the next request (while the budget lasts, else `busy`: never
    // served stale), never by a query sent before the change (it may have read the row before it).
    forget(change) {
      changes.record(change);
      if ('asset' in change) {
        assets.delete(change.asset);
        absent.delete(change.asset);
        loading.delete(change.asset);
      } else {
        tenants.delete(change.tenant);
        refreshing.delete(change.tenant);
      }
    },
    close: () => {
      assets.clear();
      absent.clear();
      tenants.clear();
    },
  };
}

/**
 * Which asset and tenant changed (as announced) after a query was sent: a query sent before a
 * change must not be kept. Changes are counted (a mark is the count when a query is sent), and a
 * change older than `lifeMs` is dropped: what a query sent before it read is past its life anyway.
 */
function createChangeLog(lifeMs: number) {
  const changed = new Map<string, { count: number; at: number }>();
  let count = 0;
  const keyOf = (change: { asset: string } | { tenant: string }) => ('asset' in change ? `a:${change.asset}` : `t:${change.tenant}`);
  return {
    /** Taken as a query is sent. */
    mark: () => count,
    record(change: { asset: string } | { tenant: string }) {
      const at = Date.now();
      const key = keyOf(change);
      // Kept in the order they came in: the oldest first, dropped from the front.
      changed.delete(key);
      changed.set(key, { count: ++count, at });
      for (const [old, entry] of changed) {
        if (at - entry.at <= lifeMs) break;
        changed.delete(old);
      }
    },
    /** Whether a change was announced after the query that took `mark` was sent. */
    since: (change: { asset: string } | { tenant: string }, mark: number) => (changed.get(keyOf(change))?.count ?? 0) > mark,
  };
}

function assetOf(row: DeliverySource): CatalogAsset | null {
  const { id, tenantId, revision, objectsVisibility } = row;
  // Held (or found so by its checks while it still renders): servable through private links
  // alone, whatever its visibility, so its reviewers can look; the public routes answer as for no asset.
  const visibility = row.status === 'held' || row.moderationState === 'held' ? 'private' : row.visibility;
  if (row.status === 'processing' && row.playable) return { id, tenantId, kind: 'playable', revision, visibility, objectsVisibility };
  if (row.status !== 'ready' && row.status !== 'held') return null;
  if (row.kind === 'audio') return { id, tenantId, kind: 'audio', revision, visibility, objectsVisibility };
  if (row.width === null || row.height === null) return null;
  return {
    id: row.id,
    tenantId: row.tenantId,
    kind: row.kind === 'video' ? 'video' : 'image',
    originalKey: row.originalKey,
    width: row.width,
    height: row.height,
    format: row.format,
    revision: row.revision,
    focus: row.focus,
    crop: row.crop,
    faces: row.faces,
    hasAlpha: row.hasAlpha,
    visibility,
    objectsVisibility: row.objectsVisibility,
  };
}
