import type { ObjectLocation, ObjectStorage } from '@darkroom/storage';
import { readOriginal, type LocalOriginal, type ReadOriginalOptions } from './original.js';

/**
 * Image originals this process read a moment ago, in memory: a page's `srcset` asks several widths
 * of one image within seconds, and each width after the first then renders without reading the
 * original from the bucket again.
 */
export interface RecentOriginals {
  /** The bytes of the original at `key` when read within the life, else null. */
  get(key: string): Buffer | null;
  /** Keeps `data` as the original at `key` when it fits; whether it was kept (then nobody may release it). */
  keep(key: string, data: Buffer): boolean;
}

interface Entry {
  data: Buffer;
  until: number;
}

/**
 * At most `maxBytes` of originals together (0: none), each kept `lifeMs` from its read (never
 * longer, so an original is not held past the moment its page asked for it), the least recently
 * read going first. What leaves is left to the garbage collector: a render may still be reading it.
 */
export function createRecentOriginals(options: { maxBytes: number; lifeMs: number; now?: () => number }): RecentOriginals {
  const { maxBytes, lifeMs } = options;
  const now = options.now ?? (() => Date.now());
  // Least recently read first: a Map keeps insertion order.
  const entries = new Map<string, Entry>();
  let held = 0;
  const drop = (key: string, entry: Entry) => {
    entries.delete(key);
    held -= entry.data.length;
  };
  return {
    get(key) {
      const entry = entries.get(key);
      if (!entry) return null;
      if (now() < entry.until) return entry.data;
      drop(key, entry);
      return null;
    },
    keep(key, data) {
      if (data.length > maxBytes) return false;
      const before = entries.get(key);
      if (before) drop(key, before);
      entries.set(key, { data, until: now() + lifeMs });
      held += data.length;
      for (const [oldest, entry] of entries) {
        if (held <= maxBytes) break;
        drop(oldest, entry);
      }
      return true;
    },
  };
}

/**
 * An image original from the recent ones, else read (storage's `readOriginal`) and, when it was read
 * into memory, kept among them: its `dispose` then releases nothing, since later renders share it.
 */
export async function readRecentOriginal(
  storage: ObjectStorage,
  recent: RecentOriginals,
  location: ObjectLocation,
  options: ReadOriginalOptions,
): Promise<LocalOriginal> {
  const kept = recent.get(location.key);
  if (kept) return shared(kept);
  const read = await readOriginal(storage, location, options);
  return typeof read.input !== 'string' && recent.keep(location.key, read.input) ? shared(read.input) : read;
}

const shared = (data: Buffer): LocalOriginal => ({ input: data, dispose: async () => {} });
