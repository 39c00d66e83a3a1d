import { availableParallelism, tmpdir } from 'node:os';
import {
  booleanSetting,
  deliveryBaseUrlOf,
  deliverySettings,
  privateUrlSettings,
  describeEnvIssues,
  durationListSetting,
  durationSetting,
  scaledDurationSetting,
  type ScaledDuration,
  commonSettings,
  uploadTtlSetting,
} from '@darkroom/core/env';
import { DEFAULT_AUDIO_MAX_DURATION, DEFAULT_VIDEO_MAX_DURATION, DEFAULT_VIDEO_MAX_PIXELS } from '@darkroom/core/limits';
import { DEFAULT_RETRY_SCHEDULE } from '@darkroom/core/queue';
import { DEFAULT_WEBHOOK_RETRY_SCHEDULE } from '@darkroom/core/webhooks';
import { presetsFileSetting } from '@darkroom/core/preset-file';
import { secretSetting } from '@darkroom/core/secrets';
import type { PresetRegistry } from '@darkroom/core/presets';
import { DEFAULT_USAGE_HOURLY_DAYS } from '@darkroom/db/queries/usage';
import { parseStorageConfig, type StorageConfig } from '@darkroom/storage';
import { clusterNodesSetting, parseClusterNodes, redisSettings, type RedisSettings } from '@darkroom/queue';
import { intakeEnvSettings } from '@darkroom/intake';
import { importConfigOf, importEnvSettings, type ImportConfig } from '@darkroom/intake/imports';
import { usageConfigOf, usageEnvSettings, usageSpoolEnvSettings, type UsageConfig } from '@darkroom/usage';
import { FACE_MIN_CONFIDENCE } from '@darkroom/media';
import { z } from 'zod';
import { moderationConfigOf, moderationEnvSettings, type ModerationConfig } from './moderation/settings.js';

