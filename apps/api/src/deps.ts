import { createDatabase, type Database } from '@darkroom/db/client';
import { createPublicUrlBuilder, createS3Storage, type ObjectStorage } from '@darkroom/storage';
import type { ApiConfig } from './config.js';
import {
  announceDeliveryChange,
  createAssetQueue,
  createRedisConnection,
  createImportQueue,
  createWebhookQueue,
  readScannerStates,
  type AssetQueue,
  type ScannerState,
  type ImportQueue,
  type DeliveryChange,
  type WebhookQueue,
} from '@darkroom/queue';
import { createSecretBox, type SecretBox } from '@darkroom/core/webhooks';
import type { PublicUrl } from '@darkroom/core/contract/asset';
import { createAuthCache, type AuthCache } from './services/auth-cache.js';
import { createLoginLimiter, type LoginLimiter } from './services/admin/login-limiter.js';
import { availableParallelism } from 'node:os';
import type { FastifyBaseLogger } from 'fastify';
import { createRenderGate, type RenderGate } from '@darkroom/media';
import { createMetering, type UsageCounters } from '@darkroom/usage';
import { createQuotaCredits, type QuotaCredits } from './services/uploads/quota-credits.js';

/** Everything the routes use, built once at boot and passed in (tests build their own). */
export interface AppDeps {
  config: ApiConfig;
  db: Database;
  storage: ObjectStorage;
  /** This process's usage counters (bucket requests, presigned URLs): flushed every USAGE_FLUSH_SECONDS, stopped by `close`. */
  usage: UsageCounters;
  /** Upload starts' quota reservations: a tenant's holds, one in flight at a time, and their credit. */
  quotaCredits: QuotaCredits;
  publicUrl: PublicUrl;
  queue: AssetQueue;
  /** Webhook deliveries' queue (redeliveries are queued from the API). */
  webhookQueue: WebhookQueue;
  /** Imports' slices: an import's first when it starts, its next when it is resumed (the workers run them). */
  importQueue: ImportQueue;
  /** Seals webhook signing secrets before they reach Postgres (WEBHOOK_SECRET_KEY). */
  secretBox: SecretBox;
  /** Key lookups cached per process; a revocation or tenant change reaches every process's next request (Redis epoch). */
  authCache: AuthCache;
  /** Tells every delivery process of an asset's or a tenant's change, so none serves it from its cache (false: Redis did not take it). */
  announceDeliveryChange(change: DeliveryChange): Promise<boolean>;
  /** The workers' reports of their scanners (clamd, the classifier), by worker id: those alive in the last 30 s. */
  scannerStates(): Promise<Map<string, ScannerState>>;
  /** Failed admin logins per client IP (10 per 15 minutes), shared by every process through Redis. */
  loginLimiter: LoginLimiter;
  /** Readiness checks by dependency name; each throws when that dependency does not answer. */
  /** `complete`'s audio checks (each an ffprobe process) at once, with a short bounded line behind them. */
  audioProbes: RenderGate;
  readiness: Record<'postgres' | 'redis' | 'storage', () => Promise<void>>;
  close(): Promise<void>;
}

/**
 * Postgres connections per API process, sized to the cores rather than a fixed 10: a request spends
 * most of its time waiting on Postgres, so a few connections per core keep the cores busy. Not
 * measured apart from the other API levers (docs/design/api.md#postgres-connections-per-core).
 */
const POOL_PER_CORE = 4;

export function createDeps(config: ApiConfig, log: Pick<FastifyBaseLogger, 'info' | 'warn'> = { info: () => {}, warn: () => {} }): AppDeps {
  const database = createDatabase({ url: config.databaseUrl, maxConnections: POOL_PER_CORE * availableParallelism() });
  const metering = createMetering({ databaseUrl: config.databaseUrl, config: config.usage, processName: 'api', log });
  const storage = createS3Storage(config.storage, { observer: metering.observer });
  const queue = createAssetQueue({ redis: config.redis, prefix: config.queuePrefix });
  const webhookQueue = createWebhookQueue({ redis: config.redis, prefix: config.queuePrefix });
  const importQueue = createImportQueue({ redis: config.redis, prefix: config.queuePrefix });
  // Requests' own Redis connection fails fast (no offline queue): without Redis, a request goes on
  // uncached and unlimited rather than waiting.
  const redis = createRedisConnection(config.redis, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 2000,
    enableAutoPipelining: true,
  });
  redis.on('error', () => {}); // each command's failure is handled where it is sent
  const prefix = config.queuePrefix;
  const authCache = createAuthCache({
    redis,
    prefix,
    ttlMs: 60_000,
    maxEntries: 10_000,
    windowMs: 60_000,
    defaultRateLimit: config.rateLimitPerMinute,
    log,
  });
  const loginLimiter = createLoginLimiter({ redis, prefix, maxFailures: 10, windowMs: 15 * 60_000 });
  const quotaCredits = createQuotaCredits(database.db, { urlTtlSeconds: config.uploads.urlTtlSeconds });
  return {
    config,
    db: database.db,
    storage,
    usage: metering.counters,
    quotaCredits,
    publicUrl: createPublicUrlBuilder(config.storage),
    queue,
    webhookQueue,
    importQueue,
    secretBox: createSecretBox(config.webhooks.secretKey),
    authCache,
    announceDeliveryChange: (change) => announceDeliveryChange(redis, prefix, change),
    scannerStates: () => readScannerStates(redis, { prefix }),
    loginLimiter,
    audioProbes: createRenderGate({ maxPixels: 1, slots: config.uploads.audioProbes, maxWaiting: 4 * config.uploads.audioProbes }),
    readiness: {
      postgres: () => database.ping(),
      // Both connections: the requests' own one has no offline queue, so until it is up, rate
      // limits and login attempts would go uncounted; a process is not ready before then.
      redis: async () => {
        await queue.ping();
        await redis.ping();
      },
      storage: () => storage.checkBucket({ bucket: config.storage.bucket }),
    },
    async close() {
      authCache.close();
      redis.disconnect();
      await Promise.all([queue.close(), webhookQueue.close(), importQueue.close(), metering.stop(), quotaCredits.close()]);
      await database.close();
    },
  };
}
