import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { ERRORS } from '@darkroom/core';
import type { RedisConnection } from '@darkroom/queue';
import type { RenderStore, StoredRender } from './render-store.js';

/** How a render was come by: by this request (`render`) or by another one it waited for (`hit`). */
export interface Coalesced {
  stored: StoredRender;
  rendered: boolean;
}

export interface RenderOnce {
  /**
   * The render at `key`: stored already, or made by `produce` (which stores it) exactly once across
   * every delivery process, however many requests ask at once. Those that wait share the answer.
   */
  get(key: string, produce: () => Promise<StoredRender>): Promise<Coalesced>;
  /** Whether this process is rendering (or waiting on another's render of) `key` right now. */
  underWay(key: string): boolean;
}

export interface RenderOnceOptions {
  redis: RedisConnection;
  store: RenderStore;
  prefix: string;
  /** How long a lock holds without its holder: longer than a render may take, slot wait included. */
  lockMs: number;
  /** How often a process waiting on another's render looks whether it is done. */
  pollMs: number;
}

// Deletes the lock only if its value is still ARGV[1]: this process's token (it may have expired and
// been taken over), or the stored mark (a render stored and since deleted).
const RELEASE = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end";
// Turns this process's lock into the stored mark, for as long as a lock would hold.
const MARK_STORED = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('set', KEYS[1], ARGV[2], 'PX', ARGV[3]) else return 0 end";
/** The lock's value once its render is stored: no process takes the lock again while it stands. */
const STORED = 'stored';
/** When a request that waited its whole time for another's render is told to come back. */
const STILL_RENDERING_RETRY_AFTER_SECONDS = 2;

/**
 * Render once, across processes: requests in one process share one promise per key; processes
 * share a Redis lock per key (`SET NX PX`). The holder renders and stores, then turns the lock into
 * a stored mark that expires like a lock; the others poll the lock and read the stored render once
 * it is marked stored or gone. A process that missed the render in the bucket and then finds the
 * lock taken reads it again, so the holder needs no second bucket read before it renders: a render
 * stored since its miss left the mark. A holder that dies leaves a lock that expires, and the next
 * waiter takes it over. Without Redis each process renders on its own: a duplicate render is better
 * than no image.
 */
export function createRenderOnce(options: RenderOnceOptions): RenderOnce {
  const { redis, store, lockMs, pollMs } = options;
  const inFlight = new Map<string, Promise<Coalesced>>();
  const lockKey = (key: string) => `${options.prefix}:delivery:lock:${key}`;

  async function tryLock(key: string, token: string): Promise<boolean | null> {
    try {
      return (await redis.set(lockKey(key), token, 'PX', lockMs, 'NX')) === 'OK';
    } catch {
      return null;
    }
  }

  async function renderHolding(key: string, token: string | null, produce: () => Promise<StoredRender>): Promise<Coalesced> {
    let stored: StoredRender;
    try {
      stored = await produce();
    } catch (error) {
      if (token) await redis.eval(RELEASE, 1, lockKey(key), token).catch(() => {});
      throw error;
    }
    if (token) await redis.eval(MARK_STORED, 1, lockKey(key), token, STORED, lockMs).catch(() => {});
    return { stored, rendered: true };
  }

  async function coordinate(key: string, produce: () => Promise<StoredRender>): Promise<Coalesced> {
    const token = randomUUID();
    const deadline = Date.now() + lockMs;
    while (Date.now() < deadline) {
      const locked = await tryLock(key, token);
      if (locked !== false) return renderHolding(key, locked ? token : null, produce);
      // Someone else renders it, or has just stored it: wait until it is stored, then read it.
      const holderNow = () => redis.get(lockKey(key)).catch(() => null);
      let holder = await holderNow();
      while (holder !== null && holder !== STORED && Date.now() < deadline) {
        await sleep(pollMs);
        holder = await holderNow();
      }
      const stored = await store.get(key);
      if (stored) return { stored, rendered: false };
      // Marked stored, yet not in the bucket (deleted since): the mark goes, and the render is made again.
      if (holder === STORED) await redis.eval(RELEASE, 1, lockKey(key), STORED).catch(() => {});
    }
    throw ERRORS.stillRendering(STILL_RENDERING_RETRY_AFTER_SECONDS);
  }

  return {
    underWay: (key) => inFlight.has(key),
    get(key, produce) {
      const pending = inFlight.get(key);
      // Only the request that set the render going counts as having rendered it.
      if (pending) return pending.then(({ stored }) => ({ stored, rendered: false }));
      const started = coordinate(key, produce).finally(() => inFlight.delete(key));
      inFlight.set(key, started);
      return started;
    },
  };
}
