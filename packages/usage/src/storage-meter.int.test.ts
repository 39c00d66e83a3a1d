import { randomBytes, randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { MiB } from '@darkroom/core/limits';
import { createDatabase, type DatabaseHandle } from '@darkroom/db/client';
import { createS3Storage, parseStorageConfig, type ObjectStorage } from '@darkroom/storage';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UsageCounters } from './counters.js';
import { createStorageMeter } from './storage-meter.js';

// Against the real S3 server and Postgres of the test environment.
const config = parseStorageConfig(process.env);
const tenant = randomUUID();
let handle: DatabaseHandle;
let storage: ObjectStorage;
/** What the meter added, by tenant and meter. */
const added = new Map<string, number>();
const counters: UsageCounters = {
  add: (tenantId, meter, amount) => void added.set(`${tenantId}:${meter}`, (added.get(`${tenantId}:${meter}`) ?? 0) + amount),
  flush: async () => {},
  replay: async () => {},
  stop: async () => {},
};
const countOf = (meter: string) => added.get(`${tenant}:${meter}`) ?? 0;

beforeAll(() => {
  handle = createDatabase({ url: process.env.DATABASE_URL! });
  storage = createS3Storage(config, { observer: createStorageMeter({ db: handle.db, counters }) });
});
afterAll(async () => {
  for (const [bucket, prefix] of prefixes()) await storage.deletePrefix({ bucket, prefix });
  await handle?.close();
});

const prefixes = () =>
  [
    [config.bucket, `originals/${tenant}/`],
    [config.bucket, `staging/${tenant}/`],
    [config.publicBucket, `variants/${tenant}/`],
  ] as const;

/** `bucket key → bytes`, as the ledger holds the tenant's objects and as a LIST of the buckets sees them. */
async function ledger(): Promise<Record<string, number>> {
  const rows = await handle.db.execute<{ bucket: string; key: string; bytes: string }>(
    sql`select bucket, key, bytes from stored_objects where tenant_id = ${tenant}`,
  );
  return Object.fromEntries([...rows].map((r) => [`${r.bucket} ${r.key}`, Number(r.bytes)]));
}
async function listed(): Promise<Record<string, number>> {
  const objects: Record<string, number> = {};
  for (const [bucket, prefix] of prefixes()) {
    for await (const object of storage.listObjects({ bucket, prefix })) objects[`${bucket} ${object.key}`] = object.size;
  }
  return objects;
}

describe('the storage meter', () => {
  it('keeps a ledger equal to a LIST of the buckets through puts, streams, copies, completions and deletes', async () => {
    const bucket = config.bucket;
    const original = `originals/${tenant}/a/original`;
    // A put of a buffer, and of a stream long enough for lib-storage's multipart upload (8 MiB parts).
    await storage.putObject({ bucket, key: original, body: randomBytes(1000), contentType: 'image/png' });
    await storage.putObject({ bucket, key: original, body: Readable.from([randomBytes(9 * MiB)]), contentType: 'image/png' });
    await storage.putObject({ bucket, key: `originals/${tenant}/a/record.json`, body: Buffer.from('{}'), contentType: 'application/json' });
    // A stream in parts (uploadStream), and a short one (one PUT).
    const variant = `variants/${tenant}/a/r1/big.webp`;
    await storage.uploadStream({
      bucket: config.publicBucket,
      key: variant,
      body: Readable.from([randomBytes(11 * MiB)]),
      contentType: 'image/webp',
      partSize: 5 * MiB,
      maxBytes: 64 * MiB,
    });
    await storage.uploadStream({
      bucket: config.publicBucket,
      key: `variants/${tenant}/a/r1/small.webp`,
      body: Readable.from([randomBytes(300)]),
      contentType: 'image/webp',
      partSize: 5 * MiB,
      maxBytes: 64 * MiB,
    });
    // A copy in one request, and one in parts.
    await storage.copyObject({ bucket, key: `originals/${tenant}/b/original`, sourceKey: original, size: 9 * MiB });
    await storage.copyObject({
      bucket,
      key: `originals/${tenant}/c/original`,
      sourceKey: original,
      size: 9 * MiB,
      multipartThreshold: 5 * MiB,
      partSize: 5 * MiB,
    });
    // A client's multipart upload, completed on its behalf without a size (a HEAD tells it).
    const staging = `staging/${tenant}/d`;
    const { uploadId } = await storage.createMultipartUpload({ bucket, key: staging, contentType: 'image/png' });
    const part = randomBytes(777);
    const url = await storage.presignUploadPart({ bucket, key: staging, uploadId, partNumber: 1, contentLength: part.length, expiresInSeconds: 60 });
    const put = await fetch(url.url, { method: 'PUT', body: part, headers: url.headers });
    await storage.completeMultipartUpload({ bucket, key: staging, uploadId, parts: [{ partNumber: 1, etag: put.headers.get('etag')! }] });
    expect((await ledger())[`${bucket} ${staging}`]).toBe(777);
    // Deletes: one key, one version by name, and a prefix.
    await storage.deleteObject({ bucket, key: `originals/${tenant}/b/original` });
    await storage.deleteObjectVersion({ bucket, key: staging, versionId: undefined });
    await storage.deletePrefix({ bucket: config.publicBucket, prefix: `variants/${tenant}/a/r1/s` });

    const held = await listed();
    expect(Object.keys(held).sort()).toEqual([
      `${bucket} originals/${tenant}/a/original`,
      `${bucket} originals/${tenant}/a/record.json`,
      `${bucket} originals/${tenant}/c/original`,
      `${config.publicBucket} ${variant}`,
    ]);
    expect(await ledger()).toEqual(held);
    // The ledger's events: every byte held is billed; the staging object (unbilled) came and went.
    const [events] = await handle.db.execute<{ billed: string | null; unbilled: string | null }>(sql`
      select sum(amount) filter (where meter = 'stored_bytes') as billed, sum(amount) filter (where meter = 'stored_bytes_unbilled') as unbilled
      from usage_events where tenant_id = ${tenant}`);
    expect(Number(events!.billed)).toBe(Object.values(held).reduce((a, b) => a + b, 0));
    expect(Number(events!.unbilled)).toBe(0);
  });

  it("counts the tenant's bucket requests by class and its presigned URLs", () => {
    // Uploads and deletes (A), HEADs (B), copies and listings (C), each at least once above.
    expect(countOf('bucket_class_a')).toBeGreaterThanOrEqual(10);
    expect(countOf('bucket_class_b')).toBeGreaterThanOrEqual(1);
    expect(countOf('bucket_class_c')).toBeGreaterThanOrEqual(3);
    expect(countOf('presigned_urls_a')).toBe(1);
    expect(countOf('presigned_urls_b')).toBe(0);
  });
});
