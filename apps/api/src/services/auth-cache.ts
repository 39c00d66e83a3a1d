import type { ApiKey, Tenant } from '@darkroom/db';
import type { RedisConnection } from '@darkroom/queue';
import type { FastifyBaseLogger } from 'fastify';

export interface CachedKey {
  key: ApiKey;
  tenant: Tenant | null;
}

/** A key lookup, and how many requests that key has made in the current rate window (this one included). */
export interface KeyLookup {
  found: CachedKey | undefined;
  /** Undefined when Redis did not answer: the limit is then not enforced (the API stays up without Redis). */
  requests: RequestCount | undefined;
}

export interface RequestCount {
  count: number;
  /** When the current window ends, ms since the epoch. */
  resetAt: number;
}

export interface AuthCache {
  /**
   * The key a token hash stands for: from this process's cache while the deployment's invalidation
   * epoch has not moved, else from `load` (then cached); with the key's request count in this
   * window. Without Redis the cache is bypassed: every request loads.
   */
  resolve(tokenHash: string, load: () => Promise<CachedKey | undefined>): Promise<KeyLookup>;
  /** Call after a revocation commits: every API process stops trusting its cache on its next request. */
  invalidateKey(keyId: string): Promise<void>;
  /** Call after a tenant's settings change commits; same effect. */
  invalidateTenant(tenantId: string): Promise<void>;
  close(): void;
}

export interface AuthCacheOptions {
  /** Fails fast (no offline queue): a request never waits for Redis to come back. Auto-pipelining on. */
  redis: RedisConnection;
  /** Redis keys' prefix (the queue prefix: its {hash tag} keeps every key of a request on one cluster slot). */
  prefix: string;
  ttlMs: number;
  maxEntries: number;
  /** Length of a rate-limit window. */
  windowMs: number;
  log: Pick<FastifyBaseLogger, 'warn'>;
}

/**
 * Key lookups cached per API process: the lookup was the one database round trip of a request
 * besides its own query (README, Performance). Correct across processes without pub/sub timing:
 * revocations and tenant changes bump an epoch in Redis after they commit, and every request reads
 * it before trusting the cache. So the next request after a revocation, on any process, sees the new
 * epoch, drops its cache and gets 401. The per-key request counter (RATE_LIMIT_PER_MINUTE) rides in
 * the same Redis round trip as that read whenever the key is already cached, which is nearly always.
 */
export function createAuthCache(options: AuthCacheOptions): AuthCache {
  const entries = new Map<string, CachedKey & { expiresAt: number }>();
  const epochKey = `${options.prefix}:auth-epoch`;
  let epoch: string | null = null;

  function counterKey(keyId: string, now: number) {
    const window = Math.floor(now / options.windowMs);
    return { key: `${options.prefix}:rate:${keyId}:${window}`, resetAt: (window + 1) * options.windowMs };
  }

  /**
   * Counts a request of the key in its window. The expiry is set by the window's first request only
   * (a key that missed it, its process dying in between, just lingers: the window is in its name).
   */
  async function incrementCounter(keyId: string, now: number): Promise<RequestCount> {
    const counter = counterKey(keyId, now);
    const count = await options.redis.incr(counter.key);
    if (count === 1) options.redis.pexpire(counter.key, 2 * options.windowMs).catch(() => {});
    return { count, resetAt: counter.resetAt };
  }

  /**
   * The epoch and, for a known key, its request count; undefineds when Redis fails. Sent as single
   * commands on an auto-pipelining connection: concurrent requests' reads leave in one write and
   * come back in one read, which is what made the per-request Redis trip cheap (README, Performance).
   */
  async function readRedis(keyId: string | undefined): Promise<{ epoch?: string; requests?: RequestCount }> {
    try {
      const [seen, requests] = await Promise.all([options.redis.get(epochKey), keyId ? incrementCounter(keyId, Date.now()) : undefined]);
      return { epoch: seen ?? '0', ...(requests ? { requests } : {}) };
    } catch {
      return {};
    }
  }

  async function countRequest(keyId: string): Promise<RequestCount | undefined> {
    try {
      return await incrementCounter(keyId, Date.now());
    } catch {
      return undefined;
    }
  }

  async function bump(what: Record<string, string>): Promise<void> {
    entries.clear();
    try {
      await options.redis.incr(epochKey);
    } catch (err) {
      // Other processes cannot read the epoch either while Redis is away, so they bypass their caches.
      options.log.warn({ ...what, err }, 'auth cache: could not bump the invalidation epoch');
    }
  }

  async function lookup(tokenHash: string, seen: string | undefined, load: () => Promise<CachedKey | undefined>) {
    if (seen === undefined) return load();
    if (seen !== epoch) {
      entries.clear();
      epoch = seen;
    }
    const hit = entries.get(tokenHash);
    if (hit && hit.expiresAt > Date.now()) return hit;
    const found = await load();
    // Cached under the epoch read before the load: a change committed meanwhile bumps it past.
    if (found && epoch === seen) {
      if (entries.size >= options.maxEntries) entries.delete(entries.keys().next().value!);
      entries.set(tokenHash, { ...found, expiresAt: Date.now() + options.ttlMs });
    }
    return found;
  }

  return {
    async resolve(tokenHash, load) {
      // The id of a key this process has seen, even from an older epoch: counting it costs no extra trip.
      const knownId = entries.get(tokenHash)?.key.id;
      const read = await readRedis(knownId);
      const found = await lookup(tokenHash, read.epoch, load);
      if (!found || read.epoch === undefined) return { found, requests: undefined };
      const requests = found.key.id === knownId ? read.requests : await countRequest(found.key.id);
      return { found, requests };
    },
    invalidateKey: (keyId) => bump({ keyId }),
    invalidateTenant: (tenantId) => bump({ tenantId }),
    close() {
      entries.clear();
    },
  };
}
