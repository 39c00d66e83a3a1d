import { assetObjectKey, PRIVATE_OBJECTS_PREFIX } from '@darkroom/core/keys';
import type { Visibility } from '@darkroom/core/private-links';
import type { StorageConfig } from './config.js';
import type { ObjectLocation } from './types.js';

/** The buckets an asset's objects may live in. */
export type AssetBuckets = Pick<StorageConfig, 'bucket' | 'publicBucket'>;

/**
 * Where an object of an asset lives, by the asset's visibility: a public asset's at its key in the
 * public bucket, a private one's in the originals bucket under `private/` (core's keys.ts), which no
 * anonymous read reaches in either layout. Keys in Postgres stay the public ones; this is the one
 * place that turns them into a location. Works on a key prefix alike.
 */
export function assetObjectLocation(buckets: AssetBuckets, visibility: Visibility, key: string): ObjectLocation {
  return { bucket: visibility === 'private' ? buckets.bucket : buckets.publicBucket, key: assetObjectKey(visibility, key) };
}

/** The bucket of an asset object's key as `assetObjectLocation` made it: a private object's key says so. */
export function assetObjectBucket(buckets: AssetBuckets, placedKey: string): string {
  return placedKey.startsWith(PRIVATE_OBJECTS_PREFIX) ? buckets.bucket : buckets.publicBucket;
}
