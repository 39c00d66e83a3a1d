import type { RedisConnection } from './redis.js';

export interface RequestCount {
  count: number;
  /** The limit the count was taken against (the tenant's own, or the deployment's). */
  limit: number;
  /** When the current window ends, ms since the epoch. */
  resetAt: number;
}

export interface RateCounterOptions {
  redis: RedisConnection;
  /** Redis keys' prefix (its {hash tag} keeps a deployment's keys on one cluster slot). */
  prefix: string;
  /** Length of a window: fixed, aligned to the wall clock, so every process counts the same one. */
  windowMs: number;
}

export interface RateCounter {
  /**
   * Counts one request of the key against its limit: a count above the limit means refuse it.
   * Undefined when Redis did not answer (the request then goes on uncounted).
   */
  count(keyId: string, limit: number): RequestCount | Promise<RequestCount | undefined>;
  /** `count` when it can answer without Redis (a token left, or the key already over its limit); else undefined, counting nothing. */
  countNow(keyId: string, limit: number): RequestCount | undefined;
  close(): void;
}

/** A reservation takes at most this share of what is left of a key's limit, and at most MAX_BLOCK. */
const BLOCK_SHARE = 1 / 16;
const MAX_BLOCK = 100;

interface KeyWindow {
  window: number;
  /** The key's count in Redis as this process last saw it: every process's reservations. */
  reserved: number;
  /** Reserved by this process and not used yet. */
  tokens: number;
  /** The reservation under way, which other requests of the key wait for. */
  reserving: Promise<void> | null;
}

/**
 * Per-key request counts across every API process (RATE_LIMIT_PER_MINUTE) without a Redis round
 * trip on most requests. A process reserves a block of the key's budget in Redis (one INCRBY) and
 * spends it locally; a block is a sixteenth of what is left (at most 100), so blocks shrink to one
 * request near the limit. Redis's count of reservations never lets the processes together admit
 * more than the limit; what they reserved and did not use before the window ended is at most a
 * sixteenth of the limit per process, refused early. Once the count has reached the limit, a process
 * refuses the key locally for the rest of the window: a flood of refused requests costs Redis nothing.
 * Before this, every request made an INCR round trip, a large part of the API's CPU per request
 * (docs/design/api.md#no-redis-round-trip-on-most-requests).
 */
export function createRateCounter(options: RateCounterOptions): RateCounter {
  const { redis, windowMs } = options;
  const windows = new Map<string, KeyWindow>();
  const redisKey = (keyId: string, window: number) => `${options.prefix}:rate:${keyId}:${window}`;

  function windowOf(keyId: string): KeyWindow {
    const window = Math.floor(Date.now() / windowMs);
    let state = windows.get(keyId);
    if (!state || state.window !== window) {
      if (windows.size > 10_000) pruneBefore(window);
      state = { window, reserved: 0, tokens: 0, reserving: null };
      windows.set(keyId, state);
    }
    return state;
  }

  function pruneBefore(window: number): void {
    for (const [keyId, state] of windows) if (state.window < window) windows.delete(keyId);
  }

  /** Reserves a block in Redis; only the part that fits under the limit becomes tokens. */
  async function reserve(keyId: string, state: KeyWindow, limit: number): Promise<void> {
    const block = Math.max(1, Math.min(MAX_BLOCK, Math.floor((limit - state.reserved) * BLOCK_SHARE)));
    const key = redisKey(keyId, state.window);
    const total = await redis.incrby(key, block);
    if (total === block) redis.pexpire(key, 2 * windowMs).catch(() => {});
    state.reserved = Math.max(state.reserved, total);
    state.tokens += Math.max(0, Math.min(block, limit - (total - block)));
  }

  const take = (state: KeyWindow, limit: number): RequestCount => {
    state.tokens -= 1;
    return { count: state.reserved - state.tokens, limit, resetAt: (state.window + 1) * windowMs };
  };
  const over = (state: KeyWindow, limit: number): RequestCount => ({
    count: Math.max(limit, state.reserved) + 1,
    limit,
    resetAt: (state.window + 1) * windowMs,
  });

  async function countAfterReserving(keyId: string, state: KeyWindow, limit: number): Promise<RequestCount | undefined> {
    try {
      while (state.tokens === 0 && state.reserved < limit) {
        state.reserving ??= reserve(keyId, state, limit).finally(() => (state.reserving = null));
        await state.reserving;
      }
    } catch {
      return undefined;
    }
    return state.tokens > 0 ? take(state, limit) : over(state, limit);
  }

  /** The count from what this process holds: a token left, or the key already over its limit. */
  function countLocally(state: KeyWindow, limit: number): RequestCount | undefined {
    if (state.tokens > 0) return take(state, limit);
    if (state.reserved >= limit) return over(state, limit);
    return undefined;
  }

  return {
    count(keyId, limit) {
      const state = windowOf(keyId);
      return countLocally(state, limit) ?? countAfterReserving(keyId, state, limit);
    },
    countNow: (keyId, limit) => countLocally(windowOf(keyId), limit),
    close() {
      windows.clear();
    },
  };
}
