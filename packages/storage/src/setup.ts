import { randomUUID } from 'node:crypto';
import {
  CreateBucketCommand,
  HeadBucketCommand,
  PutBucketAclCommand,
  PutBucketCorsCommand,
  PutBucketPolicyCommand,
  type BucketLocationConstraint,
  type CORSRule,
  type S3Client,
} from '@aws-sdk/client-s3';
import { parseDurationMs } from '@darkroom/core/env';
import { VARIANTS_PREFIX } from '@darkroom/core/keys';
import { DEFAULT_UPLOAD_TTL } from '@darkroom/core/limits';
import { createPublicUrlBuilder } from './cdn.js';
import { isSingleBucket, type StorageConfig } from './config.js';
import { StorageRequestError, translateS3Error } from './errors.js';
import { applyLifecycleRules, type LifecycleSummary } from './lifecycle.js';
import { createS3Client, type S3ClientOptions } from './s3-client.js';
import { deleteObject } from './s3-deletes.js';
import { putObject } from './s3-uploads.js';

/** Where variants live inside the one bucket in single-bucket mode. */
export const SINGLE_BUCKET_VARIANT_PREFIX = VARIANTS_PREFIX;

export interface SetupBucketsOptions {
  /** Browser origins allowed to PUT uploads straight to the originals bucket. */
  corsOrigins: string[];
  log?: (line: string) => void;
  client?: S3ClientOptions;
  /** UPLOAD_TTL (default 24 h): the bucket's lifecycle rules must never end an upload still in time. */
  uploadTtlMs?: number;
}

export interface PublicReadGrant {
  bucket: string;
  /** What anonymous readers may GET, as an S3 resource ARN. */
  resource: string;
  via: 'policy' | 'acl';
}

export interface VerifiedPublicReadGrant extends PublicReadGrant {
  /** A probe object really was fetched without credentials from the bucket endpoint. */
  verified: boolean;
}

const DAY_MS = 24 * 3600 * 1000;

/**
 * Days after which the bucket aborts a multipart upload nobody completed and expires a staging
 * object: a day beyond UPLOAD_TTL (2 days for the default 24 h), so only uploads that have expired
 * are ever touched. The worker's sweeps clean up long before; these are the bucket's own backstop.
 */
export function lifecycleDaysFor(uploadTtlMs: number): number {
  return Math.ceil(uploadTtlMs / DAY_MS) + 1;
}

export interface SetupSummary {
  buckets: Array<{ name: string; created: boolean }>;
  publicRead: VerifiedPublicReadGrant;
  cors: Array<{ bucket: string; rules: CORSRule[] }>;
  lifecycle: LifecycleSummary[];
}

/** `a.com, b.com` → origins; `*` allowed. Defaults to the local web app. */
export function parseCorsOrigins(value: string | undefined): string[] {
  const origins = (value ?? '')
    .split(',')
    .map((o) => o.trim().replace(/\/+$/, ''))
    .filter(Boolean);
  for (const origin of origins) {
    if (origin !== '*' && !/^https?:\/\/[^/\s]+$/.test(origin)) {
      throw new Error(`Invalid CORS_ORIGINS entry "${origin}": expected an origin like https://app.example.com`);
    }
  }
  return origins.length ? origins : ['http://localhost:3000'];
}

async function ensureBucket(client: S3Client, config: StorageConfig, name: string): Promise<{ name: string; created: boolean }> {
  try {
    await client.send(new HeadBucketCommand({ Bucket: name }));
    return { name, created: false };
  } catch (err) {
    if (translateS3Error(err).httpStatus !== 404) throw translateS3Error(err, { operation: 'HeadBucket', bucket: name });
  }
  // us-east-1 is the one region S3 wants without a location constraint.
  const location = config.region === 'us-east-1' ? undefined : { LocationConstraint: config.region as BucketLocationConstraint };
  try {
    await client.send(new CreateBucketCommand({ Bucket: name, CreateBucketConfiguration: location }));
    return { name, created: true };
  } catch (err) {
    // Another process created it between our HEAD and CREATE.
    if (translateS3Error(err).s3Code === 'BucketAlreadyOwnedByYou') return { name, created: false };
    throw translateS3Error(err, { operation: 'CreateBucket', bucket: name });
  }
}

export function publicReadResource(config: StorageConfig): string {
  const objects = isSingleBucket(config) ? `${SINGLE_BUCKET_VARIANT_PREFIX}*` : '*';
  return `arn:aws:s3:::${config.publicBucket}/${objects}`;
}

function publicReadPolicy(resource: string): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Sid: 'DarkroomPublicVariants', Effect: 'Allow', Principal: '*', Action: ['s3:GetObject'], Resource: [resource] }],
  });
}

/**
 * Lets anyone GET variants. A bucket policy is preferred; servers without policies (B2 answers
 * NotImplemented) get a public-read ACL on the whole public bucket, which is only safe when that
 * bucket holds nothing but variants.
 */
