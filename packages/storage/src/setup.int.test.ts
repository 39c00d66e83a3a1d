import { randomUUID } from 'node:crypto';
import {
  CreateBucketCommand,
  DeleteBucketCommand,
  GetBucketAclCommand,
  GetBucketLifecycleConfigurationCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPublicUrlBuilder } from './cdn.js';
import { parseStorageConfig, type StorageConfig } from './config.js';
import { StorageRequestError } from './errors.js';
import { ABORT_INCOMPLETE_RULE_ID, EXPIRE_STAGING_RULE_ID } from './lifecycle.js';
import { createS3Client } from './s3-client.js';
import { createS3Storage } from './s3-storage.js';
import { grantAnonymousRead, lifecycleDaysFor, parseCorsOrigins, probeAnonymousRead, setupBuckets } from './setup.js';

// Against the real S3 server of the test environment (Ceph RGW).
const config = parseStorageConfig(process.env);
const corsOrigins = parseCorsOrigins(process.env.CORS_ORIGINS);
const allowedOrigin = corsOrigins[0]!;
const run = randomUUID().slice(0, 8);
const storage = createS3Storage(config);
const admin = createS3Client(config);
const scratchBuckets: string[] = [];

/** A fresh bucket name, removed with its contents after the file. */
function scratchBucket(role: string): string {
  const name = `darkroom-test-${role}-${run}`;
  scratchBuckets.push(name);
  return name;
}

afterAll(async () => {
  await storage.deletePrefix({ bucket: config.publicBucket, prefix: `variants/${run}/` });
  await storage.deletePrefix({ bucket: config.bucket, prefix: `originals/${run}/` });
  for (const bucket of scratchBuckets) {
    for (const prefix of ['originals/', 'variants/', 'object']) await storage.deletePrefix({ bucket, prefix }).catch(() => {});
    await admin.send(new DeleteBucketCommand({ Bucket: bucket })).catch(() => {});
  }
  admin.destroy();
});

const anonymousGet = async (bucket: string, key: string) => {
  const response = await fetch(createPublicUrlBuilder({ ...config, publicBucket: bucket })(key));
  await response.arrayBuffer();
  return response.status;
};
const putText = (bucket: string, key: string) => storage.putObject({ bucket, key, body: Buffer.from(key), contentType: 'text/plain' });

