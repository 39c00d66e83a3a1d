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

/**
 * Where a rejected asset's original is kept (QUARANTINE_DAYS, in the originals bucket) for an
 * admin's restore, outside `originals/`, so nothing that reads originals finds it.
 */
export const QUARANTINE_PREFIX = 'quarantine/';

export function quarantineKey(tenantId: string, assetId: string): string {
  return `${QUARANTINE_PREFIX}${tenantId}/${assetId}`;
}

export function stagingKey(tenantId: string, assetId: string): string {
  return `${STAGING_PREFIX}${tenantId}/${assetId}`;
}

/** Every asset's variants, each asset's under `variantPrefix`. */
export const VARIANTS_PREFIX = 'variants/';

export function variantPrefix(tenantId: string, assetId: string): string {
  return `${VARIANTS_PREFIX}${tenantId}/${assetId}/`;
}

/**
 * A video rendition's key (and an image variant's before variants were shared): deterministic per
 * (asset, variant, spec), so a retry overwrites the same key and a changed spec gets a new one.
 */
export function variantKey(tenantId: string, assetId: string, name: string, specHash: string, format: string): string {
  return `${variantPrefix(tenantId, assetId)}${name}-${specHash}.${format}`;
}

/**
 * An image variant's key: deterministic per (asset, revision, output), where the output hash
 * (`variantOutputHash`) names what the bytes are for the asset's image, and the revision which image
 * that is (a crop or focus change bumps it, and the variants are cut anew). Variants that come out
 * the same share the key; a retry overwrites it, and a spec that renders differently, or a new
 * crop, gets a new one (variants are cached as immutable).
 */
export function variantOutputKey(tenantId: string, assetId: string, revision: number, outputHash: string, format: string): string {
  return `${variantRevisionPrefix(tenantId, assetId, revision)}${outputHash}.${format}`;
}

/** Where the image variants of one revision (one crop and focus) are stored. */
export function variantRevisionPrefix(tenantId: string, assetId: string, revision: number): string {
  return `${variantPrefix(tenantId, assetId)}r${revision}/`;
}

/** The extension of a storyboard variant's key (its WebVTT file) and of the sprite its cues point into. */
export const STORYBOARD_VTT = 'vtt';
export const STORYBOARD_SPRITE = 'webp';

/**
 * A storyboard's sprite: beside its WebVTT file (the variant's key, from `variantKey`) and named as
 * it is, so the cues refer to it by a relative name and the CDN serves both.
 */
export function storyboardSpriteKey(vttKey: string): string {
  return `${vttKey.slice(0, -STORYBOARD_VTT.length)}${STORYBOARD_SPRITE}`;
}

/** Every object one variant row stands for: its key, and for a storyboard its sprite too. */
export function variantObjectKeys(key: string): string[] {
  return key.endsWith(`.${STORYBOARD_VTT}`) ? [key, storyboardSpriteKey(key)] : [key];
}

/**
 * An HLS ladder's files (playlists, init segments, segments) share one directory per (asset,
 * variant, spec), named as a rendition's key is; the variant's key is its master playlist there.
 */
export const HLS_MASTER_PLAYLIST = 'master.m3u8';

export function hlsVariantPrefix(tenantId: string, assetId: string, name: string, specHash: string): string {
  return `${variantPrefix(tenantId, assetId)}${name}-${specHash}/`;
}

/** The directory of a variant's files when it has several (an HLS ladder's master playlist key); null for a one-object variant. */
export function variantFilesPrefix(key: string): string | null {
  return key.endsWith(`/${HLS_MASTER_PLAYLIST}`) ? key.slice(0, -HLS_MASTER_PLAYLIST.length) : null;
}

/**
 * A private asset's objects (variants, stream files, storyboards, waveforms, delivery renders) live in
 * the originals bucket (S3_BUCKET) at their public key under this prefix, which no public-read policy
 * covers, in both layouts: with one bucket, `variants/` is public and `private/variants/` is not.
 */
export const PRIVATE_OBJECTS_PREFIX = 'private/';

export function privateObjectKey(key: string): string {
  return `${PRIVATE_OBJECTS_PREFIX}${key}`;
}

/** An asset object's key where its visibility keeps it (the bucket: storage's assetObjectLocation). */
export function assetObjectKey(visibility: 'public' | 'private', key: string): string {
  return visibility === 'private' ? privateObjectKey(key) : key;
}

/**
 * What of an asset's object key a private URL names after `/p/{exp}/{sig}/{assetId}/`: the key below
 * the asset's variant prefix (`r1/e0ea2c2af5c3.webp`, `stream-074fe725f10c/master.m3u8`).
 */
export function assetObjectRest(tenantId: string, assetId: string, key: string): string {
  const prefix = variantPrefix(tenantId, assetId);
  if (!key.startsWith(prefix)) throw new Error(`object key ${key} is not under its asset's prefix`);
  return key.slice(prefix.length);
}

