import { availableParallelism, tmpdir } from 'node:os';
import { DEFAULT_VIDEO_MAX_DURATION, DEFAULT_VIDEO_MAX_PIXELS, MiB } from '@darkroom/core/limits';
import { commonSettings, deliveryBaseUrlOf, deliverySettings, describeEnvIssues, durationSetting } from '@darkroom/core/env';
import { PRIVATE_URL_MAX_TTL_SECONDS } from '@darkroom/core/private-links';
import { secretSetting } from '@darkroom/core/secrets';
import { parseStorageConfig, type StorageConfig } from '@darkroom/storage';
import { clusterNodesSetting, redisSettings, type RedisSettings } from '@darkroom/queue';
import { usageConfigOf, usageEnvSettings, type UsageConfig } from '@darkroom/usage';
import { z } from 'zod';

const deliveryEnvSchema = z.object({
  HOST: z.string().default('127.0.0.1'),
  /** Where this server listens, and the public origin in front of it (the CDN; default http://HOST:DELIVERY_PORT). */
  ...deliverySettings,
  ...commonSettings,
  REDIS_CLUSTER_NODES: clusterNodesSetting(),
  /** Renders at once. Default: one per core (each render's libvips runs one thread). */
  DELIVERY_RENDER_CONCURRENCY: z.coerce.number().int().min(1).max(64).optional(),
  /** Source pixels of the renders running at once together (memory); a larger one renders alone. Default MAX_INPUT_PIXELS. */
  DELIVERY_RENDER_PIXELS: z.coerce.number().int().positive().optional(),
  /** How long a request may wait for a render slot before `503 unavailable` with Retry-After. */
  DELIVERY_QUEUE_TIMEOUT: durationSetting('10s', 1),
  /** Renders that may wait for a slot at once; more are answered 503 at once. */
  DELIVERY_QUEUE_LENGTH: z.coerce.number().int().min(0).max(100_000).default(64),
  /** One render's time limit (decode, shape and encode; a video's poster frame too). */
  DELIVERY_RENDER_TIMEOUT: durationSetting('30s', 1000),
  /** Renders per tenant per minute, across every delivery process; a tenant's `delivery.rendersPerMinute` wins. */
  DELIVERY_RENDERS_PER_MINUTE: z.coerce.number().int().min(1).max(1_000_000).default(600),
  /** Rendered images and private links' objects kept in this process's memory for repeated requests (0: none), in MiB. */
  DELIVERY_HOT_CACHE_MB: z.coerce
    .number()
    .int()
    .min(0)
    .max(64 * 1024)
    .default(64),
  /** The worker's video limits (MAX_INPUT_PIXELS is common): delivery renders nothing the worker would refuse (give both the same). */
  VIDEO_MAX_DURATION: durationSetting(DEFAULT_VIDEO_MAX_DURATION, 1000),
  VIDEO_MAX_PIXELS: z.coerce.number().int().positive().default(DEFAULT_VIDEO_MAX_PIXELS),
  /** Where originals larger than DELIVERY_ORIGINAL_MEMORY_MB are downloaded to while they render. */
  TMP_DIR: z.string().default(tmpdir()),
  /** An image original up to this size (MiB) is read into memory to render; a larger one (or a video) goes to TMP_DIR. */
  DELIVERY_ORIGINAL_MEMORY_MB: z.coerce.number().int().min(0).max(1024).default(32),
  /** Image originals read in the last seconds kept in memory for renders of other sizes (0: none), in MiB. */
  DELIVERY_RECENT_ORIGINALS_MB: z.coerce
    .number()
    .int()
    .min(0)
    .max(64 * 1024)
    .default(64),
  /** Lookups a second of asset ids this process has not cached; past it such a request is `503 busy`. */
  DELIVERY_LOOKUPS_PER_SECOND: z.coerce.number().int().min(1).max(1_000_000).default(200),
  /** The longest `max-age` a private URL's answer gets (never past the URL's `exp`, so never past a URL's longest life), in seconds. */
  PRIVATE_CACHE_MAX_AGE: z.coerce.number().int().min(0).max(PRIVATE_URL_MAX_TTL_SECONDS).default(86_400),
  /** Opens the tenants' delivery signing keys sealed in Postgres; the API's and the workers' value. */
  WEBHOOK_SECRET_KEY: secretSetting('WEBHOOK_SECRET_KEY', 32),
  /** A whole request must arrive within this. */
  REQUEST_TIMEOUT: durationSetting('30s', 100),
  /** An idle connection is closed after this (a keep-alive one after at most 5 s); never while its image renders. */
  CONNECTION_TIMEOUT: durationSetting('10s', 100),
  ...usageEnvSettings,
});

