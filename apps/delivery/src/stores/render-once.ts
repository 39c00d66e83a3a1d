import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { ERRORS } from '@darkroom/core/error-factories';
import type { RedisConnection } from '@darkroom/queue';
import type { RenderStore, StoredRender, StoreWrite } from './render-store.js';

/** How a render was come by: by this request (`render`) or by another one it waited for (`hit`). */
export interface Coalesced {
  stored: StoredRender;
  rendered: boolean;
}

/** What a request hears while its render is come by. */
export interface RenderOnceHooks {
  /** This request will not render it: another request or process does. */
  onWait?: () => void;
  /**
   * Redis knows of no stored render and of no other render of it under way, so this request is
   * likely to render it (the bucket is still being asked): the time to start reading the original.
   * Not called for a render marked stored, nor when another request or process renders it.
   */
  onLikelyMiss?: () => void;
}

export interface RenderOnce {
  /**
   * The render at `key`: stored already (in memory or the bucket), or made by `produce` (which starts
   * storing it) exactly once across every delivery process, however many requests ask at once. Those that wait share the
   * answer. The answer comes as soon as the render is made; the lock holds until its PUT lands.
   */
  get(key: string, produce: () => Promise<StoreWrite>, hooks?: RenderOnceHooks): Promise<Coalesced>;
  /** Whether this process is rendering, storing (or waiting on another's render of) `key` right now. */
  underWay(key: string): boolean;
}

export interface RenderOnceOptions {
  redis: RedisConnection;
  store: RenderStore;
  prefix: string;
  /** How long a lock holds without its holder: longer than a render may take, slot wait included. */
  lockMs: number;
  /** How long a render stays marked stored once its PUT has landed (or it was found unmarked in the bucket). */
  storedMarkMs: number;
  /** How often a process waiting on another's render looks whether it is done. */
  pollMs: number;
  /** PUTs still landing are added here (awaited on close) and leave it when they settle. */
  background: Set<Promise<unknown>>;
}

// Takes the lock for ARGV[1] unless the key is held (by another process's token, or the stored
// mark), and answers with whoever holds it now: ARGV[1] when taken.
const TRY_LOCK =
  "local holder = redis.call('get', KEYS[1]) if holder then return holder end redis.call('set', KEYS[1], ARGV[1], 'PX', ARGV[2]) return ARGV[1]";
// Deletes the lock only if its value is still ARGV[1]: this process's token (it may have expired and
// been taken over), or the stored mark (a render stored and since deleted).
const RELEASE = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end";
// Turns this process's lock into the stored mark, for ARGV[3] ms.
const MARK_STORED = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('set', KEYS[1], ARGV[2], 'PX', ARGV[3]) else return 0 end";
/** The lock's value once its render is stored: no process takes the lock again while it stands. */
const STORED = 'stored';

/**
 * Render once, across processes: requests in one process share one promise per key; processes
 * share a Redis lock per key, tried while the bucket is asked for the render, so a miss renders
 * without another round trip. The lock's answer comes first and says whether the render is likely
 * missing (`onLikelyMiss`: the original is read beside the bucket's answer) or marked stored (then
 * only the bucket is read: a hit never reads its original). The holder renders, answers, and
 * stores; once the PUT has landed it turns the lock into a stored mark for `storedMarkMs` (a PUT
 * that failed, or a render its guard kept out of the bucket, lets the lock go instead, so a later
 * request renders again). A render found in the
 * bucket with no mark is marked so. The others poll the lock and read the stored render once it is
 * marked stored or gone. A process that missed the render in the bucket and found the lock taken
 * reads it again, so the holder needs no second bucket read before it renders: a render stored
 * since its miss left the mark. A holder that dies leaves a lock that expires, and the next waiter
 * takes it over. Without Redis each process renders on its own: a duplicate render is better than
 * no image.
 */