describe('setupBuckets with two buckets (the test environment)', () => {
  beforeAll(async () => {
    await setupBuckets(config, { corsOrigins });
  });

  it('is safe to rerun and reports what it did', async () => {
    const summary = await setupBuckets(config, { corsOrigins });
    expect(summary.buckets).toEqual([
      { name: config.bucket, created: false },
      { name: config.publicBucket, created: false },
    ]);
    expect(summary.publicRead).toEqual({
      bucket: config.publicBucket,
      resource: `arn:aws:s3:::${config.publicBucket}/*`,
      via: 'policy',
      verified: true,
    });
    expect(summary.cors.map((c) => c.bucket)).toEqual([config.bucket, config.publicBucket]);
    expect(summary.lifecycle).toEqual([
      { bucket: config.bucket, applied: true, days: 2, stagingDays: 2 },
      { bucket: config.publicBucket, applied: true, days: 2, stagingDays: null },
    ]);
  });

  it('makes the bucket abort incomplete multipart uploads, keeping rules of its own', async () => {
    const client = createS3Client(config);
    try {
      const rules = (await client.send(new GetBucketLifecycleConfigurationCommand({ Bucket: config.bucket }))).Rules ?? [];
      const ours = rules.filter((r) => r.ID === ABORT_INCOMPLETE_RULE_ID);
      expect(ours).toHaveLength(1); // rerunning setup replaced it rather than adding another
      expect(ours[0]).toMatchObject({ Status: 'Enabled', AbortIncompleteMultipartUpload: { DaysAfterInitiation: 2 } });
    } finally {
      client.destroy();
    }
  });

  it('makes the originals bucket expire staging objects (where upload URLs write), and only those', async () => {
    const client = createS3Client(config);
    try {
      const rules = (await client.send(new GetBucketLifecycleConfigurationCommand({ Bucket: config.bucket }))).Rules ?? [];
      const staging = rules.filter((r) => r.ID === EXPIRE_STAGING_RULE_ID);
      expect(staging).toHaveLength(1);
      expect(staging[0]).toMatchObject({
        Status: 'Enabled',
        Filter: { Prefix: 'staging/' },
        Expiration: { Days: 2 },
        NoncurrentVersionExpiration: { NoncurrentDays: 1 },
      });
      const variantRules = (await client.send(new GetBucketLifecycleConfigurationCommand({ Bucket: config.publicBucket }))).Rules ?? [];
      expect(variantRules.map((r) => r.ID)).not.toContain(EXPIRE_STAGING_RULE_ID);
    } finally {
      client.destroy();
    }
  });

  it('serves the public bucket anonymously but not the originals (403)', async () => {
    await putText(config.publicBucket, `variants/${run}/v.txt`);
    await putText(config.bucket, `originals/${run}/o.txt`);
    expect(await anonymousGet(config.publicBucket, `variants/${run}/v.txt`)).toBe(200);
    expect(await anonymousGet(config.bucket, `originals/${run}/o.txt`)).toBe(403);
  });

  it('lets the web app PUT to the originals bucket from the browser and read part ETags', async () => {
    const key = `originals/${run}/cors.png`;
    const preflight = await fetch(`${config.endpoint}/${config.bucket}/${key}`, {
      method: 'OPTIONS',
      headers: { origin: allowedOrigin, 'access-control-request-method': 'PUT', 'access-control-request-headers': 'content-type' },
    });
    expect(preflight.status).toBe(200);
    expect(preflight.headers.get('access-control-allow-origin')).toBe(allowedOrigin);
    expect(preflight.headers.get('access-control-expose-headers')).toContain('ETag');

    const presigned = await storage.presignPut({ bucket: config.bucket, key, contentType: 'image/png', contentLength: 3, expiresInSeconds: 60 });
    const put = await fetch(presigned.url, { method: 'PUT', headers: { ...presigned.headers, origin: allowedOrigin }, body: 'png' });
    expect(put.status).toBe(200);
    expect(put.headers.get('access-control-allow-origin')).toBe(allowedOrigin);
    expect(put.headers.get('access-control-expose-headers')).toContain('ETag');
  });

  it('refuses browser uploads from other origins, and lets any origin GET variants', async () => {
    const refused = await fetch(`${config.endpoint}/${config.bucket}/originals/x`, {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'PUT' },
    });
    expect(refused.status).toBe(403);
    const variant = await fetch(`${config.endpoint}/${config.publicBucket}/variants/${run}/v.txt`, { headers: { origin: 'https://any.example' } });
    expect(variant.status).toBe(200);
    expect(variant.headers.get('access-control-allow-origin')).toBe('*');
    // A player reads a segment's length and range by script.
    const exposed = (variant.headers.get('access-control-expose-headers') ?? '').toLowerCase();
    for (const header of ['content-length', 'content-range', 'etag']) expect(exposed).toContain(header);
    const ranged = await fetch(`${config.endpoint}/${config.publicBucket}/variants/${run}/v.txt`, {
      method: 'HEAD',
      headers: { origin: 'https://player.example', range: 'bytes=0-1' },
    });
    expect(ranged.headers.get('access-control-allow-origin')).toBe('*');
  });
});

