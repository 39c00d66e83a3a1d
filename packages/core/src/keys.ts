/**
 * Object keys are built from ids only: a client's filename never reaches the bucket,
 * so no path tricks, no unicode surprises, no collisions.
 */
export const ORIGINALS_PREFIX = 'originals/';

export function originalKey(tenantId: string, assetId: string): string {
  return `${ORIGINALS_PREFIX}${tenantId}/${assetId}`;
}

export function variantPrefix(tenantId: string, assetId: string): string {
  return `variants/${tenantId}/${assetId}/`;
}

/** Deterministic per (asset, variant, spec): a retry overwrites the same key, a changed spec gets a new one. */
export function variantKey(tenantId: string, assetId: string, name: string, specHash: string, format: string): string {
  return `${variantPrefix(tenantId, assetId)}${name}-${specHash}.${format}`;
}

export const VARIANT_CACHE_CONTROL = 'public, max-age=31536000, immutable';
