import { DEFAULT_S3_REGION, regionFromEndpoint } from '@darkroom/core/s3-endpoint';
import { secretProblem } from '@darkroom/core/secrets';
import { z } from 'zod';

export interface StorageConfig {
  /** Base URL of the S3 API, without a trailing slash, e.g. `https://s3.us-west-004.backblazeb2.com`. */
  endpoint: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** Private bucket for originals. */
  bucket: string;
  /** Publicly readable bucket for variants; equal to `bucket` in single-bucket mode (variants under `variants/`). */
  publicBucket: string;
  /** Base URL that serves the public bucket's objects (no trailing slash), or undefined to use the endpoint. */
  cdnBaseUrl: string | undefined;
}

type Env = Record<string, string | undefined>;

/** Each setting's variable names, preferred first: S3_* wins over the Backblaze names. */
const ENV_NAMES = {
  endpoint: ['S3_ENDPOINT', 'B2_ENDPOINT'],
  region: ['S3_REGION', 'B2_REGION'],
  accessKeyId: ['S3_ACCESS_KEY_ID', 'B2_KEY_ID'],
  secretAccessKey: ['S3_SECRET_ACCESS_KEY', 'B2_APPLICATION_KEY'],
  bucket: ['S3_BUCKET', 'B2_BUCKET_NAME'],
  publicBucket: ['S3_PUBLIC_BUCKET'],
  cdnBaseUrl: ['CDN_BASE_URL'],
} as const satisfies Record<keyof StorageConfig, readonly string[]>;

type Field = keyof typeof ENV_NAMES;

const withoutTrailingSlash = (url: string) => url.replace(/\/+$/, '');
const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).transform(withoutTrailingSlash);
// Lenient on case (B2 allows upper case) but strict on what would break a path-style URL.
const bucketName = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{1,61}[A-Za-z0-9]$/, 'must be 3-63 letters, digits, dots, hyphens or underscores');
const required = z.string().min(1);

const StorageConfigSchema = z.object({
  endpoint: httpUrl,
  region: required,
  accessKeyId: required,
  // A placeholder or a few characters is no credential: refuse it at boot, naming the variable.
  secretAccessKey: z.string().superRefine((value, ctx) => {
    const problem = secretProblem(value, 8);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  }),
  bucket: bucketName,
  publicBucket: bucketName,
  cdnBaseUrl: httpUrl.optional(),
});

function readEnv(env: Env, field: Field): string | undefined {
  for (const name of ENV_NAMES[field]) {
    const value = env[name]?.trim();
    if (value) return value;
  }
  return undefined;
}

function label(field: Field): string {
  const [primary, ...fallbacks] = ENV_NAMES[field];
  return fallbacks.length ? `${primary} (or ${fallbacks.join(', ')})` : primary;
}

function formatIssues(issues: readonly z.core.$ZodIssue[], raw: Record<Field, string | undefined>): string {
  const fieldOf = (issue: z.core.$ZodIssue) => issue.path[0] as Field;
  // The public bucket defaults to the bucket, whose absence is already reported.
  const relevant = issues.filter((issue) => !(fieldOf(issue) === 'publicBucket' && raw.publicBucket === undefined));
  const missing = relevant.filter((issue) => raw[fieldOf(issue)] === undefined).map((issue) => label(fieldOf(issue)));
  // Values are never echoed: one of them may be a secret.
  const invalid = relevant.filter((issue) => raw[fieldOf(issue)] !== undefined).map((issue) => `Invalid ${label(fieldOf(issue))}: ${issue.message}`);
  return [missing.length ? `Missing ${[...new Set(missing)].join(', ')}` : undefined, ...invalid].filter(Boolean).join('; ');
}

/**
 * Storage settings from environment variables (passed in, so nothing is read at import time).
 * Throws an Error naming every missing or invalid variable.
 */
export function parseStorageConfig(env: Env): StorageConfig {
  const endpoint = readEnv(env, 'endpoint');
  const bucket = readEnv(env, 'bucket');
  const raw: Record<Field, string | undefined> = {
    endpoint,
    region: readEnv(env, 'region') ?? (endpoint && regionFromEndpoint(endpoint)) ?? DEFAULT_S3_REGION,
    accessKeyId: readEnv(env, 'accessKeyId'),
    secretAccessKey: readEnv(env, 'secretAccessKey'),
    bucket,
    // Single-bucket mode: a missing public bucket is not an error.
    publicBucket: readEnv(env, 'publicBucket') ?? bucket,
    cdnBaseUrl: readEnv(env, 'cdnBaseUrl'),
  };
  const parsed = StorageConfigSchema.safeParse(raw);
  if (!parsed.success) throw new Error(formatIssues(parsed.error.issues, raw));
  return { ...parsed.data, cdnBaseUrl: parsed.data.cdnBaseUrl };
}

/** Single-bucket mode: originals and variants share one bucket, variants under `variants/`. */
export function isSingleBucket(config: StorageConfig): boolean {
  return config.bucket === config.publicBucket;
}
