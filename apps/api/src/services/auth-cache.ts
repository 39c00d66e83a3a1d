import type { ApiKey, Tenant, UploadToken } from '@darkroom/db/schema';
import { authEpochKey, createRateCounter, type RedisConnection, type RequestCount } from '@darkroom/queue';
import type { FastifyBaseLogger } from 'fastify';

export type { RequestCount };

/** What a bearer token stands for: an API key (with its tenant; null for admin keys), or a browser upload token. */
export type CachedKey =
  | { key: ApiKey; tenant: Tenant | null; uploadToken?: undefined }
  | { key?: undefined; uploadToken: UploadToken; tenant: Tenant };

/**
 * Whose rate-limit count a request adds to: a tenant key's own; an upload token's, that of the key
 * that minted it (so the tenant's limit counts its browsers' requests too), or one count shared by
 * the tenant's admin-minted tokens. Admin keys are not counted.
 */
export function countedAs(found: CachedKey): string | undefined {
  if (found.uploadToken) return found.uploadToken.mintedByKeyId ?? `upload-tokens:${found.tenant.id}`;
  return found.key.kind === 'tenant' ? found.key.id : undefined;
}

/** A cached lookup lasts its TTL, and never past an upload token's expiry. */
function cachedUntil(found: CachedKey, ttlMs: number): number {
  const until = Date.now() + ttlMs;
  return found.uploadToken ? Math.min(until, found.uploadToken.expiresAt.getTime()) : until;
}

/** A key lookup, and how many requests that key has made in the current rate window (this one included). */
export interface KeyLookup {
  found: CachedKey | undefined;
  /** Undefined when Redis did not answer (the limit is then not enforced: the API stays up without Redis), and for admin keys. */
  requests: RequestCount | undefined;
}

export interface AuthCache {
  /**
   * The key a token hash stands for: from this process's cache while it holds a lease on the
   * deployment's invalidation epoch, else from `load` (then cached); with the key's request count
   * in this window. Without Redis the cache is bypassed: every request loads.
   */
  resolve(tokenHash: string, load: () => Promise<CachedKey | undefined>): Promise<KeyLookup>;
  /**
   * `resolve` when it can answer at once: lease held, key cached, its count taken without Redis.
   * Else undefined, having counted nothing: call `resolve`. Most requests of a busy key answer here.
   */
  resolveNow(tokenHash: string): KeyLookup | undefined;
  /** Call after a revocation commits; resolves once no API process can still trust its cache. */
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
  /** RATE_LIMIT_PER_MINUTE, for tenants without their own. */
  defaultRateLimit: number;
  /**
   * How long one read of the epoch is trusted, and so how long an invalidation waits before it
   * returns. Reads are sent every quarter of it while requests come in.
   */
  leaseMs?: number;
  log: Pick<FastifyBaseLogger, 'warn'>;
}

const DEFAULT_LEASE_MS = 200;
/** Stop refreshing after this many leases without a request: an idle process costs Redis nothing. */
const IDLE_LEASES = 4;

/**
 * Key lookups cached per API process (the lookup was the one database round trip of a request
 * besides its own query), correct across processes without pub/sub timing. Revocations and tenant
 * changes bump an epoch in Redis after they commit. A process trusts its cache only for `leaseMs`
 * after it sent a read of the epoch that it got back, measured from when it sent it, and re-reads it
 * in the background while busy; an invalidation waits `leaseMs` after the bump before it returns.
 * So once a revocation has answered, every process has either seen the new epoch or stopped
 * trusting its cache: the next request with that key, on any process, gets 401. Before this lease,
 * every request read the epoch itself, and that Redis round trip was a large part of the API's
 * CPU per request (docs/design/api.md#no-redis-round-trip-on-most-requests).
 */
export function createAuthCache(options: AuthCacheOptions): AuthCache {
  const leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
  const entries = new Map<string, CachedKey & { expiresAt: number }>();
  const epochKey = authEpochKey(options.prefix);
  const counter = createRateCounter({ redis: options.redis, prefix: options.prefix, windowMs: options.windowMs });
  let epoch: string | null = null;
  let leaseUntil = 0;
  let lastUse = 0;
  let reading: Promise<void> | null = null;

  const leaseHeld = () => performance.now() < leaseUntil;

  /** One read of the epoch at a time; a new value empties the cache. A failed read leaves the lease to run out. */
  function readEpoch(): Promise<void> {
    if (reading) return reading;
    const sentAt = performance.now();
    reading = options.redis
      .get(epochKey)
      .then((seen) => {
        const value = seen ?? '0';
        if (value !== epoch) {
          entries.clear();
          epoch = value;
        }
        leaseUntil = Math.max(leaseUntil, sentAt + leaseMs);
      })
      .catch(() => {})
      .finally(() => (reading = null));
    return reading;
  }

  const refresher = setInterval(() => {
    if (performance.now() - lastUse > IDLE_LEASES * leaseMs) return;
    void readEpoch();
  }, leaseMs / 4);
  refresher.unref();

  async function lookup(tokenHash: string, load: () => Promise<CachedKey | undefined>): Promise<CachedKey | undefined> {
    const hit = entries.get(tokenHash);
    if (hit && hit.expiresAt > Date.now()) return hit;
    const seen = epoch;
    const found = await load();
    // Cached under the epoch seen before the load: a change committed meanwhile moves it on, and the
    // next read of it empties the cache.
    if (found && epoch === seen && leaseHeld()) {
      if (entries.size >= options.maxEntries) entries.delete(entries.keys().next().value!);
      entries.set(tokenHash, { ...found, expiresAt: cachedUntil(found, options.ttlMs) });
    }
    return found;
  }

  async function bump(what: Record<string, string>): Promise<void> {
    entries.clear();
    leaseUntil = 0;
    try {
      await options.redis.incr(epochKey);
    } catch (err) {
      // Other processes cannot read the epoch either while Redis is away, so their leases run out.
      options.log.warn({ ...what, err }, 'auth cache: could not bump the invalidation epoch');
    }
    // Every lease taken before the bump has run out after this.
    await new Promise((resolve) => setTimeout(resolve, leaseMs));
  }

  const limitOf = (found: CachedKey) => found.tenant?.rateLimitPerMinute ?? options.defaultRateLimit;

  return {
    resolveNow(tokenHash) {
      lastUse = performance.now();
      if (!leaseHeld()) return undefined;
      const hit = entries.get(tokenHash);
      if (!hit || hit.expiresAt <= Date.now()) return undefined;
      const counted = countedAs(hit);
      if (!counted) return { found: hit, requests: undefined };
      const requests = counter.countNow(counted, limitOf(hit));
      return requests ? { found: hit, requests } : undefined;
    },
    async resolve(tokenHash, load) {
      lastUse = performance.now();
      if (!leaseHeld()) await readEpoch();
      // Without a lease (Redis away, or its answer came back after the lease it gave had run out on a
      // busy event loop) the cache is not trusted, but the request is still counted: the count is
      // Redis's own, and without Redis the counter answers undefined by itself.
      const found = leaseHeld() ? await lookup(tokenHash, load) : await load();
      const counted = found && countedAs(found);
      if (!found || !counted) return { found, requests: undefined };
      return { found, requests: await counter.count(counted, limitOf(found)) };
    },
    invalidateKey: (keyId) => bump({ keyId }),
    invalidateTenant: (tenantId) => bump({ tenantId }),
    close() {
      clearInterval(refresher);
      counter.close();
      entries.clear();
    },
  };
}
