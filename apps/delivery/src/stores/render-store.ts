import { createHash } from 'node:crypto';
import { VARIANT_CACHE_CONTROL } from '@darkroom/core/keys';
import { MiB } from '@darkroom/core/limits';
import { assetObjectBucket, ObjectNotFoundError, type AssetBuckets, type ObjectStorage } from '@darkroom/storage';
import type { HotShelf } from './hot-cache.js';

/** A rendered image as served: its bytes and their ETag. */
export interface StoredRender {
  data: Buffer;
  etag: string;
  /** The encoder quality a `q_auto` render chose (kept in the object's metadata); else undefined. */
  quality?: number | undefined;
}

/** The object metadata name that keeps a `q_auto` render's chosen quality. */
const QUALITY_METADATA = 'darkroom-quality';

export interface RenderStore {
  /** The stored render at `key`, from memory or the bucket its key places it in; null when there is none. */
  get(key: string): Promise<StoredRender | null>;
  /** Only what this process holds in memory: no bucket request. */
  peek(key: string): StoredRender | null;
  /**
   * Keeps `data` in memory at once and starts its PUT: the render is served before the bucket
   * holds it. A PUT that fails forgets it here too, so the next request renders it again rather
   * than this process alone serving what the bucket does not hold.
   */
  put(key: string, data: Buffer, contentType: string, guard?: StoreGuard, quality?: number): StoreWrite;
}

/**
 * What a render's PUT must hold to: `confirm` is asked just before it (false: nothing is stored),
 * and again when the PUT lands later than `windowMs` after that (false: the object is deleted).
 * A public asset's render has one, so it never lands in the public bucket after its objects moved.
 */
export interface StoreGuard {
  confirm(): Promise<boolean>;
  windowMs: number;
}

/** A render being stored: its bytes to answer with now, and its PUT, which settles when the bucket holds it (true) or will not (false: its guard said no). */
export interface StoreWrite {
  stored: StoredRender;
  landed: Promise<boolean>;
}

/** A strong validator from the bytes: every process gives the same render the same ETag. */
export function etagOf(data: Buffer): string {
  return `"${createHash('sha256').update(data).digest('base64url').slice(0, 27)}"`;
}

/** The largest render read back whole from the bucket (an 8192² PNG of noise is under this). */
const MAX_RENDER_BYTES = 256 * MiB;

/**
 * Renders in the bucket each key places it in (a public asset's in the public bucket, a private
 * one's under `private/` in the originals bucket: storage's assetObjectBucket), with the most
 * recently served kept on `hot`, a shelf of the process's hot cache: a repeated request then costs
 * no bucket round trip. Keys name an immutable render (asset, revision, canonical options,
 * format), so a copy in memory is never stale.
 */
export function createRenderStore(options: { storage: ObjectStorage; buckets: AssetBuckets; hot: HotShelf<StoredRender> }): RenderStore {
  const { storage, buckets, hot } = options;
  const bucketOf = (key: string) => assetObjectBucket(buckets, key);
  const peek = (key: string) => hot.get(key);

  return {
    peek,
    async get(key) {
      const cached = peek(key);
      if (cached) return cached;
      const read = await readWhole(storage, bucketOf(key), key);
      if (!read) return null;
      const quality = Number(read.metadata[QUALITY_METADATA]);
      return hot.set(key, { data: read.data, etag: etagOf(read.data), quality: Number.isInteger(quality) ? quality : undefined });
    },
    put(key, data, contentType, guard, quality) {
      const stored = hot.set(key, { data, etag: etagOf(data), quality });
      const location = { bucket: bucketOf(key), key };
      const metadata = quality === undefined ? undefined : { [QUALITY_METADATA]: String(quality) };
      const write = () => storage.putObject({ ...location, body: data, contentType, cacheControl: VARIANT_CACHE_CONTROL, metadata });
      // Started once the answer has been written: the request does not wait for the PUT, nor for its start.
      const landed = new Promise((resolve) => setImmediate(resolve))
        .then(() => (guard ? putGuarded(storage, location, write, guard) : write().then(() => true)))
        .then(
          (kept) => {
            if (!kept) hot.forget(key, stored);
            return kept;
          },
          (error: unknown) => {
            hot.forget(key, stored);
            throw error;
          },
        );
      return { stored, landed };
    },
  };
}

/** The guarded PUT: whether the object is in the bucket once it settles. */
async function putGuarded(
  storage: ObjectStorage,
  location: { bucket: string; key: string },
  write: () => Promise<void>,
  guard: StoreGuard,
): Promise<boolean> {
  const confirmedAt = Date.now();
  if (!(await guard.confirm())) return false;
  await write();
  if (Date.now() - confirmedAt <= guard.windowMs || (await guard.confirm())) return true;
  await storage.deleteObject(location);
  return false;
}

/** The object's bytes and metadata, in one GET. */
async function readWhole(storage: ObjectStorage, bucket: string, key: string): Promise<{ data: Buffer; metadata: Record<string, string> } | null> {
  let opened;
  try {
    opened = await storage.openObject({ bucket, key });
  } catch (error) {
    if (error instanceof ObjectNotFoundError) return null;
    throw error;
  }
  const stream = opened.body;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    size += (chunk as Buffer).length;
    if (size > MAX_RENDER_BYTES) {
      stream.destroy();
      throw new Error(`stored render ${key} is larger than ${MAX_RENDER_BYTES} bytes`);
    }
    chunks.push(chunk as Buffer);
  }
  return { data: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks), metadata: opened.metadata };
}
