import { booleanSetting, durationListSetting, durationSetting } from '@darkroom/core/env';
import { z } from 'zod';

/** Read only so that an import never names the backup bucket as its source (the backup's own settings). */
export const backupBucketSettings = {
  BACKUP_S3_ENDPOINT: z.string().optional(),
  BACKUP_S3_BUCKET: z.string().optional(),
};

/** The backup repository's bucket, which no import may name as its source; null when this process is not told of it. */
export const backupBucketOf = (e: { BACKUP_S3_ENDPOINT?: string | undefined; BACKUP_S3_BUCKET?: string | undefined }) =>
  e.BACKUP_S3_ENDPOINT && e.BACKUP_S3_BUCKET ? { endpoint: e.BACKUP_S3_ENDPOINT, bucket: e.BACKUP_S3_BUCKET } : null;

/**
 * The settings of a worker's imports (docs/configuration.md#imports), spread into its environment's
 * schema. The API reads none of them but the backup bucket's (an import's start refuses it).
 */
export const importEnvSettings = {
  /** Files of one tenant's import in flight at once (its imports run one after another). */
  IMPORT_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(8),
  /** Development and tests only: URL items and bucket endpoints may name private or loopback addresses. */
  IMPORT_ALLOW_PRIVATE: booleanSetting(false),
  /** A source that does not connect within this is unreachable (that item fails, or is tried again). */
  IMPORT_CONNECT_TIMEOUT: durationSetting('10s', 100),
  /** One file's whole transfer, past which it is cut off (a server that never ends). */
  IMPORT_ITEM_TIMEOUT: durationSetting('30m', 100),
  /** The delays before each next try of a file (or a listing page) whose source could not be reached; then it fails. */
  IMPORT_RETRY_SCHEDULE: durationListSetting('1s,4s,15s,1m', 10),
  /** Items one import takes at most: a bucket source that lists more fails `source_too_large`. */
  IMPORT_MAX_ITEMS: z.coerce.number().int().min(1).default(10_000_000),
  /** Days a paused import keeps its source's sealed keys: then they are deleted and it fails `source_forbidden`. */
  IMPORT_PAUSED_KEEP_DAYS: z.coerce.number().int().min(1).max(3650).default(7),
  ...backupBucketSettings,
};

type ImportEnv = z.infer<z.ZodObject<typeof importEnvSettings>>;

export interface ImportConfig {
  concurrency: number;
  allowPrivate: boolean;
  connectTimeoutMs: number;
  itemTimeoutMs: number;
  /** No byte for this long within a file's transfer: it is cut off (at most the item's whole limit). */
  idleTimeoutMs: number;
  /** The delays before each next try of an item whose source was unreachable: its length is the tries after the first. */
  retryScheduleMs: readonly number[];
  /** Items one import takes at most (IMPORT_MAX_ITEMS). */
  maxItems: number;
  /** Days a paused import keeps its source's keys (IMPORT_PAUSED_KEEP_DAYS). */
  pausedKeepDays: number;
  /** The backup repository's bucket, which no import may name as its source; null when this process is not told of it. */
  backup: { endpoint: string; bucket: string } | null;
}

/** How long a transfer may go without a byte before it is cut off. */
const IDLE_TIMEOUT_MS = 60_000;

export function importConfigOf(e: ImportEnv): ImportConfig {
  return {
    concurrency: e.IMPORT_CONCURRENCY,
    allowPrivate: e.IMPORT_ALLOW_PRIVATE,
    connectTimeoutMs: e.IMPORT_CONNECT_TIMEOUT,
    itemTimeoutMs: e.IMPORT_ITEM_TIMEOUT,
    idleTimeoutMs: Math.min(IDLE_TIMEOUT_MS, e.IMPORT_ITEM_TIMEOUT),
    retryScheduleMs: e.IMPORT_RETRY_SCHEDULE,
    maxItems: e.IMPORT_MAX_ITEMS,
    pausedKeepDays: e.IMPORT_PAUSED_KEEP_DAYS,
    backup: backupBucketOf(e),
  };
}
