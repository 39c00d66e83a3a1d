import { randomUUID } from 'node:crypto';
import type { ApiKey, Tenant } from '@darkroom/db/schema';
import { createRedisConnection, type RedisConnection } from '@darkroom/queue';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuthCache, type AuthCache, type CachedKey } from './auth-cache.js';

/**
 * The auth cache against the real Redis. The key rows are plain objects: the cache only reads the
 * key's id and kind and the tenant's own rate limit, and what a lookup loads is the test's to say.
 */
let redis: RedisConnection;
const WINDOW_MS = 60_000;
const caches: AuthCache[] = [];

beforeAll(async () => {
  // As the API's own connection: no offline queue, so a command sent before it is up fails at once.
  redis = createRedisConnection(
    { url: process.env.REDIS_URL!, clusterNodes: null },
    { enableOfflineQueue: false, maxRetriesPerRequest: 1, enableAutoPipelining: true },
  );
  if (redis.status !== 'ready') await new Promise((resolve) => redis.once('ready', resolve));
});
afterAll(() => {
  for (const cache of caches) cache.close();
  redis?.disconnect();
});

function cache(options: { leaseMs?: number; redis?: RedisConnection } = {}): AuthCache {
  const made = createAuthCache({
    redis: options.redis ?? redis,
    prefix: `{auth-cache-test-${randomUUID()}}`,
    ttlMs: 60_000,
    maxEntries: 100,
    windowMs: WINDOW_MS,
    defaultRateLimit: 3,
    leaseMs: options.leaseMs,
    log: { warn: () => {} },
  });
  caches.push(made);
  return made;
}

function tenantKey(): CachedKey {
  const tenant = { id: randomUUID(), rateLimitPerMinute: null } as unknown as Tenant;
  return { key: { id: randomUUID(), kind: 'tenant', tenantId: tenant.id } as unknown as ApiKey, tenant };
}

/** Windows are whole minutes: a test that counts within one starts early enough in it. */
async function awayFromWindowEnd(neededMs = 5000) {
  const left = WINDOW_MS - (Date.now() % WINDOW_MS);
  if (left < neededMs) await new Promise((resolve) => setTimeout(resolve, left + 50));
}

async function admittedOf(auth: AuthCache, key: CachedKey, requests: number) {
  let loads = 0;
  const load = async () => {
    loads += 1;
    return key;
  };
  const lookups = [];
  for (let i = 0; i < requests; i++) lookups.push(await auth.resolve('digest', load));
  const admitted = lookups.filter((l) => l.requests !== undefined && l.requests.count <= l.requests.limit).length;
  return { admitted, uncounted: lookups.filter((l) => l.requests === undefined).length, loads };
}

describe('auth cache', () => {
  it('loads a key once while its lease is held, and counts every request against the limit', async () => {
    await awayFromWindowEnd();
    const result = await admittedOf(cache(), tenantKey(), 8);
    expect(result).toEqual({ admitted: 3, uncounted: 0, loads: 1 });
  });

  it('still counts every request when the lease has run out before Redis answered (a busy event loop)', async () => {
    await awayFromWindowEnd();
    // A lease far shorter than a round trip: every epoch read comes back already out of date, as one
    // does when the process is too busy to take Redis's answer in time. The cache is not trusted
    // then (each request loads the key), but the limit holds.
    const result = await admittedOf(cache({ leaseMs: 0.001 }), tenantKey(), 8);
    expect(result).toEqual({ admitted: 3, uncounted: 0, loads: 8 });
  });

  it('lets requests through uncounted, loading each key, while Redis does not answer', async () => {
    const away = createRedisConnection(
      { url: 'redis://127.0.0.1:1', clusterNodes: null },
      { enableOfflineQueue: false, maxRetriesPerRequest: 1, lazyConnect: true },
    );
    away.on('error', () => {});
    try {
      const result = await admittedOf(cache({ redis: away }), tenantKey(), 4);
      expect(result).toEqual({ admitted: 0, uncounted: 4, loads: 4 });
    } finally {
      away.disconnect();
    }
  });
});
