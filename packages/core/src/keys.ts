/**
 * Object keys are built from ids only: a client's filename never reaches the bucket,
 * so no path tricks, no unicode surprises, no collisions.
 */
export const ORIGINALS_PREFIX = 'originals/';

/**
 * Where presigned URLs write. A URL stays valid until it expires, whatever happens to its upload,
 * so the one key a client can write is one nothing reads: `complete` checks the object here and
 * copies it to `originalKey`, which only Darkroom's own credentials ever write.
 */
export const STAGING_PREFIX = 'staging/';

export function originalKey(tenantId: string, assetId: string): string {
  return `${ORIGINALS_PREFIX}${tenantId}/${assetId}`;
}

export function stagingKey(tenantId: string, assetId: string): string {
  return `${STAGING_PREFIX}${tenantId}/${assetId}`;
}

export function variantPrefix(tenantId: string, assetId: string): string {
  return `variants/${tenantId}/${assetId}/`;
}

/**
 * Deterministic per (asset, variant, spec, revision): a retry overwrites the same key; a changed spec,
 * or a new crop or focus (`revision`), gets a new one, so no CDN keeps serving the bytes it replaced
 * (they are immutable). Revision 1 has no suffix: the keys of assets from before cropping existed.
 */
export function variantKey(tenantId: string, assetId: string, name: string, specHash: string, format: string, revision = 1): string {
  return `${variantPrefix(tenantId, assetId)}${name}-${specHash}${revision > 1 ? `-r${revision}` : ''}.${format}`;
}

export const VARIANT_CACHE_CONTROL = 'public, max-age=31536000, immutable';

/** Delivery's renders: everything under one asset's prefix goes with the asset. */
export const DELIVERY_PREFIX = 'delivery/';

export function deliveryAssetPrefix(tenantId: string, assetId: string): string {
  return `${DELIVERY_PREFIX}${tenantId}/${assetId}/`;
}

/** Renders of one revision: a new crop's revision leaves the older ones to the sweep. */
export function deliveryRevisionPrefix(tenantId: string, assetId: string, revision: number): string {
  return `${deliveryAssetPrefix(tenantId, assetId)}r${revision}/`;
}

/**
 * One render on request: the canonical options (every default stated, keys in one order) and the
 * chosen format, so the same transform written in another order is stored once.
 */
export function deliveryRenderKey(tenantId: string, assetId: string, revision: number, canonicalOptions: string, format: string): string {
  return `${deliveryRevisionPrefix(tenantId, assetId, revision)}${canonicalOptions}.${format}`;
}
