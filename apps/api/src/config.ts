import {
  booleanSetting,
  deliveryBaseUrlOf,
  deliverySettings,
  privateUrlSettings,
  describeEnvIssues,
  durationSetting,
  visibilitySettings,
  commonSettings,
  uploadTtlSetting,
} from '@darkroom/core/env';
import { DEFAULT_AUDIO_MAX_DURATION, MiB } from '@darkroom/core/limits';
import { presetsFileSetting } from '@darkroom/core/preset-file';
import { secretSetting } from '@darkroom/core/secrets';
import type { PresetRegistry } from '@darkroom/core/presets';
import type { Visibility } from '@darkroom/core/private-links';
import { parseCorsOrigins, parseStorageConfig, type StorageConfig } from '@darkroom/storage';
import { clusterNodesSetting, redisSettings, type RedisSettings } from '@darkroom/queue';
import { isIP } from 'node:net';
import { intakeEnvSettings } from '@darkroom/intake';
import { usageConfigOf, usageEnvSettings, usageSpoolEnvSettings, type UsageConfig } from '@darkroom/usage';
import { backupBucketOf, backupBucketSettings } from '@darkroom/intake/imports';
import { z } from 'zod';

const bytes = (fallback: number) => z.coerce.number().int().positive().default(fallback);

/** proxy-addr's names for ranges, which Fastify's trustProxy takes as well as addresses. */
const PROXY_RANGE_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

function isAddressOrCidr(entry: string): boolean {
  if (PROXY_RANGE_NAMES.has(entry)) return true;
  const [address = '', bits, ...rest] = entry.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  if (bits === undefined) return true;
  const max = family === 4 ? 32 : 128;
  return /^\d{1,3}$/.test(bits) && Number(bits) <= max;
}

/**
 * Which proxies' X-Forwarded-For to believe, as Fastify's `trustProxy` takes it: `false` (the default:
 * the client is the TCP peer, and the header is ignored), `true` (every hop), or a comma list of the
 * proxies' addresses and CIDRs. A hop count is refused: it cannot tell the proxy from a client that
 * connects directly, and Fastify (since 5.12.1) treats one as trusting nothing.
 */
export type TrustProxy = boolean | string[];

const trustProxySetting = () =>
  z
    .string()
    .optional()
    .transform((text, ctx): TrustProxy => {
      const value = text?.trim().toLowerCase() ?? '';
      if (value === '' || value === 'false') return false;
      if (value === 'true') return true;
      if (/^\d+$/.test(value)) {
        ctx.addIssue({ code: 'custom', message: "a hop count cannot tell the proxy from a direct client: give the proxies' addresses or CIDRs" });
        return z.NEVER;
      }
      const entries = value
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
      const bad = entries.find((entry) => !isAddressOrCidr(entry));
      if (bad === undefined && entries.length > 0) return entries;
      ctx.addIssue({ code: 'custom', message: `"${bad ?? text}" is not true, false or an IP address/CIDR` });
      return z.NEVER;
    });

/** CORS_ORIGINS as storage:setup reads it (the same origins may PUT to the bucket). */
const corsOriginsSetting = () =>
  z
    .string()
    .optional()
    .transform((text, ctx) => {
      try {
        return parseCorsOrigins(text);
      } catch (error) {
        ctx.addIssue({ code: 'custom', message: (error as Error).message });
        return z.NEVER;
      }
    });

