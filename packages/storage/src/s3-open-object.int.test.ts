import { randomBytes, randomUUID } from 'node:crypto';
import { VARIANT_CACHE_CONTROL } from '@darkroom/core/keys';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseStorageConfig } from './config.js';
import { ObjectNotFoundError, ObjectRangeError } from './errors.js';
import { createS3Storage } from './s3-storage.js';
import { assetObjectLocation } from './visibility.js';

// Against the real S3 server of the test environment (Ceph RGW).
const config = parseStorageConfig(process.env);
const storage = createS3Storage(config);
const { bucket } = config;
const prefix = `test-open-${randomUUID()}/`;
const key = `${prefix}blob.webp`;
const body = randomBytes(100_000);

async function read(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

beforeAll(async () => {
  await storage.putObject({ bucket, key, body, contentType: 'image/webp', cacheControl: VARIANT_CACHE_CONTROL });
});

afterAll(async () => {
  await storage.deletePrefix({ bucket, prefix });
});

describe('openObject', () => {
  it('streams the whole object with its size, type, ETag and Cache-Control', async () => {
    const opened = await storage.openObject({ bucket, key });
    expect(opened).toMatchObject({ status: 200, size: body.length, length: body.length, contentType: 'image/webp', range: undefined });
    expect(opened.etag).toMatch(/^"[0-9a-f]{32}"$/);
    expect(opened.cacheControl).toBe(VARIANT_CACHE_CONTROL);
    expect((await read(opened.body)).equals(body)).toBe(true);
  });

  it('streams one range, from a start, to an end, or the last bytes', async () => {
    const cases: [string, number, number][] = [
      ['bytes=10-19', 10, 19],
      ['bytes=99990-', 99_990, 99_999],
      ['bytes=-5', 99_995, 99_999],
      ['bytes=99000-200000', 99_000, 99_999],
    ];
    for (const [range, start, end] of cases) {
      const opened = await storage.openObject({ bucket, key, range });
      expect(opened, range).toMatchObject({ status: 206, size: body.length, length: end - start + 1, range: { start, end } });
      expect((await read(opened.body)).equals(body.subarray(start, end + 1)), range).toBe(true);
    }
  });

  it('answers 304 with no body for the ETag it has, and the object for another', async () => {
    const { etag } = await storage.headObject({ bucket, key });
    const unchanged = await storage.openObject({ bucket, key, ifNoneMatch: etag });
    expect(unchanged).toMatchObject({ status: 304, length: 0 });
    unchanged.body.resume();
    const changed = await storage.openObject({ bucket, key, ifNoneMatch: '"another"' });
    expect(changed.status).toBe(200);
    changed.body.resume();
  });

  it('says the size when a range starts past the end, and not found for a missing key', async () => {
    const error = await storage.openObject({ bucket, key, range: 'bytes=100000-' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ObjectRangeError);
    expect((error as ObjectRangeError).size).toBe(body.length);
    await expect(storage.openObject({ bucket, key: `${prefix}missing` })).rejects.toBeInstanceOf(ObjectNotFoundError);
  });
});

describe('assetObjectLocation', () => {
  it('puts a public asset in the public bucket at its key, a private one in the originals bucket under private/', () => {
    const buckets = { bucket: 'originals', publicBucket: 'variants' };
    expect(assetObjectLocation(buckets, 'public', 'variants/t/a/r1/x.webp')).toEqual({ bucket: 'variants', key: 'variants/t/a/r1/x.webp' });
    expect(assetObjectLocation(buckets, 'private', 'variants/t/a/r1/x.webp')).toEqual({ bucket: 'originals', key: 'private/variants/t/a/r1/x.webp' });
  });
});

describe('copyObject from another bucket', () => {
  it('copies server-side, keeping the type and Cache-Control', async () => {
    const target = `${prefix}copied.webp`;
    await storage.putObject({
      bucket: config.publicBucket,
      key: `variants/${key}`,
      body,
      contentType: 'image/webp',
      cacheControl: VARIANT_CACHE_CONTROL,
    });
    try {
      await storage.copyObject({
        bucket,
        key: target,
        sourceBucket: config.publicBucket,
        sourceKey: `variants/${key}`,
        size: body.length,
      });
      const copied = await storage.openObject({ bucket, key: target });
      expect(copied).toMatchObject({ contentType: 'image/webp', cacheControl: VARIANT_CACHE_CONTROL, size: body.length });
      expect((await read(copied.body)).equals(body)).toBe(true);
    } finally {
      await storage.deleteObject({ bucket: config.publicBucket, key: `variants/${key}` });
    }
  });
});