const workerEnvSchema = z.object({
  ...commonSettings,
  /** `host:port,…`: every Redis client uses cluster mode, and REDIS_URL is ignored. */
  REDIS_CLUSTER_NODES: clusterNodesSetting(),
  /** Jobs in flight. Default: RENDER_CONCURRENCY + 1, so one job's download and uploads overlap the renders. */
  WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(64).optional(),
  /** Renders at once. Default: one per core (each render's libvips runs one thread). */
  RENDER_CONCURRENCY: z.coerce.number().int().min(1).max(64).optional(),
  /** Slots for backfill jobs, on top of WORKER_CONCURRENCY; 0: this process takes no backfill jobs. */
  BACKFILL_CONCURRENCY: z.coerce.number().int().min(0).max(64).default(1),
  /** Imports' slices this process runs at once, each of another import (IMPORT_CONCURRENCY files each); 0: it runs none. */
  IMPORT_SLOTS: z.coerce.number().int().min(0).max(64).default(4),
  /** An import's files are confirmed here: the upload limits, the copy's parts, JOB_MAX_ATTEMPTS, AUDIO_PROBES (the API's too). */
  ...intakeEnvSettings,
  ...importEnvSettings,
  ...moderationEnvSettings,
  ...usageEnvSettings,
  ...usageSpoolEnvSettings,
  /**
   * Faces are searched for in every image at ingest (a video's poster, an audio's cover art), kept
   * at this confidence or more; `off`: not searched (an asset's `faces` stay null).
   */
  FACE_DETECTION: z.union([z.literal('off').transform(() => null), z.coerce.number().min(0.05).max(1)]).default(FACE_MIN_CONFIDENCE),
  /** The hour (UTC) of the nightly check of the storage ledger against a LIST of the buckets; `off`: not here. */
  USAGE_CHECK_HOUR: z.union([z.literal('off').transform(() => null), z.coerce.number().int().min(0).max(23)]).default(4),
  PRESETS_FILE: presetsFileSetting(),
  JOB_TIMEOUT: durationSetting('2m', 10),
  /** Longer videos fail with video_too_long, from the probe, before any transcode (long ones render in chunks: VIDEO_CHUNK_SECONDS). */
  VIDEO_MAX_DURATION: durationSetting(DEFAULT_VIDEO_MAX_DURATION, 1000),
  /** Larger video frames fail with too_many_pixels. */
  VIDEO_MAX_PIXELS: z.coerce.number().int().positive().default(DEFAULT_VIDEO_MAX_PIXELS),
  /** Longer audio fails with audio_too_long (`complete` refuses it first: give the API the same value). */
  AUDIO_MAX_DURATION: durationSetting(DEFAULT_AUDIO_MAX_DURATION, 1000),
  /** Each ffmpeg pass over an audio file (the analysis, each rendition) past this is killed: render_timeout. */
  AUDIO_JOB_TIMEOUT: scaledDurationSetting('1x+2m'),
  /** A video's renders (poster and renditions together) past this are killed: render_timeout. */
  VIDEO_JOB_TIMEOUT: scaledDurationSetting('3x+2m'),
  /**
   * A video longer than this has its HLS ladders rendered in chunks of about this length (whole
   * segments), each a job any worker may take.
   */
  VIDEO_CHUNK_SECONDS: z.coerce.number().int().min(1).max(3600).default(60),
  /** One chunk's encode past this (per second of the chunk, times the rungs it encodes) is killed: render_timeout. */
  VIDEO_CHUNK_TIMEOUT: scaledDurationSetting('3x+2m'),
  /** A tenant's chunk parts queued or rendering at once, across the fleet; the rest wait their turn in its line. */
  VIDEO_CHUNK_TENANT_PARTS: z.coerce.number().int().min(1).max(100_000).default(16),
  /** The API's upload TTL: a multipart upload older than this (plus an hour) belongs to no live asset. */
  UPLOAD_TTL: uploadTtlSetting(),
  JOB_RETRY_SCHEDULE: durationListSetting(DEFAULT_RETRY_SCHEDULE, 100),
  /** `off` disables the reconciler in this process (tests that share a database do this). */
  RECONCILE_INTERVAL: z.union([z.literal('off').transform(() => null), durationSetting('30s', 100)]),
  /**
   * How often this process looks for assets whose visibility changed and moves their objects between
   * the buckets (a change waits out delivery's lookup cache first); `off`: never.
   */
  VISIBILITY_MOVE_INTERVAL: z.union([z.literal('off').transform(() => null), durationSetting('5s', 100)]),
  /** Events (GET /v1/events, Last-Event-ID replays) are kept at least this long; the reconciler drops older ones. */
  EVENT_RETENTION: durationSetting('30d', 1000),
  /**
   * Seconds between two usage rollups in this process (metered events into hourly and daily rows;
   * the expiry runs hourly beside it); `off`: neither here (tests that share a database do this).
   */
  USAGE_ROLLUP_SECONDS: z.union([z.literal('off').transform(() => null), z.coerce.number().int().min(1).max(3600)]).default(5),
  /** Days hourly usage rows are kept (a month's partition goes once all of it is older); at least the 31 days `GET /v1/usage` reads by the hour. */
  USAGE_HOURLY_DAYS: z.coerce.number().int().min(31).max(3660).default(DEFAULT_USAGE_HOURLY_DAYS),
  /** How long a job's lock lasts without renewal: a killed worker's job is taken over after about this long. */
  STALLED_TIMEOUT: durationSetting('30s', 1000),
  /**
   * libvips operation cache. Off by default: every job reads a different file, so it hardly ever
   * hits, and all it measurably did was raise the worker's peak memory
   * (docs/design/worker.md#libvips-operation-cache-off).
   */
  SHARP_CACHE_MB: z.coerce.number().int().min(0).default(0),
  TMP_DIR: z.string().default(tmpdir()),
  /** Opens the webhook signing secrets sealed in Postgres; give the API and every worker the same. */
  WEBHOOK_SECRET_KEY: secretSetting('WEBHOOK_SECRET_KEY', 32),
  /** Development and tests only: deliver to http:// and to private and loopback addresses. */
  WEBHOOK_ALLOW_PRIVATE: booleanSetting(false),
  WEBHOOK_RETRY_SCHEDULE: durationListSetting(DEFAULT_WEBHOOK_RETRY_SCHEDULE, 100),
  /** Deliveries one worker process makes at once, apart from the render slots; 0: none here. */
  WEBHOOK_CONCURRENCY: z.coerce.number().int().min(0).max(256).default(10),
  /** How often events become deliveries (besides each NOTIFY) and lost deliveries are re-queued; `off`: not here. */
  WEBHOOK_SWEEP_INTERVAL: z.union([z.literal('off').transform(() => null), durationSetting('5s', 100)]),
  /** Serve Prometheus metrics on this port (unset: no metrics server). */
  METRICS_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  METRICS_HOST: z.string().default('127.0.0.1'),
  /** Webhook payloads carry `asset.delivery`, whose URLs start with DELIVERY_BASE_URL (give it the API's). */
  ...deliverySettings,
  /** Webhook payloads of private assets carry private URLs of this life (give it the API's). */
  ...privateUrlSettings,
  /** Only for DELIVERY_BASE_URL's default, `http://HOST:DELIVERY_PORT`, as the API and delivery server read it. */
  HOST: z.string().default('127.0.0.1'),
  /** clamd's unix socket (its LocalSocket); taken before CLAMD_HOST. Neither set: no malware scanner. */
  CLAMD_SOCKET: z.string().min(1).optional(),
  /** clamd's TCPSocket as `host:port`. */
  CLAMD_HOST: z
    .string()
    .optional()
    .transform((value, ctx) => {
      try {
        // One address, read as a Redis cluster's node list is: the same `host:port` rule.
        const addresses = parseClusterNodes(value);
        if (addresses && addresses.length !== 1) throw new Error(`"${value}" is more than one address`);
        return addresses?.[0] ?? null;
      } catch (error) {
        ctx.addIssue({ code: 'custom', message: `${(error as Error).message} (expected host:port)` });
        return z.NEVER;
      }
    }),
  /**
   * Bytes of an original sent to clamd at most; a larger file is held (too_large_to_scan). Keep it
   * under clamd's StreamMaxLength (scripts/clamd.sh: 120M); clamd's own limit also answers too_large.
   * Below 4 GiB: clamd's stream lengths are 32-bit.
   */
  CLAMD_MAX_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .lt(2 ** 32)
    .default(100 * 2 ** 20),
  /** The whole scan of one original, its download included: past it, scanner_unavailable and a retry. */
  CLAMD_TIMEOUT: durationSetting('60s', 100),
});