const apiEnvSchema = z.object({
  HOST: z.string().default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  ...commonSettings,
  /** The upload limits, the copy's parts, JOB_MAX_ATTEMPTS and AUDIO_PROBES: the intake's, as every process that confirms reads them. */
  ...intakeEnvSettings,
  ...usageEnvSettings,
  ...usageSpoolEnvSettings,
  /** `host:port,…`: every Redis client uses cluster mode, and REDIS_URL is ignored. */
  REDIS_CLUSTER_NODES: clusterNodesSetting(),
  /** At least 32 characters and not a placeholder: it opens every admin route and the console. */
  ADMIN_TOKEN: secretSetting('ADMIN_TOKEN', 32),
  MULTIPART_THRESHOLD_BYTES: bytes(32 * MiB),
  MULTIPART_PART_SIZE: bytes(16 * MiB).refine((n) => n >= 8 * MiB, 'MULTIPART_PART_SIZE must be at least 8 MiB'),
  UPLOAD_URL_TTL: durationSetting('1h', 1000),
  UPLOAD_TTL: uploadTtlSetting(),
  /** A whole request (headers and body) must arrive within this; a slow drip gets 408 and is cut off. */
  REQUEST_TIMEOUT: durationSetting('30s', 100),
  /** A connection that sends nothing for this long (a stalled body, an idle keep-alive) is closed. */
  CONNECTION_TIMEOUT: durationSetting('10s', 100),
  /** Behind a TLS proxy: whose X-Forwarded-For gives the client's address (the login limit is per client IP). */
  TRUST_PROXY: trustProxySetting(),
  /** Browser origins (a platform's pages) that may call the routes an upload token may call; `*`: any. */
  CORS_ORIGINS: corsOriginsSetting(),
  /** Requests per tenant key per minute, across every API process; a tenant may have its own. */
  RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).max(1_000_000).default(1200),
  /** A backfill's jobs open at once: the most Redis holds of it, fed more as the lane drains. */
  BACKFILL_WINDOW: z.coerce.number().int().min(1).max(100_000).default(1000),
  /** Entries one blocklist (a tenant's, the deployment's) holds at most: a POST past it gets 409 invalid_state. */
  BLOCKLIST_MAX_ENTRIES: z.coerce.number().int().min(1).max(10_000_000).default(100_000),
  /** A comment line on every live stream this often, so proxies and clients see it is alive. */
  SSE_HEARTBEAT: durationSetting('15s', 100),
  /** Live streams (Server-Sent Events) one tenant may hold open on one API process. */
  SSE_MAX_STREAMS_PER_TENANT: z.coerce.number().int().min(1).max(100_000).default(20),
  /** Live streams one API process holds open at most, all tenants together. */
  SSE_MAX_STREAMS: z.coerce.number().int().min(1).max(1_000_000).default(1000),
  PRESETS_FILE: presetsFileSetting(),
  /** `complete` refuses longer audio with audio_too_long, from its probe (give the worker the same value). */
  AUDIO_MAX_DURATION: durationSetting(DEFAULT_AUDIO_MAX_DURATION, 1000),
  /** Seals webhook signing secrets at rest; give the API and every worker the same. */
  WEBHOOK_SECRET_KEY: secretSetting('WEBHOOK_SECRET_KEY', 32),
  /** Development and tests only: webhook URLs may use http:// and private or loopback addresses. */
  WEBHOOK_ALLOW_PRIVATE: booleanSetting(false),
  /** Where `asset.delivery`'s URLs point (the delivery server, or the CDN in front of it). */
  ...deliverySettings,
  /** The life of the private URLs in answers, unless a request asks for another (`?urlTtl=`). */
  ...privateUrlSettings,
  /** An upload's visibility when neither it, its upload token nor its tenant names one. */
  ...visibilitySettings,
  /** The workers run imports and read their IMPORT_* settings (docs/configuration.md#imports); an import's start refuses the backup bucket. */
  ...backupBucketSettings,
});

