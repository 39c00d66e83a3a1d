/** Something kept in memory: its bytes count against the cache's budget. */
export interface Held {
  data: Buffer;
}

/** One kind of thing in the cache (renders, objects), under keys of its own and within the one budget. */
export interface HotShelf<T extends Held> {
  /** Whether something of `bytes` is ever kept: at most an eighth of the budget, so one large thing never flushes the rest. */
  fits(bytes: number): boolean;
  /** What `key` holds, made the most recently used; null once it has outlived the shelf's life. */
  get(key: string): T | null;
  /** Keeps `value` under `key` when it fits, the least recently used things going to make room. Returns `value`. */
  set(key: string, value: T): T;
  /** Forgets `key` if it still holds `value` (not something kept since). */
  forget(key: string, value: T): void;
}

export interface HotCache {
  /** The budget: every shelf's things together. */
  maxBytes: number;
  /** A shelf named `name` (each name once); with `lifeMs`, a thing is read again once it has been kept that long. */
  shelf<T extends Held>(name: string, options?: { lifeMs?: number }): HotShelf<T>;
}

interface Entry {
  value: Held;
  /** `now()` past which it is forgotten. */
  until: number;
}

/**
 * The recently used things of this process in memory, up to `maxBytes` of them together (0: none):
 * one least-recently-used order across every shelf, so renders and private objects share
 * DELIVERY_HOT_CACHE_MB as their requests come. `now` is the clock a shelf's life is counted on.
 */
export function createHotCache(options: { maxBytes: number; now?: () => number }): HotCache {
  const { maxBytes } = options;
  const now = options.now ?? (() => Date.now());
  // Most recently used last: a Map keeps insertion order.
  const entries = new Map<string, Entry>();
  const names = new Set<string>();
  let held = 0;

  function drop(key: string, entry: Entry): void {
    entries.delete(key);
    held -= entry.value.data.length;
  }

  function shelf<T extends Held>(name: string, { lifeMs = Number.POSITIVE_INFINITY } = {}): HotShelf<T> {
    if (names.has(name) || name.includes(':')) throw new Error(`hot cache shelf ${name} is taken or malformed`);
    names.add(name);
    const keyOf = (key: string) => `${name}:${key}`;
    const fits = (bytes: number) => maxBytes > 0 && bytes <= maxBytes / 8;
    return {
      fits,
      get(key) {
        const full = keyOf(key);
        const entry = entries.get(full);
        if (!entry) return null;
        entries.delete(full);
        if (now() > entry.until) {
          held -= entry.value.data.length;
          return null;
        }
        entries.set(full, entry);
        return entry.value as T;
      },
      set(key, value) {
        if (!fits(value.data.length)) return value;
        const full = keyOf(key);
        const before = entries.get(full);
        if (before) drop(full, before);
        entries.set(full, { value, until: now() + lifeMs });
        held += value.data.length;
        for (const [oldest, entry] of entries) {
          if (held <= maxBytes) break;
          drop(oldest, entry);
        }
        return value;
      },
      forget(key, value) {
        const full = keyOf(key);
        const entry = entries.get(full);
        if (entry?.value === value) drop(full, entry);
      },
    };
  }

  return { maxBytes, shelf };
}