export function createRenderOnce(options: RenderOnceOptions): RenderOnce {
  const { redis, store, lockMs, storedMarkMs, pollMs, background } = options;
  const inFlight = new Map<string, Promise<Coalesced>>();
  const lockKey = (key: string) => `${options.prefix}:delivery:lock:${key}`;

  /** Who holds the key's lock once this process has tried it (`token` when taken), or null without Redis. */
  async function tryLock(key: string, token: string): Promise<string | null> {
    try {
      return String(await redis.eval(TRY_LOCK, 1, lockKey(key), token, lockMs));
    } catch {
      return null;
    }
  }

  const release = (key: string, value: string) => redis.eval(RELEASE, 1, lockKey(key), value).then(noop, noop);
  const markStored = (key: string, token: string) => redis.eval(MARK_STORED, 1, lockKey(key), token, STORED, storedMarkMs).then(noop, noop);

  /** The render's bytes at once, and (`settled`) the end of its PUT and of the lock it held. */
  async function renderHolding(key: string, token: string | null, produce: () => Promise<StoreWrite>): Promise<Outcome> {
    let write: StoreWrite;
    try {
      write = await produce();
    } catch (error) {
      if (token) await release(key, token);
      throw error;
    }
    const settled = write.landed.then(
      (kept) => (token ? (kept ? markStored(key, token) : release(key, token)) : undefined),
      () => (token ? release(key, token) : undefined),
    );
    return { coalesced: { stored: write.stored, rendered: true }, settled };
  }

  /**
   * The render stored already (the bucket is asked while the lock is tried), else the lock's answer:
   * true when taken, false when another holds it or it is marked stored, null without Redis.
   */
  async function storedOrLock(
    key: string,
    token: string,
    onLikelyMiss: () => void,
  ): Promise<{ stored: StoredRender | null; locked: boolean | null }> {
    const locking = tryLock(key, token).then((holder) => {
      if (holder === token || holder === null) onLikelyMiss();
      return lockedBy(holder, token);
    });
    let stored: StoredRender | null;
    try {
      stored = await store.get(key);
    } catch (error) {
      if (await locking) await release(key, token);
      throw error;
    }
    const locked = await locking;
    // Stored but not marked (the mark expired, or Redis lost it): marked again for the next request.
    if (stored && locked) void markStored(key, token);
    return { stored, locked };
  }

  async function coordinate(key: string, produce: () => Promise<StoreWrite>, hooks: Required<RenderOnceHooks>): Promise<Outcome> {
    const { onWait, onLikelyMiss } = hooks;
    const token = randomUUID();
    const deadline = Date.now() + lockMs;
    const first = await storedOrLock(key, token, onLikelyMiss);
    if (first.stored) return storedAlready(first.stored);
    let locked = first.locked;
    for (;;) {
      if (locked !== false) return renderHolding(key, locked ? token : null, produce);
      if (Date.now() >= deadline) throw ERRORS.stillRendering();
      onWait();
      // Someone else renders it, or has just stored it: wait until it is stored, then read it.
      const holderNow = () => redis.get(lockKey(key)).catch(() => null);
      let holder = await holderNow();
      while (holder !== null && holder !== STORED && Date.now() < deadline) {
        await sleep(pollMs);
        holder = await holderNow();
      }
      const stored = await store.get(key);
      if (stored) return storedAlready(stored);
      // Marked stored, yet not in the bucket (deleted since): the mark goes, and the render is made again.
      if (holder === STORED) await release(key, STORED);
      locked = lockedBy(await tryLock(key, token), token);
    }
  }

  return {
    underWay: (key) => inFlight.has(key),
    get(key, produce, { onWait = noop, onLikelyMiss = noop } = {}) {
      const pending = inFlight.get(key);
      // Only the request that set the render going counts as having rendered it.
      if (pending) {
        onWait();
        return pending.then(({ stored }) => ({ stored, rendered: false }));
      }
      const outcome = coordinate(key, produce, { onWait, onLikelyMiss });
      const started = outcome.then(({ coalesced }) => coalesced);
      // Requests arriving while the PUT lands share these bytes rather than wait on the lock.
      inFlight.set(key, started);
      const done = outcome
        .then(({ settled }) => settled, noop)
        .finally(() => {
          inFlight.delete(key);
          background.delete(done);
        });
      background.add(done);
      return started;
    },
  };
}

interface Outcome {
  coalesced: Coalesced;
  settled: Promise<void>;
}

const noop = () => {};

/** A lock's holder as `storedOrLock` reads it: this process's token, another's or the mark, or no Redis. */
const lockedBy = (holder: string | null, token: string): boolean | null => (holder === null ? null : holder === token);

/** A render found stored: not made here, nothing left to settle. */
const storedAlready = (stored: StoredRender): Outcome => ({ coalesced: { stored, rendered: false }, settled: Promise.resolve() });
