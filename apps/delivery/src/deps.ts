import { createSecretBox } from '@darkroom/core/webhooks';
import { DELIVERY_LOOKUP_TTL_MS } from '@darkroom/core/delivery';
import { openTempRoot } from '@darkroom/core/temp-root';
import { createDatabase } from '@darkroom/db/client';
import { createRenderGate, type RenderGate } from '@darkroom/media';
import { createRateCounter, createRedisConnection, listenForDeliveryChanges, type RateCounter, type RedisConnection } from '@darkroom/queue';
import { createS3Storage, createYoungCollector, type ObjectStorage, type YoungCollector } from '@darkroom/storage';
import { createMetering, type UsageCounters } from '@darkroom/usage';
import type { Logger } from 'pino';
import { createCatalog, type Catalog } from './stores/catalog.js';
import { createHeldObjects, type HeldObjects } from './stores/held-objects.js';
import { createHotCache } from './stores/hot-cache.js';
import { createLookupBudget } from './stores/lookup-budget.js';
import type { DeliveryConfig } from './config.js';
import { createDeliveryMetrics, type DeliveryMetrics } from './metrics.js';
import { createRenderOnce, type RenderOnce } from './stores/render-once.js';
import { createRenderMeter, type RenderMeter } from './stores/render-meter.js';
import { createRecentOriginals, type RecentOriginals } from './stores/recent-originals.js';
import { createRenderStore, type RenderStore, type StoredRender } from './stores/render-store.js';
import { createSourceFacts, type SourceFacts } from './stores/source-facts.js';
import { createVerifiedSignatures } from './stores/verified-signatures.js';

/** Everything a delivery request uses, built once at boot (tests build their own). */
export interface DeliveryDeps {
  config: DeliveryConfig;
  log: Logger;
  storage: ObjectStorage;
  /** `delivery_requests` and `delivery_bytes` (http/usage-meter.ts) and this process's bucket requests, flushed every USAGE_FLUSH_SECONDS. */
  usage: UsageCounters;
  redis: RedisConnection;
  catalog: Catalog;
  store: RenderStore;
  /** Private links' objects this process keeps, within the hot cache that renders share. */
  objects: HeldObjects;
  /** Every object stream from the bucket passes it: a young collection every MiB they read together (storage's garbage.ts). */
  collector: YoungCollector;
  renderOnce: RenderOnce;
  /** Counts the renders stored (`image_renders`), once each. */
  renderMeter: RenderMeter;
  /** Image originals read in the last seconds: the other widths of a `srcset` render without reading them again. */
  originals: RecentOriginals;
  /** Renders at once and their source pixels; a bounded line waits at most DELIVERY_QUEUE_TIMEOUT. */
  gate: RenderGate;
  /** Renders per tenant per minute, across every delivery process. */
  renderCounter: RateCounter;
  facts: SourceFacts;
  metrics: DeliveryMetrics;
  /** Work under way in the background (AVIF without the wait, renders' PUTs): awaited on close. */
  background: Set<Promise<unknown>>;
  close(): Promise<void>;
}

/** A lock is polled this often while another process renders. */
const LOCK_POLL_MS = 25;
/**
 * A stored render stays marked in Redis this long (marked again whenever found unmarked), so a
 * request for it reads the bucket alone, never its original: one small key a render, in the Redis
 * the queues use.
 */
const STORED_MARK_MS = 24 * 3600 * 1000;
/** How long an original read is kept for renders of its other sizes: a page asks them within seconds. */
const RECENT_ORIGINAL_LIFE_MS = 10_000;
/** Signatures remembered as verified (a private link's token, a signed `/img/` URL): a few MB at most. */
const VERIFIED_SIGNATURES = 10_000;

export function createDeliveryDeps(settings: DeliveryConfig, log: Logger): DeliveryDeps {
  // TMP_DIR narrowed to a directory of this process's own, where originals too large to hold in
  // memory go; the directories of processes killed mid-render are removed (core's temp-root.ts).
  const tempRoot = openTempRoot(settings.tmpDir, 'delivery', log);
  const config: DeliveryConfig = { ...settings, tmpDir: tempRoot.dir };
  const database = createDatabase({ url: config.databaseUrl, maxConnections: 8 });
  const metering = createMetering({ databaseUrl: config.databaseUrl, config: config.usage, processName: 'delivery', log });
  const storage = createS3Storage(config.storage, { observer: metering.observer });
  // Fails fast (no offline queue): without Redis, renders go on uncoordinated and uncounted rather than wait.
  const redis = createRedisConnection(config.redis, { enableOfflineQueue: false, maxRetriesPerRequest: 1, connectTimeout: 2000 });
  redis.on('error', () => {}); // each command's failure is handled where it is sent
  const prefix = config.queuePrefix;
  const hot = createHotCache({ maxBytes: config.hotCacheBytes });
  const store = createRenderStore({ storage, buckets: config.storage, hot: hot.shelf<StoredRender>('renders') });
  const { render } = config;
  const background = new Set<Promise<unknown>>();
  const metrics = createDeliveryMetrics();
  const catalog = createCatalog({
    db: database.db,
    secretBox: createSecretBox(config.secretKey),
    verified: createVerifiedSignatures(VERIFIED_SIGNATURES),
    ttlMs: DELIVERY_LOOKUP_TTL_MS,
    maxEntries: 50_000,
    budget: createLookupBudget(config.lookupsPerSecond),
    log,
    onQuery: (kind) => metrics.lookups.inc({ kind }),
  });
  const changes = listenForDeliveryChanges(redis, prefix, (change) => catalog.forget(change));
  return {
    config,
    log,
    storage,
    usage: metering.counters,
    redis,
    catalog,
    store,
    objects: createHeldObjects(hot),
    collector: createYoungCollector(),
    renderOnce: createRenderOnce({
      redis,
      store,
      prefix,
      lockMs: render.queueTimeoutMs + render.timeoutMs + 30_000,
      storedMarkMs: STORED_MARK_MS,
      pollMs: LOCK_POLL_MS,
      background,
    }),
    renderMeter: createRenderMeter({ db: database.db, metering: config.usage.metering, log }),
    originals: createRecentOriginals({ maxBytes: config.recentOriginalsBytes, lifeMs: RECENT_ORIGINAL_LIFE_MS }),
    gate: createRenderGate({ maxPixels: render.maxPixels, slots: render.concurrency, maxWaiting: render.queueLength }),
    renderCounter: createRateCounter({ redis, prefix: `${prefix}:delivery`, windowMs: 60_000 }),
    facts: createSourceFacts({ redis, prefix }),
    metrics,
    background,
    async close() {
      changes.close();
      await Promise.allSettled([...background]);
      redis.disconnect();
      await metering.stop();
      await database.close();
      await tempRoot.remove();
    },
  };
}
