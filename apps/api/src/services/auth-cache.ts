import type { ApiKey, Tenant } from '@darkroom/db';
import { createRedisConnection, type RedisSettings } from '@darkroom/queue';
import type { FastifyBaseLogger } from 'fastify';

export interface CachedKey {
  key: ApiKey;
  tenant: Tenant | null;
}

export interface AuthCache {
  /**
   * The key a token hash stands for: from this process's cache while the deployment's
   * invalidation epoch has not moved, else from `load` (then cached). Without Redis the cache is
   * bypassed: every request loads.
   */
  resolve(tokenHash: string, load: () => Promise<CachedKey | undefined>): Promise<CachedKey | undefined>;
  /** Call after a revocation commits: every API process stops trusting its cache on its next request. */
  invalidateKey(keyId: string): Promise<void>;
  /** Call after a tenant's settings change commits; same effect. */
  invalidateTenant(tenantId: string): Promise<void>;
  close(): Promise<void>;
}

export interface AuthCacheOptions {
  redis: RedisSettings;
  /** Redis key of the deployment's invalidation epoch (under the queue prefix's hash tag). */
  epochKey: string;
  ttlMs: number;
  maxEntries: number;
  log: Pick<FastifyBaseLogger, 'warn'>;
}

/**
 * Key lookups cached per API process: the lookup was the one database round trip of a request
 * besides its own query (README, Performance). Correct across processes without pub/sub timing:
 * revocations and tenant changes bump an epoch in Redis after they commit, and every request reads
 * it (one Redis GET, far cheaper than the Postgres lookup) before trusting the cache. So the next
 * request after a revocation, on any process, sees the new epoch, drops its cache and gets 401.
 */
export function createAuthCache(options: AuthCacheOptions): AuthCache {
  const entries = new Map<string, CachedKey & { expiresAt: number }>();
  let epoch: string | null = null;
  const redis = createRedisConnection(options.redis, { enableOfflineQueue: false, maxRetriesPerRequest: 1, connectTimeout: 2000 });
  redis.on('error', () => {}); // a failed GET bypasses the cache; the error surfaces there

  async function currentEpoch(): Promise<string | undefined> {
    try {
      return (await redis.get(options.epochKey)) ?? '0';
    } catch {
      return undefined;
    }
  }

  async function bump(what: Record<string, string>): Promise<void> {
    entries.clear();
    try {
      await redis.incr(options.epochKey);
    } catch (err) {
      // Other processes cannot read the epoch either while Redis is away, so they bypass their caches.
      options.log.warn({ ...what, err }, 'auth cache: could not bump the invalidation epoch');
    }
  }

  return {
    async resolve(tokenHash, load) {
      const seen = await currentEpoch();
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
    },
    invalidateKey: (keyId) => bump({ keyId }),
    invalidateTenant: (tenantId) => bump({ tenantId }),
    async close() {
      entries.clear();
      redis.disconnect();
    },
  };
}
