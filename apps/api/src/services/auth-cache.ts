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
  /** Fails fast (no offline queue): a request never waits for Redis to come back. */
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

  /** The epoch and, for a known key, its request count, in one pipeline; undefineds when Redis fails. */
  async function readRedis(keyId: string | undefined): Promise<{ epoch?: string; requests?: RequestCount }> {
    const now = Date.now();
    const counter = keyId ? counterKey(keyId, now) : undefined;
    const pipeline = options.redis.pipeline().get(epochKey);
    if (counter) pipeline.incr(counter.key).pexpire(counter.key, 2 * options.windowMs);
    try {
      const results = (await pipeline.exec()) ?? [];
      if (results.some(([error]) => error)) return {};
      const count = results[1]?.[1] as number | undefined;
      return { epoch: (results[0]![1] as string | null) ?? '0', ...(counter ? { requests: { count: count!, resetAt: counter.resetAt } } : {}) };
    } catch {
      return {};
    }
  }

  async function countRequest(keyId: string): Promise<RequestCount | undefined> {
    const counter = counterKey(keyId, Date.now());
    try {
      const results = (await options.redis.pipeline().incr(counter.key).pexpire(counter.key, 2 * options.windowMs).exec()) ?? [];
      if (results.some(([error]) => error)) return undefined;
      return { count: results[0]![1] as number, resetAt: counter.resetAt };
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
