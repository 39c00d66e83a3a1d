import { describeEnvIssues } from '@darkroom/core/env';
import { DEFAULT_S3_REGION, regionFromEndpoint } from '@darkroom/core/s3-endpoint';
import { secretSetting } from '@darkroom/core/secrets';
import { z } from 'zod';

/**
 * Settings of `npm run db:backup` / `db:restore`: where pgBackRest keeps the repository (its own
 * bucket or prefix, never the media's), how it is encrypted, and which cluster it backs up.
 */
export interface BackupConfig {
  /** The repository's S3 host and port (pgBackRest speaks only HTTPS to S3). */
  host: string;
  port: number;
  region: string;
  bucket: string;
  /** The repository's path inside the bucket (`repo1-path`), starting with `/`. */
  prefix: string;
  accessKeyId: string;
  secretAccessKey: string;
  verifyTls: boolean;
  caFile: string | undefined;
  cipherPass: string;
  /** Full backups kept; older ones, and the WAL only they need, are expired after each backup. */
  retentionFull: number;
  stanza: string;
  /** The cluster's data directory, port and socket directory. */
  pgData: string;
  pgPort: number;
  pgSocketDir: string;
  /** Where the generated pgbackrest.conf (mode 0600), lock and spool live. */
  stateDir: string;
}

type Env = Record<string, string | undefined>;

const absolutePath = z.string().regex(/^\/[^\n\r=]*$/, 'must be an absolute path');
// pgBackRest's config is an ini file: a value with a newline could smuggle in another option.
const oneLine = z
  .string()
  .min(1)
  .regex(/^[^\n\r]+$/, 'must be one line');
const flag = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no'], { error: 'must be true or false' })
    .optional()
    .transform((value) => (value === undefined ? fallback : ['true', '1', 'yes'].includes(value)));

const endpointSetting = z
  .url({ protocol: /^https$/, error: 'must be an https:// URL (pgBackRest speaks only HTTPS to S3)' })
  .transform((text) => new URL(text))
  .refine((url) => url.pathname === '/' && !url.search, 'must be scheme, host and port only');

const BackupEnvSchema = z.object({
  BACKUP_S3_ENDPOINT: endpointSetting,
  BACKUP_S3_REGION: oneLine.optional(),
  BACKUP_S3_BUCKET: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{1,61}[A-Za-z0-9]$/, 'must be 3-63 letters, digits, dots, hyphens or underscores'),
  BACKUP_S3_PREFIX: z
    .string()
    .regex(/^(\/[A-Za-z0-9._-]+)+$/, 'must look like /darkroom/pg (letters, digits, dots, hyphens, underscores)')
    .default('/darkroom-pg'),
  BACKUP_S3_ACCESS_KEY_ID: oneLine,
  BACKUP_S3_SECRET_ACCESS_KEY: secretSetting('BACKUP_S3_SECRET_ACCESS_KEY', 8).pipe(oneLine),
  BACKUP_S3_VERIFY_TLS: flag(true),
  BACKUP_S3_CA_FILE: absolutePath.optional(),
  BACKUP_CIPHER_PASS: secretSetting('BACKUP_CIPHER_PASS', 20).pipe(oneLine),
  BACKUP_RETENTION_FULL: z.coerce.number().int().min(1).max(9_999_999).default(2),
  BACKUP_STANZA: z
    .string()
    .regex(/^[a-z0-9][a-z0-9_-]*$/, 'must be lower-case letters, digits, hyphens or underscores')
    .default('darkroom'),
  PGDATA: absolutePath,
  BACKUP_PG_PORT: z.coerce.number().int().min(1).max(65_535).default(5432),
  BACKUP_PG_SOCKET_DIR: absolutePath.default('/var/run/postgresql'),
  BACKUP_STATE_DIR: absolutePath.default('/var/lib/darkroom-backup'),
});

/**
 * The backup settings from environment variables (passed in: importing reads nothing). Throws an
 * Error naming every missing or invalid variable, never echoing a value.
 */
export function parseBackupConfig(env: Env): BackupConfig {
  const trimmed = Object.fromEntries(Object.keys(BackupEnvSchema.shape).map((name) => [name, env[name]?.trim() || undefined]));
  const parsed = BackupEnvSchema.safeParse(trimmed);
  if (!parsed.success) throw new Error(describeEnvIssues(parsed.error.issues));
  const e = parsed.data;
  const url = e.BACKUP_S3_ENDPOINT;
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  return {
    host,
    port: url.port ? Number(url.port) : 443,
    region: e.BACKUP_S3_REGION ?? regionFromEndpoint(url.href) ?? DEFAULT_S3_REGION,
    bucket: e.BACKUP_S3_BUCKET,
    prefix: e.BACKUP_S3_PREFIX,
    accessKeyId: e.BACKUP_S3_ACCESS_KEY_ID,
    secretAccessKey: e.BACKUP_S3_SECRET_ACCESS_KEY,
    verifyTls: e.BACKUP_S3_VERIFY_TLS,
    caFile: e.BACKUP_S3_CA_FILE,
    cipherPass: e.BACKUP_CIPHER_PASS,
    retentionFull: e.BACKUP_RETENTION_FULL,
    stanza: e.BACKUP_STANZA,
    pgData: e.PGDATA,
    pgPort: e.BACKUP_PG_PORT,
    pgSocketDir: e.BACKUP_PG_SOCKET_DIR,
    stateDir: e.BACKUP_STATE_DIR,
  };
}
