import { deliveryKeyAad, DeliveryPolicyPatch, deliveryPolicyOf, verifyDeliverySignature, type DeliveryPolicy, type SecretBox } from '@darkroom/core';
import { getDeliverySource, type Database, type DeliverySource } from '@darkroom/db';

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
  hasAlpha: boolean | null;
}

export interface DeliveryTenant {
  id: string;
  policy: DeliveryPolicy;
  /** Whether `signature` is the signed path's under the tenant's key, or its previous one before that expires. */
  verify(signedPath: string, signature: string): boolean;
  /** Signs a path with the current key (a redirect of a signed URL); null when the tenant has none. */
  currentKey: string | null;
}

/** What an id stands for: a servable asset and its tenant, or nothing (unknown, deleted, not ready, failed: all alike). */
export type CatalogEntry = { asset: DeliveryAsset; tenant: DeliveryTenant } | null;

export interface Catalog {
  /**
   * The asset and its tenant. `fresh`: read again (a URL with a revision newer than the cached one
   * may be right: its asset was just cropped); such reads of one id share one query at a time.
   */
  lookup(assetId: string, options?: { fresh?: boolean }): CatalogEntry | Promise<CatalogEntry>;
  close(): void;
}

export interface CatalogOptions {
  db: Database;
  secretBox: SecretBox;
  /** How long an answer is reused: a policy, key or crop change reaches requests within this. */
  ttlMs: number;
  maxEntries: number;
  log: { warn(object: object, message: string): void };
}

interface Cached {
  entry: CatalogEntry;
  loadedAt: number;
}

/**
 * Asset and tenant lookups, kept in memory for `ttlMs`: a hit on a stored render then costs no
 * database round trip. Concurrent lookups of one id share one query.
 */
export function createCatalog(options: CatalogOptions): Catalog {
  const cache = new Map<string, Cached>();
  const loading = new Map<string, Promise<CatalogEntry>>();

  async function load(assetId: string): Promise<CatalogEntry> {
    const row = await getDeliverySource(options.db, { id: assetId });
    const entry = row ? toEntry(row, options) : null;
    if (cache.size >= options.maxEntries) cache.delete(cache.keys().next().value!);
    cache.set(assetId, { entry, loadedAt: Date.now() });
    return entry;
  }

  return {
    lookup(assetId, { fresh = false } = {}) {
      const cached = cache.get(assetId);
      if (cached && !fresh && Date.now() - cached.loadedAt < options.ttlMs) return cached.entry;
      let pending = loading.get(assetId);
      if (!pending) {
        pending = load(assetId).finally(() => loading.delete(assetId));
        loading.set(assetId, pending);
      }
      return pending;
    },
    close: () => cache.clear(),
  };
}

function toEntry(row: DeliverySource, options: CatalogOptions): CatalogEntry {
  if (row.status !== 'ready' || row.width === null || row.height === null) return null;
  const asset: DeliveryAsset = {
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
    hasAlpha: row.hasAlpha,
  };
  return { asset, tenant: tenantOf(row, options) };
}

/** A tenant's policy in force and its signing keys, opened once per lookup. */
export function tenantOf(
  row: Pick<DeliverySource, 'tenantId' | 'delivery' | 'deliveryKeySealed' | 'previousDeliveryKeySealed' | 'previousDeliveryKeyExpiresAt'>,
  options: Pick<CatalogOptions, 'secretBox' | 'log'>,
): DeliveryTenant {
  const open = (sealed: string | null): string | null => {
    if (!sealed) return null;
    try {
      return options.secretBox.open(sealed, deliveryKeyAad(row.tenantId));
    } catch (error) {
      // A key sealed with another WEBHOOK_SECRET_KEY verifies nothing; say so to the operator.
      options.log.warn({ tenantId: row.tenantId, err: error }, 'a delivery key does not open with WEBHOOK_SECRET_KEY');
      return null;
    }
  };
  const current = open(row.deliveryKeySealed);
  const expiresAt = row.previousDeliveryKeyExpiresAt?.getTime() ?? 0;
  const previous = expiresAt > Date.now() ? open(row.previousDeliveryKeySealed) : null;
  const stored = DeliveryPolicyPatch.safeParse(row.delivery);
  return {
    id: row.tenantId,
    policy: deliveryPolicyOf(stored.success ? stored.data : null),
    currentKey: current,
    verify(signedPath, signature) {
      if (current && verifyDeliverySignature(current, signedPath, signature)) return true;
      // Checked against the clock on every use: a cached tenant must not outlive the overlap.
      return previous !== null && Date.now() < expiresAt && verifyDeliverySignature(previous, signedPath, signature);
    },
  };
}
