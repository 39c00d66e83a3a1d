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

/** Deterministic per (asset, variant, spec): a retry overwrites the same key, a changed spec gets a new one. */
export function variantKey(tenantId: string, assetId: string, name: string, specHash: string, format: string): string {
  return `${variantPrefix(tenantId, assetId)}${name}-${specHash}.${format}`;
}

export const VARIANT_CACHE_CONTROL = 'public, max-age=31536000, immutable';