/** Where clamd listens and what a scan may take; null: no scanner configured (neither CLAMD_SOCKET nor CLAMD_HOST). */
export type ClamdConfig = { socket?: string; host?: string; port?: number; timeoutMs: number; maxBytes: number } | null;

function clamdConfigOf(e: z.infer<typeof workerEnvSchema>): ClamdConfig {
  const limits = { timeoutMs: e.CLAMD_TIMEOUT, maxBytes: e.CLAMD_MAX_BYTES };
  if (e.CLAMD_SOCKET) return { socket: e.CLAMD_SOCKET, ...limits };
  if (e.CLAMD_HOST) return { host: e.CLAMD_HOST.host, port: e.CLAMD_HOST.port, ...limits };
  return null;
}

export interface WorkerConfig {
  logLevel: z.infer<typeof workerEnvSchema>['LOG_LEVEL'];
  databaseUrl: string;
  /** One Redis server, or a cluster (REDIS_CLUSTER_NODES). */
  redis: RedisSettings;
  storage: StorageConfig;
  /** Redis key prefix of the queue; keep the braces (a Redis Cluster hash tag). */
  queuePrefix: string;
  /** Jobs in flight on the default lane (uploads and reprocess jobs; QUEUE_LANES). */
  concurrency: number;
  /** Renders at once, whichever lane (the render gate's slots). */
  renderConcurrency: number;
  /** The backfill lane's own slots: fresh uploads never wait behind a backfill. */
  backfillConcurrency: number;
  /** The built-in presets plus PRESETS_FILE's. */
  presets: PresetRegistry;
  maxInputPixels: number;
  jobTimeoutMs: number;
  video: {
    maxDurationSeconds: number;
    maxPixels: number;
    /** Per second of video plus a fixed part: see `scaledDurationMs`. */
    jobTimeout: ScaledDuration;
    /** VIDEO_CHUNK_SECONDS: a longer video's ladders are rendered in chunks. */
    chunkSeconds: number;
    /** Per second of a chunk (times its rungs) plus a fixed part. */
    chunkTimeout: ScaledDuration;
    /** VIDEO_CHUNK_TENANT_PARTS: one tenant's parts in flight at once, across the fleet. */
    chunkTenantParts: number;
    /** ffmpeg threads per render slot: the cores a slot stands for, so videos never take more than their slots. */
    threadsPerRender: number;
  };
  audio: {
    maxDurationSeconds: number;
    /** Per second of audio plus a fixed part, for each ffmpeg pass: see `scaledDurationMs`. */
    jobTimeout: ScaledDuration;
  };
  uploadTtlMs: number;
  /** FACE_DETECTION: the confidence a face is kept at; null: faces are not searched. */
  faceDetection: { minConfidence: number } | null;
  /** MODERATION_*, BLOCKLIST_MAX_DISTANCE, QUARANTINE_*: the deployment's policy and its limits. */
  moderation: ModerationConfig;
  /** Imports (IMPORT_*): IMPORT_SLOTS, and the run's settings. */
  imports: ImportConfig & { slots: number };
  /** What an imported file is held to and confirmed with, as the API's `complete` (the intake's settings). */
  intake: {
    maxBytes: number;
    acceptedContentTypes: string[];
    copy: { multipartThreshold: number; partSize: number };
    audioProbes: number;
  };
  jobMaxAttempts: number;
  /** Delays before each retry of a transient failure (the last one repeats). */
  retryScheduleMs: number[];
  reconcileIntervalMs: number | null;
  /** VISIBILITY_MOVE_INTERVAL; null: off. */
  visibilityMoveIntervalMs: number | null;
  /**
   * USAGE_*: metering, its flush and spool (as the API's), the usage rollup's schedule (null: not in
   * this process), how long hourly rows are kept, and the nightly check's hour (null: not here).
   */
  usage: UsageConfig & { rollupIntervalMs: number | null; hourlyDays: number; checkHour: number | null };
  /** EVENT_RETENTION: events older than this are deleted, a batch per reconcile pass. */
  eventRetentionMs: number;
  stalledTimeoutMs: number;
  sharpCacheMb: number;
  tmpDir: string;
  webhooks: {
    secretKey: string;
    allowPrivate: boolean;
    /** Delays before each retry of a failed delivery; one attempt more than there are delays. */
    retryScheduleMs: number[];
    concurrency: number;
    /** Null: this process neither dispatches events nor sweeps lost deliveries. */
    sweepIntervalMs: number | null;
  };
  /** Where `/metrics` is served; null port: not at all. */
  metrics: { host: string; port: number | null };
  /** DELIVERY_BASE_URL (default `http://HOST:DELIVERY_PORT`): the origin of `asset.delivery` in webhook payloads. */
  deliveryBaseUrl: string;
  /** PRIVATE_URL_TTL in seconds: the life of the private URLs in webhook payloads. */
  privateUrlTtlSeconds: number;
  /** CLAMD_*: the malware scanner, as `createClamdScanner` takes it; null: none. */
  clamd: ClamdConfig;
}