export async function grantAnonymousRead(client: S3Client, config: StorageConfig, log: (line: string) => void): Promise<PublicReadGrant> {
  const bucket = config.publicBucket;
  const resource = publicReadResource(config);
  try {
    await client.send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: publicReadPolicy(resource) }));
    return { bucket, resource, via: 'policy' };
  } catch (err) {
    const error = translateS3Error(err, { operation: 'PutBucketPolicy', bucket });
    if (error.s3Code !== 'NotImplemented' && error.httpStatus !== 501) throw error;
  }
  if (isSingleBucket(config)) {
    throw new StorageRequestError(
      `The server does not support bucket policies, and a public-read ACL on ${bucket} would expose the originals. ` +
        'Set S3_PUBLIC_BUCKET to a separate bucket for variants.',
    );
  }
  log(`Bucket policies are not supported by this server; made ${bucket} public-read with an ACL instead.`);
  try {
    await client.send(new PutBucketAclCommand({ Bucket: bucket, ACL: 'public-read' }));
  } catch (err) {
    throw translateS3Error(err, { operation: 'PutBucketAcl', bucket });
  }
  return { bucket, resource: `arn:aws:s3:::${bucket}/*`, via: 'acl' };
}

/**
 * Uploads go from the browser straight to the originals bucket; each multipart part's ETag must be
 * readable by script. GET and POST: Uppy lists and completes a multipart upload itself, through URLs
 * the API signs for that upload alone (`POST /v1/uploads/:assetId/sign`).
 */
function uploadCorsRule(origins: string[]): CORSRule {
  return {
    AllowedOrigins: origins,
    AllowedMethods: ['PUT', 'POST', 'GET', 'HEAD'],
    AllowedHeaders: ['*'],
    ExposeHeaders: ['ETag'],
    MaxAgeSeconds: 3600,
  };
}

/**
 * Variants are public: any page may fetch them by script, as a player (hls.js) fetches playlists and
 * segments, reading their length, range (a segment asked for by bytes) and ETag.
 */
const PUBLIC_READ_CORS_RULE: CORSRule = {
  AllowedOrigins: ['*'],
  AllowedMethods: ['GET', 'HEAD'],
  AllowedHeaders: ['*'],
  ExposeHeaders: ['Content-Length', 'Content-Range', 'ETag'],
  MaxAgeSeconds: 86400,
};

export function corsRulesByBucket(config: StorageConfig, origins: string[]): Map<string, CORSRule[]> {
  if (isSingleBucket(config)) return new Map([[config.bucket, [uploadCorsRule(origins), PUBLIC_READ_CORS_RULE]]]);
  return new Map([
    [config.bucket, [uploadCorsRule(origins)]],
    [config.publicBucket, [PUBLIC_READ_CORS_RULE]],
  ]);
}

async function applyCors(client: S3Client, bucket: string, rules: CORSRule[]): Promise<void> {
  try {
    await client.send(new PutBucketCorsCommand({ Bucket: bucket, CORSConfiguration: { CORSRules: rules } }));
  } catch (err) {
    throw translateS3Error(err, { operation: 'PutBucketCors', bucket });
  }
}

/**
 * Puts a throwaway object where variants go and fetches it without credentials. Grants mean
 * different things on different servers: a bucket's public-read ACL makes B2 serve every file,
 * but on AWS and Ceph RGW it only lets anyone list the bucket.
 */
export async function probeAnonymousRead(client: S3Client, config: StorageConfig): Promise<boolean> {
  const folder = isSingleBucket(config) ? SINGLE_BUCKET_VARIANT_PREFIX : '';
  // Unique per run: concurrent setups must not delete each other's probe.
  const location = { bucket: config.publicBucket, key: `${folder}.darkroom-setup-probe-${randomUUID()}` };
  await putObject(client, { ...location, body: Buffer.from('ok'), contentType: 'text/plain', cacheControl: 'no-store' });
  try {
    const bucketUrl = createPublicUrlBuilder({ ...config, cdnBaseUrl: undefined });
    const response = await fetch(bucketUrl(location.key), { signal: AbortSignal.timeout(10_000) });
    await response.arrayBuffer();
    return response.ok;
  } finally {
    await deleteObject(client, location);
  }
}

/**
 * Creates the buckets and sets their access rules. Safe to rerun: every step either
 * skips what exists or overwrites the bucket's policy and CORS configuration with the same content.
 */
export async function setupBuckets(config: StorageConfig, options: SetupBucketsOptions): Promise<SetupSummary> {
  const log = options.log ?? (() => {});
  const client = createS3Client(config, options.client);
  try {
    const names = [...new Set([config.bucket, config.publicBucket])];
    const buckets = [];
    for (const name of names) buckets.push(await ensureBucket(client, config, name));
    const grant = await grantAnonymousRead(client, config, log);
    const publicRead = { ...grant, verified: await probeAnonymousRead(client, config) };
    if (!publicRead.verified) {
      log(`WARNING: objects in ${config.publicBucket} are not readable without credentials; make the bucket public in the provider's console.`);
    }
    const cors = [];
    for (const [bucket, rules] of corsRulesByBucket(config, options.corsOrigins)) {
      await applyCors(client, bucket, rules);
      cors.push({ bucket, rules });
    }
    const days = lifecycleDaysFor(options.uploadTtlMs ?? parseDurationMs(DEFAULT_UPLOAD_TTL)!);
    const lifecycle = [];
    for (const name of names) {
      // Uploads (and so staging objects) only ever land in the originals bucket.
      lifecycle.push(await applyLifecycleRules(client, name, { abortIncompleteDays: days, stagingDays: name === config.bucket ? days : null }));
    }
    for (const rule of lifecycle) {
      if (!rule.applied)
        log(
          `NOTE: ${rule.bucket} takes no lifecycle rules through the S3 API; the worker's sweeps still abort stale multipart uploads and remove staging objects.`,
        );
    }
    return { buckets, publicRead, cors, lifecycle };
  } finally {
    client.destroy();
  }
}