export interface ApiConfig {
  host: string;
  port: number;
  logLevel: z.infer<typeof apiEnvSchema>['LOG_LEVEL'];
  databaseUrl: string;
  /** One Redis server, or a cluster (REDIS_CLUSTER_NODES). */
  redis: RedisSettings;
  queuePrefix: string;
  adminToken: string;
  /** Request and idle-connection limits (REQUEST_TIMEOUT, CONNECTION_TIMEOUT). */
  timeouts: { requestMs: number; connectionMs: number };
  /** TRUST_PROXY, passed to Fastify: which proxies may name the client in X-Forwarded-For. */
  trustProxy: TrustProxy;
  /** CORS_ORIGINS: pages that may call the upload-token routes from a browser (and PUT to the bucket). */
  corsOrigins: string[];
  storage: StorageConfig;
  uploads: {
    maxBytes: number;
    multipartThreshold: number;
    partSize: number;
    /** The server-side copy from staging to the original key: in parts above `multipartThreshold`. */
    copy: { multipartThreshold: number; partSize: number };
    urlTtlSeconds: number;
    /** How long an asset may stay `awaiting_upload` before it expires. */
    ttlMs: number;
    acceptedContentTypes: string[];
    /** AUDIO_MAX_DURATION in seconds: `complete`'s probe refuses longer audio. */
    audioMaxDurationSeconds: number;
    /** AUDIO_PROBES: audio checks at once in this process. */
    audioProbes: number;
  };
  jobMaxAttempts: number;
  /** Requests per tenant key per minute (RATE_LIMIT_PER_MINUTE); a tenant's own setting wins. */
  rateLimitPerMinute: number;
  backfillWindow: number;
  /** BLOCKLIST_MAX_ENTRIES: the most entries one blocklist holds. */
  blocklistMaxEntries: number;
  /** Live streams: heartbeat interval and open streams per tenant and in total, per process. */
  sse: { heartbeatMs: number; maxPerTenant: number; maxTotal: number };
  /** The built-in presets plus PRESETS_FILE's (give the worker the same file). */
  presets: PresetRegistry;
  /** MAX_INPUT_PIXELS, the worker's limit, which the admin preview applies too. */
  maxInputPixels: number;
  webhooks: { secretKey: string; allowPrivate: boolean };
  /** DELIVERY_BASE_URL (default `http://HOST:DELIVERY_PORT`), without a trailing slash: `asset.delivery`'s origin. */
  deliveryBaseUrl: string;
  /** PRIVATE_URL_TTL in seconds: private URLs' life when a request names none. */
  privateUrlTtlSeconds: number;
  /** DEFAULT_VISIBILITY: the visibility of an upload nothing else decides. */
  defaultVisibility: Visibility;
  /** An import's start: the backup repository's bucket, which no import may name as its source. */
  imports: { backup: { endpoint: string; bucket: string } | null };
  /** USAGE_METERING, USAGE_FLUSH_SECONDS, USAGE_SPOOL_DIR. */
  usage: UsageConfig;
}

/** Parses the environment once, at boot. Throws an error naming every missing or malformed variable. */
export function loadApiConfig(env: Record<string, string | undefined>): ApiConfig {
  const parsed = apiEnvSchema.safeParse(env);
  if (!parsed.success) throw new Error(describeEnvIssues(parsed.error.issues));
  const e = parsed.data;
  return {
    host: e.HOST,
    port: e.PORT,
    logLevel: e.LOG_LEVEL,
    databaseUrl: e.DATABASE_URL,
    redis: redisSettings(e),
    queuePrefix: e.QUEUE_PREFIX,
    adminToken: e.ADMIN_TOKEN,
    storage: parseStorageConfig(env),
    timeouts: { requestMs: e.REQUEST_TIMEOUT, connectionMs: e.CONNECTION_TIMEOUT },
    trustProxy: e.TRUST_PROXY,
    corsOrigins: e.CORS_ORIGINS,
    uploads: {
      maxBytes: e.MAX_UPLOAD_BYTES,
      multipartThreshold: e.MULTIPART_THRESHOLD_BYTES,
      partSize: e.MULTIPART_PART_SIZE,
      copy: { multipartThreshold: e.COPY_MULTIPART_THRESHOLD_BYTES, partSize: e.COPY_PART_SIZE },
      urlTtlSeconds: Math.ceil(e.UPLOAD_URL_TTL / 1000),
      ttlMs: e.UPLOAD_TTL,
      acceptedContentTypes: e.ACCEPTED_CONTENT_TYPES,
      audioMaxDurationSeconds: e.AUDIO_MAX_DURATION / 1000,
      audioProbes: e.AUDIO_PROBES,
    },
    jobMaxAttempts: e.JOB_MAX_ATTEMPTS,
    rateLimitPerMinute: e.RATE_LIMIT_PER_MINUTE,
    backfillWindow: e.BACKFILL_WINDOW,
    blocklistMaxEntries: e.BLOCKLIST_MAX_ENTRIES,
    sse: { heartbeatMs: e.SSE_HEARTBEAT, maxPerTenant: e.SSE_MAX_STREAMS_PER_TENANT, maxTotal: e.SSE_MAX_STREAMS },
    presets: e.PRESETS_FILE,
    maxInputPixels: e.MAX_INPUT_PIXELS,
    webhooks: { secretKey: e.WEBHOOK_SECRET_KEY, allowPrivate: e.WEBHOOK_ALLOW_PRIVATE },
    deliveryBaseUrl: deliveryBaseUrlOf(e, e.HOST),
    privateUrlTtlSeconds: e.PRIVATE_URL_TTL,
    defaultVisibility: e.DEFAULT_VISIBILITY,
    imports: { backup: backupBucketOf(e) },
    usage: usageConfigOf(e),
  };
}
