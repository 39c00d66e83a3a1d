import { pipeline, type Readable, Transform } from 'node:stream';
import { isInterimPlaylist } from '@darkroom/core/keys';
import type { ObjectLocation, OpenedObject } from '@darkroom/storage';
import type { Held, HotCache } from './hot-cache.js';

/** An object kept as the bucket answered it whole: its bytes, and what the bucket said of them. */
export interface HeldObject extends Held {
  etag: string | undefined;
  contentType: string | undefined;
  lastModified: Date | undefined;
}

export interface HeldObjects {
  /** The object at `location`, when this process keeps it and has kept it for less than its life. */
  get(location: ObjectLocation): HeldObject | null;
  /**
   * `opened`'s body, passed on as the bucket sends it (never held back), and kept once read to its
   * end when it is the whole object (200) and small enough for the cache.
   */
  keep(location: ObjectLocation, opened: OpenedObject): Readable;
}

/**
 * How long a kept object is answered from memory before the bucket is read again. The objects a
 * private link serves are immutable by key (a variant's names its spec hash and revision, a stream's
 * files are under a folder named by its spec), so this bounds only what no key promises: an object
 * overwritten in place is served as it was for at most this long.
 */
export const HELD_OBJECT_LIFE_MS = 60_000;

/**
 * Private links' objects on a shelf of the process's hot cache (DELIVERY_HOT_CACHE_MB, shared with
 * renders), keyed by where they are (bucket and key), so an asset whose objects moved to the other
 * bucket is read from its new place, never answered from the old one. One read of an object fills
 * the cache at a time, and the reads filling it hold at most the cache's budget between them.
 */
export function createHeldObjects(hot: HotCache, lifeMs = HELD_OBJECT_LIFE_MS): HeldObjects {
  const shelf = hot.shelf<HeldObject>('objects', { lifeMs });
  const filling = new Set<string>();
  let fillingBytes = 0;
  const placeOf = (location: ObjectLocation) => `${location.bucket}/${location.key}`;

  function keeper(place: string, opened: OpenedObject): Transform {
    filling.add(place);
    fillingBytes += opened.length;
    let chunks: Buffer[] = [];
    let read = 0;
    const keeping = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        chunks.push(chunk);
        read += chunk.length;
        done(null, chunk);
      },
      flush(done) {
        // One buffer of its own: the chunks are views of larger socket reads.
        if (read === opened.length) {
          const { etag, contentType, lastModified } = opened;
          shelf.set(place, { data: Buffer.concat(chunks, read), etag, contentType, lastModified });
        }
        done();
      },
    });
    keeping.once('close', () => {
      chunks = [];
      filling.delete(place);
      fillingBytes -= opened.length;
    });
    return keeping;
  }

  return {
    get: (location) => shelf.get(placeOf(location)),
    keep(location, opened) {
      const place = placeOf(location);
      // An interim master playlist changes within its max-age: never answered from memory.
      const interim = isInterimPlaylist(opened.cacheControl);
      const keepable = opened.status === 200 && !interim && shelf.fits(opened.length) && !filling.has(place);
      if (!keepable || fillingBytes + opened.length > hot.maxBytes) return opened.body;
      // Errors reach the caller through the last stream, which pipeline destroys with them.
      return pipeline(opened.body, keeper(place, opened), () => {});
    },
  };
}