describe('setupBuckets in single-bucket mode', () => {
  it('creates the bucket and makes only variants/ public', async () => {
    const bucket = scratchBucket('single');
    const single: StorageConfig = { ...config, bucket, publicBucket: bucket };
    const summary = await setupBuckets(single, { corsOrigins });
    expect(summary.buckets).toEqual([{ name: bucket, created: true }]);
    expect(summary.publicRead).toMatchObject({ resource: `arn:aws:s3:::${bucket}/variants/*`, verified: true });
    expect(summary.cors).toHaveLength(1);
    expect(summary.cors[0]!.rules).toHaveLength(2);
    expect((await setupBuckets(single, { corsOrigins })).buckets).toEqual([{ name: bucket, created: false }]);

    await putText(bucket, 'variants/v.txt');
    await putText(bucket, 'originals/o.txt');
    expect(await anonymousGet(bucket, 'variants/v.txt')).toBe(200);
    expect(await anonymousGet(bucket, 'originals/o.txt')).toBe(403);
  });
});

/** Makes PutBucketPolicy fail the way Backblaze B2 answers it, since RGW does support policies. */
function clientWithoutBucketPolicies(storageConfig: StorageConfig): S3Client {
  const client = createS3Client(storageConfig);
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName !== 'PutBucketPolicyCommand') return next(args);
      throw Object.assign(new Error('NotImplemented'), { name: 'NotImplemented', $metadata: { httpStatusCode: 501 } });
    },
    { step: 'initialize', name: 'simulateB2WithoutPolicies' },
  );
  return client;
}

describe('servers without bucket policies (B2)', () => {
  it('fall back to a public-read ACL on the public bucket and say so', async () => {
    const variants = scratchBucket('acl-variants');
    const b2Like: StorageConfig = { ...config, bucket: config.bucket, publicBucket: variants };
    await admin.send(new CreateBucketCommand({ Bucket: variants }));
    const client = clientWithoutBucketPolicies(b2Like);
    const logged: string[] = [];
    const grant = await grantAnonymousRead(client, b2Like, (line) => logged.push(line));
    expect(grant).toEqual({ bucket: variants, resource: `arn:aws:s3:::${variants}/*`, via: 'acl' });
    expect(logged.join('\n')).toMatch(/not supported.*public-read/);
    const acl = await admin.send(new GetBucketAclCommand({ Bucket: variants }));
    expect(acl.Grants?.some((g) => g.Grantee?.URI?.endsWith('/global/AllUsers') && g.Permission === 'READ')).toBe(true);
    // B2 serves every file of a public-read bucket. RGW (like AWS) only lets anyone list it,
    // which is why setupBuckets probes a real object and warns when that fails.
    const listing = await fetch(`${config.endpoint}/${variants}`);
    await listing.arrayBuffer();
    expect(listing.status).toBe(200);
    expect(await probeAnonymousRead(client, b2Like)).toBe(false);
    client.destroy();
  });

  it('refuse single-bucket mode rather than expose the originals', async () => {
    const bucket = scratchBucket('acl-single');
    const single: StorageConfig = { ...config, bucket, publicBucket: bucket };
    await setupBuckets(single, { corsOrigins });
    const client = clientWithoutBucketPolicies(single);
    await expect(grantAnonymousRead(client, single, () => {})).rejects.toBeInstanceOf(StorageRequestError);
    client.destroy();
  });
});

describe('lifecycleDaysFor', () => {
  it('outlives UPLOAD_TTL by a day, so the bucket never ends an upload still in time', () => {
    expect(lifecycleDaysFor(24 * 3600 * 1000)).toBe(2);
    expect(lifecycleDaysFor(3 * 24 * 3600 * 1000 + 1)).toBe(5);
    expect(lifecycleDaysFor(1000)).toBe(2);
  });
});

describe('parseCorsOrigins', () => {
  it('splits, trims and defaults', () => {
    expect(parseCorsOrigins(' https://a.example, http://localhost:5173/ ,')).toEqual(['https://a.example', 'http://localhost:5173']);
    expect(parseCorsOrigins(undefined)).toEqual(['http://localhost:3000']);
    expect(() => parseCorsOrigins('https://a.example/path')).toThrow(/CORS_ORIGINS/);
  });
});
