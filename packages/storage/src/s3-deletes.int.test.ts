import { randomUUID } from 'node:crypto';
import {
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectCommand,
  ListObjectVersionsCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseStorageConfig } from './config.js';
import { ObjectNotFoundError } from './errors.js';
import { createS3Client } from './s3-client.js';
import { createS3Storage } from './s3-storage.js';

// B2 buckets are always versioned, where deleting by name only hides an object. This reproduces
// that on the real test server with a versioned bucket of its own.
const config = parseStorageConfig(process.env);
const storage = createS3Storage(config);
const client = createS3Client(config);
const bucket = `darkroom-test-versioned-${randomUUID().slice(0, 8)}`;

beforeAll(async () => {
  await client.send(new CreateBucketCommand({ Bucket: bucket }));
  await client.send(new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: 'Enabled' } }));
});

afterAll(async () => {
  await storage.deletePrefix({ bucket, prefix: 'k' });
  await client.send(new DeleteBucketCommand({ Bucket: bucket }));
  client.destroy();
});

const put = (key: string, body = 'x') => storage.putObject({ bucket, key, body: Buffer.from(body), contentType: 'text/plain' });

async function versionsOf(prefix: string): Promise<string[]> {
  const listing = await client.send(new ListObjectVersionsCommand({ Bucket: bucket, Prefix: prefix }));
  return [...(listing.Versions ?? []), ...(listing.DeleteMarkers ?? [])].map((v) => v.Key!);
}

async function inBatches<T>(items: T[], size: number, run: (item: T) => Promise<unknown>): Promise<void> {
  for (let at = 0; at < items.length; at += size) await Promise.all(items.slice(at, at + size).map(run));
}

describe('on a versioned bucket', () => {
  it('deleting by name alone leaves versions behind (why deleteObject lists versions)', async () => {
    await put('k-hidden/a', 'one');
    await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'k-hidden/a' }));
    expect(await versionsOf('k-hidden/a')).toEqual(['k-hidden/a', 'k-hidden/a']);
  });

  it('deleteObject removes every version and delete marker of exactly that key', async () => {
    await put('k1/a', 'one');
    await put('k1/a', 'two');
    await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'k1/a' }));
    await put('k1/a', 'three');
    await put('k1/a/child');
    await put('k1/ab');
    expect(await versionsOf('k1/a')).toHaveLength(6);

    await storage.deleteObject({ bucket, key: 'k1/a' });
    expect((await versionsOf('k1/a')).sort()).toEqual(['k1/a/child', 'k1/ab']);
    await expect(storage.headObject({ bucket, key: 'k1/a' })).rejects.toBeInstanceOf(ObjectNotFoundError);
  });

  it('deleteObjectVersion removes exactly the version named, leaving the older one current', async () => {
    await put('k4/src', 'old');
    const copied = await client.send(new PutObjectCommand({ Bucket: bucket, Key: 'k4/src', Body: 'copied' }));
    // What B2 names in a copy's answer (x-amz-copy-source-version-id); Ceph RGW 16 names none.
    await storage.deleteObjectVersion({ bucket, key: 'k4/src', versionId: copied.VersionId });
    // The older version is current again, where a listing (the staging sweep's) finds it.
    expect(await versionsOf('k4/src')).toEqual(['k4/src']);
    expect((await storage.readStart({ bucket, key: 'k4/src', length: 10 })).bytes.toString()).toBe('old');
    // Gone already: fine.
    await storage.deleteObjectVersion({ bucket, key: 'k4/src', versionId: copied.VersionId });
  });

  it('deleteObjectVersion without a version id removes every version on a versioned bucket', async () => {
    await put('k5/a', 'one');
    await put('k5/a', 'two');
    await storage.deleteObjectVersion({ bucket, key: 'k5/a', versionId: undefined });
    expect(await versionsOf('k5/a')).toEqual([]);
  });

  it('deletePrefix removes over a thousand versions in batches and counts distinct keys', async () => {
    const keys = Array.from({ length: 1003 }, (_, i) => `k2/${String(i).padStart(4, '0')}`);
    await inBatches(keys, 50, (key) => put(key));
    await put('k2/0000', 'second version');
    await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'k2/0001' }));
    await put('k3/untouched');

    expect(await storage.deletePrefix({ bucket, prefix: 'k2/' })).toEqual({ deleted: 1003 });
    expect(await versionsOf('k2/')).toEqual([]);
    expect(await versionsOf('k3/')).toEqual(['k3/untouched']);
  });
});