export interface DeliveryConfig {
  host: string;
  port: number;
  /** Where delivery URLs point (no trailing slash): the CDN in front of this server. */
  baseUrl: string;
  /** The path of `baseUrl` (a CDN serving delivery under a prefix): a redirect's Location starts with it. */
  basePath: string;
  logLevel: z.infer<typeof deliveryEnvSchema>['LOG_LEVEL'];
  databaseUrl: string;
  redis: RedisSettings;
  /** Redis keys' prefix (locks, render counts, source facts); the API's and the workers'. */
  queuePrefix: string;
  storage: StorageConfig;
  render: {
    concurrency: number;
    maxPixels: number;
    queueTimeoutMs: number;
    queueLength: number;
    timeoutMs: number;
    perMinute: number;
  };
  hotCacheBytes: number;
  maxInputPixels: number;
  video: { maxDurationSeconds: number; maxPixels: number };
  tmpDir: string;
  /** See DELIVERY_ORIGINAL_MEMORY_MB: at most this times the render slots in memory at once. */
  originalMemoryBytes: number;
  /** See DELIVERY_RECENT_ORIGINALS_MB. */
  recentOriginalsBytes: number;
  secretKey: string;
  lookupsPerSecond: number;
  privateCacheMaxAgeSeconds: number;
  timeouts: { requestMs: number; connectionMs: number };
  /** USAGE_METERING, USAGE_FLUSH_SECONDS: `delivery_*` and this process's bucket requests, not spooled (`spoolDir` null). */
  usage: UsageConfig;
}

/** Parses the environment once, at boot. Throws an error naming every missing or malformed variable. */
export function loadDeliveryConfig(env: Record<string, string | undefined>): DeliveryConfig {
  const parsed = deliveryEnvSchema.safeParse(env);
  if (!parsed.success) throw new Error(describeEnvIssues(parsed.error.issues));
  const e = parsed.data;
  const baseUrl = deliveryBaseUrlOf(e, e.HOST);
  return {
    host: e.HOST,
    port: e.DELIVERY_PORT,
    baseUrl,
    basePath: new URL(baseUrl).pathname.replace(/\/+$/, ''),
    logLevel: e.LOG_LEVEL,
    databaseUrl: e.DATABASE_URL,
    redis: redisSettings(e),
    queuePrefix: e.QUEUE_PREFIX,
    storage: parseStorageConfig(env),
    render: {
      concurrency: e.DELIVERY_RENDER_CONCURRENCY ?? availableParallelism(),
      maxPixels: e.DELIVERY_RENDER_PIXELS ?? e.MAX_INPUT_PIXELS,
      queueTimeoutMs: e.DELIVERY_QUEUE_TIMEOUT,
      queueLength: e.DELIVERY_QUEUE_LENGTH,
      timeoutMs: e.DELIVERY_RENDER_TIMEOUT,
      perMinute: e.DELIVERY_RENDERS_PER_MINUTE,
    },
    hotCacheBytes: e.DELIVERY_HOT_CACHE_MB * MiB,
    maxInputPixels: e.MAX_INPUT_PIXELS,
    video: { maxDurationSeconds: e.VIDEO_MAX_DURATION / 1000, maxPixels: e.VIDEO_MAX_PIXELS },
    tmpDir: e.TMP_DIR,
    originalMemoryBytes: e.DELIVERY_ORIGINAL_MEMORY_MB * MiB,
    recentOriginalsBytes: e.DELIVERY_RECENT_ORIGINALS_MB * MiB,
    secretKey: e.WEBHOOK_SECRET_KEY,
    lookupsPerSecond: e.DELIVERY_LOOKUPS_PER_SECOND,
    privateCacheMaxAgeSeconds: e.PRIVATE_CACHE_MAX_AGE,
    timeouts: { requestMs: e.REQUEST_TIMEOUT, connectionMs: e.CONNECTION_TIMEOUT },
    usage: usageConfigOf(e),
  };
}
