import { setImmediate as nextTurn } from 'node:timers/promises';
import type { ApiKey, Tenant } from '@darkroom/db';
import { createRedisConnection, type RedisSettings } from '@darkroom/queue';
import type { FastifyBaseLogger } from 'fastify';

export interface CachedKey {
  key: ApiKey;
  tenant: Tenant | null;
}

export interface AuthCache {
  /**
   * The cached key for a token hash, or undefined (also while the invalidation feed is down). It
   * first lets pending I/O run, so an invalidation already delivered to this process is applied
   * before the answer: a key revoked through another API process is refused on the next request.
   */
  get(tokenHash: string): Promise<CachedKey | undefined>;
  /** Remembers a lookup; `generation` is `generation()` read before the lookup began. */
  set(tokenHash: string, entry: CachedKey, generation: number): void;
  /** Bumped by every invalidation: a lookup that overlapped one is not cached (it may be stale). */
  generation(): number;
  /** Forgets the key on every API process (a revocation). */
  invalidateKey(keyId: string): Promise<void>;
  /** Forgets every key of the tenant on every API process (its settings changed). */
  invalidateTenant(tenantId: string): Promise<void>;
  close(): Promise<void>;
}

export interface AuthCacheOptions {
  redis: RedisSettings;
  /** Redis pub/sub channel shared by the API processes of one deployment. */
  channel: string;
  ttlMs: number;
  maxEntries: number;
  log: Pick<FastifyBaseLogger, 'warn'>;
}

type Invalidation = { keyId: string } | { tenantId: string };

/**
 * Key lookups cached per API process (measured in the API bench: the lookup is the only database
 * round trip an upload start had besides its INSERT), with revocations and tenant changes
 * broadcast to every process through Redis pub/sub. The cache answers only while its
 * subscription is live: when the subscriber loses Redis it empties and stays off until it has
 * subscribed again, since invalidations sent meanwhile would be missed.
 */
export function createAuthCache(options: AuthCacheOptions): AuthCache {
  const entries = new Map<string, CachedKey & { expiresAt: number }>();
  let live = false;
  let generation = 0;
  const publisher = createRedisConnection(options.redis, { enableOfflineQueue: false, maxRetriesPerRequest: 1, connectTimeout: 2000 });
  const subscriber = createRedisConnection(options.redis, { maxRetriesPerRequest: null });
  publisher.on('error', () => {});

  const off = () => {
    live = false;
    generation++;
    entries.clear();
  };
  subscriber.on('error', (err: Error) => options.log.warn({ err: err.message }, 'auth cache: invalidation feed lost; caching off'));
  subscriber.on('close', off);
  subscriber.on('end', off);
  subscriber.on('ready', () => {
    off();
    subscriber.subscribe(options.channel).then(
      () => (live = true),
      (err: Error) => options.log.warn({ err: err.message }, 'auth cache: could not subscribe; caching off'),
    );
  });
  subscriber.on('message', (_channel: string, message: string) => apply(JSON.parse(message) as Invalidation));

  function apply(invalidation: Invalidation): void {
    generation++;
    for (const [hash, entry] of entries) {
      const matches = 'keyId' in invalidation ? entry.key.id === invalidation.keyId : entry.key.tenantId === invalidation.tenantId;
      if (matches) entries.delete(hash);
    }
  }

  async function broadcast(invalidation: Invalidation): Promise<void> {
    apply(invalidation);
    await publisher.publish(options.channel, JSON.stringify(invalidation));
  }

  return {
    async get(tokenHash) {
      if (!live) return undefined;
      await nextTurn();
      const entry = entries.get(tokenHash);
      if (!entry || !live) return undefined;
      if (entry.expiresAt < Date.now()) {
        entries.delete(tokenHash);
        return undefined;
      }
      return entry;
    },
    set(tokenHash, entry, seenGeneration) {
      if (!live || seenGeneration !== generation) return;
      if (entries.size >= options.maxEntries) entries.delete(entries.keys().next().value!);
      entries.set(tokenHash, { ...entry, expiresAt: Date.now() + options.ttlMs });
    },
    generation: () => generation,
    invalidateKey: (keyId) => broadcast({ keyId }),
    invalidateTenant: (tenantId) => broadcast({ tenantId }),
    async close() {
      off();
      subscriber.disconnect();
      publisher.disconnect();
    },
  };
}