/** An object whose name changes with its bytes, cached for good: variants, renditions, the upload page's hashed assets. */
export const VARIANT_CACHE_CONTROL = 'public, max-age=31536000, immutable';

/**
 * A master playlist published before its ladder is complete (a long video playable early): it will
 * list more rungs soon, so no cache keeps it longer than this.
 */
export const INTERIM_PLAYLIST_MAX_AGE_SECONDS = 10;
export const INTERIM_PLAYLIST_CACHE_CONTROL = `public, max-age=${INTERIM_PLAYLIST_MAX_AGE_SECONDS}`;

/** Whether a stored object's Cache-Control marks it an interim master playlist (it changes within its max-age). */
export function isInterimPlaylist(cacheControl: string | undefined): boolean {
  return cacheControl === INTERIM_PLAYLIST_CACHE_CONTROL;
}

/**
 * A long video's chunks while its ladder is rendered across workers (each chunk's rungs, the
 * audio, the plan they share): temporary objects, always in the private place, under the asset's
 * own prefix (gone with the asset) and the job's (gone when that job's ladder is stored, or fails).
 */
export const CHUNKS_PREFIX = 'chunks/';

export function chunkAssetPrefix(tenantId: string, assetId: string): string {
  return `${CHUNKS_PREFIX}${tenantId}/${assetId}/`;
}

export function chunkJobPrefix(tenantId: string, assetId: string, jobId: string): string {
  return `${chunkAssetPrefix(tenantId, assetId)}${jobId}/`;
}

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
 * Where a revision keeps its renders made while the asset's faces were not known, of options that
 * depend on them (a face crop, a face effect): apart from the renders made once they are, so that
 * faces found later (the faces backfill) are never answered with a render that could not cover them.
 */
export function deliveryFacesUnknownPrefix(tenantId: string, assetId: string, revision: number): string {
  return `${deliveryRevisionPrefix(tenantId, assetId, revision)}faces-unknown/`;
}

/**
 * One render on request: the canonical options (every default stated, keys in one order) and the
 * chosen format, so the same transform written in another order is stored once. `facesUnknown`:
 * options that depend on the faces, rendered while they are not known.
 */
export function deliveryRenderKey(
  tenantId: string,
  assetId: string,
  revision: number,
  canonicalOptions: string,
  format: string,
  options: { facesUnknown?: boolean } = {},
): string {
  const prefix = options.facesUnknown ? deliveryFacesUnknownPrefix(tenantId, assetId, revision) : deliveryRevisionPrefix(tenantId, assetId, revision);
  return `${prefix}${canonicalOptions}.${format}`;
}

/**
 * What the bucket keeps of the records Postgres holds, so that `npm run recover` can rebuild them
 * after a restore: an asset's record when it is too large for the object metadata of its original
 * (or newer than it: a reframe), and every tenant's settings. Never a secret (docs/operations.md#recover).
 */
export const RECORDS_PREFIX = 'records/';
export const ASSET_RECORDS_PREFIX = `${RECORDS_PREFIX}assets/`;
export const TENANT_RECORDS_PREFIX = `${RECORDS_PREFIX}tenants/`;

export function assetRecordKey(tenantId: string, assetId: string): string {
  return `${ASSET_RECORDS_PREFIX}${tenantId}/${assetId}.json`;
}

export function tenantRecordKey(tenantId: string): string {
  return `${TENANT_RECORDS_PREFIX}${tenantId}.json`;
}

/** Prefixes whose objects a tenant is billed for holding (`stored_bytes`): the rest are `stored_bytes_unbilled`. */
const BILLED_PREFIXES = [ORIGINALS_PREFIX, VARIANTS_PREFIX, DELIVERY_PREFIX, QUARANTINE_PREFIX];
const TENANT_PREFIXES = [...BILLED_PREFIXES, STAGING_PREFIX, CHUNKS_PREFIX, ASSET_RECORDS_PREFIX, TENANT_RECORDS_PREFIX];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Whose an object is, read from its key alone: the tenant (null: the deployment's), and whether holding it is billed. */
export interface ObjectOwner {
  tenantId: string | null;
  billed: boolean;
}

/**
 * The owner of any key Darkroom writes or reads (a private object's as its public twin's), or of a
 * listing's prefix: what the meters charge a bucket request and a stored byte to. A key outside the
 * layout, or a prefix above one tenant's (`originals/`), is the deployment's.
 */
export function objectOwner(key: string): ObjectOwner {
  const rest = key.startsWith(PRIVATE_OBJECTS_PREFIX) ? key.slice(PRIVATE_OBJECTS_PREFIX.length) : key;
  const prefix = TENANT_PREFIXES.find((p) => rest.startsWith(p));
  if (!prefix) return { tenantId: null, billed: false };
  const segment = rest
    .slice(prefix.length)
    .split('/')[0]!
    .replace(/\.json$/, '');
  const tenantId = UUID.test(segment) ? segment : null;
  return { tenantId, billed: tenantId !== null && BILLED_PREFIXES.includes(prefix) };
}
