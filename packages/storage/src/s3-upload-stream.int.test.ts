import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { parseStorageConfig } from './config.js';
import { ObjectNotFoundError } from './errors.js';
import { createS3Storage } from './s3-storage.js';
import { MiB } from '@darkroom/core/limits';

// Against the real S3 server of the test environment (Ceph RGW).
const config = parseStorageConfig(process.env);
const storage = createS3Storage(config);
const bucket = config.bucket;
const prefix = `test-upload-stream-${randomUUID()}/`;
const PART = 5 * MiB;

afterAll(async () => {
  await storage.deletePrefix({ bucket, prefix });
});

/** Random bytes that chunks of a body are views of: a body makes no garbage of its own to blur what the upload holds. */
const RANDOM = randomBytes(MiB);
const CHUNK = 64 * 1024;

/** A body of `total` bytes made as it is read (never held whole), each chunk from its own place in RANDOM, and the SHA-256 of what was sent. */
function randomBody(total: number, options: { failAfter?: number } = {}) {
  const hash = createHash('sha256');
  let made = 0;
  const body = new Readable({
    read() {
      if (options.failAfter !== undefined && made >= options.failAfter) return this.destroy(new Error('the source hung up'));
      if (made >= total) return this.push(null);
      const length = Math.min(CHUNK, total - made);
      const start = ((made / CHUNK) * 7919) % (RANDOM.length - CHUNK);
      const chunk = RANDOM.subarray(start, start + length);
      made += length;
      hash.update(chunk);
      this.push(chunk);
    },
  });
  return { body, digest: () => hash.digest('hex') };
}

async function storedSha256(key: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of await storage.getStream({ bucket, key })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

async function openUploads(key: string): Promise<string[]> {
  const ids: string[] = [];
  for await (const upload of storage.listMultipartUploads({ bucket, prefix: key })) ids.push(upload.uploadId);
  return ids;
}

/** The highest RSS seen while `work` runs, sampled every few milliseconds. */
async function peakRss<T>(work: () => Promise<T>): Promise<{ result: T; peak: number }> {
  let peak = process.memoryUsage().rss;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
  try {
    const result = await work();
    return { result, peak: Math.max(peak, process.memoryUsage().rss) };
  } finally {
    clearInterval(sampler);
  }
}

describe('uploadStream', () => {
  it('stores a 40 MB stream in 5 MiB parts, byte for byte, its RSS growing by no more than a few parts', async () => {
    // A first small upload, so the client's own first-use allocations are not counted against the stream.
    await storage.uploadStream({
      bucket,
      key: `${prefix}warm-up`,
      contentType: 'video/mp4',
      body: randomBody(PART + 1).body,
      partSize: PART,
      maxBytes: 10 * MiB,
    });
    const key = `${prefix}forty`;
    const total = 40_000_000;
    const { body, digest } = randomBody(total);
    const landed: number[] = [];
    const before = process.memoryUsage().rss;
    const { result, peak } = await peakRss(() =>
      storage.uploadStream({ bucket, key, contentType: 'video/mp4', body, partSize: PART, maxBytes: 100 * MiB, onBytes: (n) => landed.push(n) }),
    );
    expect(result).toEqual({ size: total });
    expect(peak - before, `RSS grew by ${((peak - before) / MiB).toFixed(1)} MiB`).toBeLessThan(4 * PART);
    expect(await storedSha256(key)).toBe(digest());
    const head = await storage.headObject({ bucket, key });
    // Seven full parts and a shorter eighth, in order.
    expect(head).toMatchObject({ size: total, contentType: 'video/mp4' });
    expect(head.etag).toMatch(/-8"?$/);
    expect(landed).toEqual([1, 2, 3, 4, 5, 6, 7].map((n) => n * PART).concat(total));
    expect(await openUploads(key)).toEqual([]);
  });

  it('sends a body shorter than one part as one PUT, and an empty one as an empty object', async () => {
    const { body, digest } = randomBody(300_000);
    expect(await storage.uploadStream({ bucket, key: `${prefix}small`, contentType: 'image/jpeg', body, partSize: PART, maxBytes: MiB })).toEqual({
      size: 300_000,
    });
    expect(await storedSha256(`${prefix}small`)).toBe(digest());
    const head = await storage.headObject({ bucket, key: `${prefix}small` });
    expect(head.etag).not.toMatch(/-\d+"?$/);
    await storage.uploadStream({ bucket, key: `${prefix}empty`, contentType: 'image/jpeg', body: Readable.from([]), partSize: PART, maxBytes: MiB });
    expect(await storage.headObject({ bucket, key: `${prefix}empty` })).toMatchObject({ size: 0 });
  });

  it('aborts the multipart upload of a body that errors after some parts, leaving no part and no object', async () => {
    const key = `${prefix}broken`;
    const { body } = randomBody(20 * MiB, { failAfter: 12 * MiB });
    await expect(storage.uploadStream({ bucket, key, contentType: 'video/mp4', body, partSize: PART, maxBytes: 100 * MiB })).rejects.toThrow(
      'the source hung up',
    );
    expect(await openUploads(key)).toEqual([]);
    await expect(storage.headObject({ bucket, key })).rejects.toBeInstanceOf(ObjectNotFoundError);
  });

  it('cuts off a body past maxBytes with file_too_large, aborting what it had sent', async () => {
    const key = `${prefix}too-large`;
    const { body } = randomBody(14 * MiB);
    await expect(storage.uploadStream({ bucket, key, contentType: 'video/mp4', body, partSize: PART, maxBytes: 11 * MiB })).rejects.toMatchObject({
      code: 'file_too_large',
      details: { maxBytes: 11 * MiB },
    });
    expect(body.destroyed).toBe(true);
    expect(await openUploads(key)).toEqual([]);
    await expect(storage.headObject({ bucket, key })).rejects.toBeInstanceOf(ObjectNotFoundError);
  });

  it('refuses a body announced larger than maxBytes before sending anything', async () => {
    const key = `${prefix}announced`;
    const { body } = randomBody(MiB);
    await expect(
      storage.uploadStream({ bucket, key, contentType: 'video/mp4', body, partSize: PART, maxBytes: MiB, expectedSize: MiB + 1 }),
    ).rejects.toMatchObject({ code: 'file_too_large' });
    expect(body.destroyed).toBe(true);
    expect(await openUploads(key)).toEqual([]);
  });
});