/** Parses the environment once, at boot. Throws an error naming every missing or malformed variable. */
export function loadWorkerConfig(env: Record<string, string | undefined>): WorkerConfig {
  const parsed = workerEnvSchema.safeParse(env);
  if (!parsed.success) throw new Error(describeEnvIssues(parsed.error.issues));
  const e = parsed.data;
  // Fail closed at boot: a deployment that scans by default with no scanner would hold every upload.
  if (e.MODERATION_MALWARE === 'reject' && !e.CLAMD_SOCKET && !e.CLAMD_HOST) {
    throw new Error('MODERATION_MALWARE=reject needs a malware scanner: set CLAMD_SOCKET or CLAMD_HOST (docs/configuration.md#moderation)');
  }
  const renderConcurrency = e.RENDER_CONCURRENCY ?? availableParallelism();
  return {
    logLevel: e.LOG_LEVEL,
    databaseUrl: e.DATABASE_URL,
    redis: redisSettings(e),
    storage: parseStorageConfig(env),
    queuePrefix: e.QUEUE_PREFIX,
    // One job more than render slots: its download and uploads run while the slots render (the
    // render gate holds it between the two). Against the local S3 server, which answers at once, it
    // changes nothing; it is for a remote bucket, where a job's download and uploads take long
    // enough to leave a core idle. It costs little memory: a waiting job's original is on disk
    // (docs/design/worker.md#render-slots-and-the-pixel-budget).
    concurrency: e.WORKER_CONCURRENCY ?? renderConcurrency + 1,
    renderConcurrency,
    backfillConcurrency: e.BACKFILL_CONCURRENCY,
    presets: e.PRESETS_FILE,
    maxInputPixels: e.MAX_INPUT_PIXELS,
    jobTimeoutMs: e.JOB_TIMEOUT,
    video: {
      maxDurationSeconds: e.VIDEO_MAX_DURATION / 1000,
      maxPixels: e.VIDEO_MAX_PIXELS,
      jobTimeout: e.VIDEO_JOB_TIMEOUT,
      chunkSeconds: e.VIDEO_CHUNK_SECONDS,
      chunkTimeout: e.VIDEO_CHUNK_TIMEOUT,
      chunkTenantParts: e.VIDEO_CHUNK_TENANT_PARTS,
      threadsPerRender: Math.max(1, Math.floor(availableParallelism() / renderConcurrency)),
    },
    audio: { maxDurationSeconds: e.AUDIO_MAX_DURATION / 1000, jobTimeout: e.AUDIO_JOB_TIMEOUT },
    uploadTtlMs: e.UPLOAD_TTL,
    imports: { ...importConfigOf(e), slots: e.IMPORT_SLOTS },
    faceDetection: e.FACE_DETECTION === null ? null : { minConfidence: e.FACE_DETECTION },
    moderation: moderationConfigOf(e),
    intake: {
      maxBytes: e.MAX_UPLOAD_BYTES,
      acceptedContentTypes: e.ACCEPTED_CONTENT_TYPES,
      copy: { multipartThreshold: e.COPY_MULTIPART_THRESHOLD_BYTES, partSize: e.COPY_PART_SIZE },
      audioProbes: e.AUDIO_PROBES,
    },
    jobMaxAttempts: e.JOB_MAX_ATTEMPTS,
    retryScheduleMs: e.JOB_RETRY_SCHEDULE,
    reconcileIntervalMs: e.RECONCILE_INTERVAL,
    visibilityMoveIntervalMs: e.VISIBILITY_MOVE_INTERVAL,
    usage: {
      ...usageConfigOf(e),
      rollupIntervalMs: e.USAGE_ROLLUP_SECONDS === null ? null : e.USAGE_ROLLUP_SECONDS * 1000,
      hourlyDays: e.USAGE_HOURLY_DAYS,
      checkHour: e.USAGE_CHECK_HOUR,
    },
    eventRetentionMs: e.EVENT_RETENTION,
    stalledTimeoutMs: e.STALLED_TIMEOUT,
    sharpCacheMb: e.SHARP_CACHE_MB,
    tmpDir: e.TMP_DIR,
    webhooks: {
      secretKey: e.WEBHOOK_SECRET_KEY,
      allowPrivate: e.WEBHOOK_ALLOW_PRIVATE,
      retryScheduleMs: e.WEBHOOK_RETRY_SCHEDULE,
      concurrency: e.WEBHOOK_CONCURRENCY,
      sweepIntervalMs: e.WEBHOOK_SWEEP_INTERVAL,
    },
    metrics: { host: e.METRICS_HOST, port: e.METRICS_PORT ?? null },
    deliveryBaseUrl: deliveryBaseUrlOf(e, e.HOST),
    privateUrlTtlSeconds: e.PRIVATE_URL_TTL,
    clamd: clamdConfigOf(e),
  };
}
