import { randomBytes, randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { VARIANT_CACHE_CONTROL } from '@darkroom/core/keys';
import { MiB } from '@darkroom/core/limits';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPublicUrlBuilder } from './cdn.js';
import { parseStorageConfig } from './config.js';
import { BucketNotFoundError, ObjectNotFoundError, StorageAccessDeniedError, StorageRequestError, StorageUnavailableError } from './errors.js';
import { createS3Storage } from './s3-storage.js';
import { parseCorsOrigins, setupBuckets } from './setup.js';

// Against the real S3 server of the test environment (Ceph RGW).
const config = parseStorageConfig(process.env);
const storage = createS3Storage(config);
const { bucket, publicBucket } = config;
const prefix = `test-storage-${randomUUID()}/`;

beforeAll(async () => {
  await setupBuckets(config, { corsOrigins: parseCorsOrigins(process.env.CORS_ORIGINS) });
});

afterAll(async () => {
  await storage.deletePrefix({ bucket, prefix });
  await storage.deletePrefix({ bucket: publicBucket, prefix: `variants/${prefix}` });
});

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const item of items) all.push(item);
  return all;
}

describe('reads', () => {
  const key = `${prefix}reads/blob`;
  const body = randomBytes(4096);

  beforeAll(async () => {
    await storage.putObject({ bucket, key, body, contentType: 'application/octet-stream' });
  });

  it('headObject returns size, type, etag and date', async () => {
    const head = await storage.headObject({ bucket, key });
    expect(head.size).toBe(4096);
    expect(head.contentType).toBe('application/octet-stream');
    expect(head.etag).toMatch(/^"[0-9a-f]{32}"$/);
    expect(head.lastModified).toBeInstanceOf(Date);
  });

  it('headObject of a missing key throws ObjectNotFoundError', async () => {
    await expect(storage.headObject({ bucket, key: `${prefix}nope` })).rejects.toBeInstanceOf(ObjectNotFoundError);
  });

  it('readStart returns the first bytes with the whole size, type and etag in one request', async () => {
    const head = await storage.headObject({ bucket, key });
    const start = await storage.readStart({ bucket, key, length: 64 });
    expect(start).toMatchObject({ size: 4096, contentType: 'application/octet-stream', etag: head.etag });
    expect(start.bytes).toEqual(body.subarray(0, 64));
    // Longer than the object: all of it.
    expect((await storage.readStart({ bucket, key, length: 9999 })).bytes).toEqual(body);
  });

  it('readStart of an empty object says size 0, and of a missing key ObjectNotFoundError', async () => {
    const empty = `${prefix}reads/empty`;
    await storage.putObject({ bucket, key: empty, body: Buffer.alloc(0), contentType: 'application/octet-stream' });
    expect(await storage.readStart({ bucket, key: empty, length: 64 })).toMatchObject({ size: 0, bytes: Buffer.alloc(0) });
    await expect(storage.readStart({ bucket, key: `${prefix}nope`, length: 64 })).rejects.toBeInstanceOf(ObjectNotFoundError);
  });

  it('getRange returns exactly the inclusive range', async () => {
    expect(await storage.getRange({ bucket, key, start: 0, end: 0 })).toEqual(body.subarray(0, 1));
    expect(await storage.getRange({ bucket, key, start: 100, end: 163 })).toEqual(body.subarray(100, 164));
    // Past the end the server clamps, as HTTP ranges do.
    expect(await storage.getRange({ bucket, key, start: 4000, end: 9999 })).toEqual(body.subarray(4000));
  });

  it('getRange refuses a range starting past the end, and a missing key', async () => {
    await expect(storage.getRange({ bucket, key, start: 5000, end: 5010 })).rejects.toMatchObject({ kind: 'bad_request', httpStatus: 416 });
    await expect(storage.getRange({ bucket, key: `${prefix}nope`, start: 0, end: 1 })).rejects.toBeInstanceOf(ObjectNotFoundError);
    await expect(storage.getRange({ bucket, key, start: 5, end: 4 })).rejects.toBeInstanceOf(StorageRequestError);
  });

  it('getStream streams the whole object', async () => {
    const stream = await storage.getStream({ bucket, key });
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    expect(Buffer.concat(chunks)).toEqual(body);
  });

  it('getStream of a missing key throws ObjectNotFoundError', async () => {
    await expect(storage.getStream({ bucket, key: `${prefix}nope` })).rejects.toBeInstanceOf(ObjectNotFoundError);
  });

  it('reads a key with "." and ".." segments as named, not the path a URL parser resolves them to', async () => {
    // S3 keys may hold them (a bucket import lists a tenant's keys as they are); `dots/b` is what `dots/x/../b` resolves to.
    const dots = `${prefix}reads/dots/`;
    const objects = { [`${dots}./a`]: randomBytes(300), [`${dots}x/../b`]: randomBytes(400), [`${dots}b`]: randomBytes(500) };
    for (const [name, bytes] of Object.entries(objects)) await storage.putObject({ bucket, key: name, body: bytes, contentType: 'image/png' });
    for (const [name, bytes] of Object.entries(objects)) {
      expect((await storage.headObject({ bucket, key: name })).size, name).toBe(bytes.length);
      expect((await storage.readStart({ bucket, key: name, length: 64 })).bytes, name).toEqual(bytes.subarray(0, 64));
      const chunks: Buffer[] = [];
      for await (const chunk of await storage.getStream({ bucket, key: name })) chunks.push(chunk as Buffer);
      expect(Buffer.concat(chunks), name).toEqual(bytes);
      const opened = await storage.openObject({ bucket, key: name });
      expect(opened.size, name).toBe(bytes.length);
      opened.body.resume();
    }
  });

  it('checkBucket passes for an existing bucket and names a missing one', async () => {
    await expect(storage.checkBucket({ bucket })).resolves.toBeUndefined();
    await expect(storage.checkBucket({ bucket: `missing-${randomUUID()}` })).rejects.toBeInstanceOf(BucketNotFoundError);
  });
});

describe('putObject', () => {
  it('sets Content-Type and Cache-Control, readable anonymously at the public URL', async () => {
    const key = `variants/${prefix}thumb.webp`;
    await storage.putObject({
      bucket: publicBucket,
      key,
      body: Buffer.from('webp bytes'),
      contentType: 'image/webp',
      cacheControl: VARIANT_CACHE_CONTROL,
    });
    const response = await fetch(createPublicUrlBuilder(config)(key));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('image/webp');
    expect(response.headers.get('cache-control')).toBe(VARIANT_CACHE_CONTROL);
    expect(await response.text()).toBe('webp bytes');
  });

  it('streams a body larger than one part (multipart through lib-storage)', async () => {
    const key = `${prefix}big`;
    const size = 8 * MiB + 1234;
    const chunks = Array.from({ length: 9 }, (_, i) => randomBytes(i < 8 ? MiB : 1234));
    await storage.putObject({ bucket, key, body: Readable.from(chunks), contentType: 'image/jpeg' });
    const head = await storage.headObject({ bucket, key });
    expect(head).toMatchObject({ size, contentType: 'image/jpeg' });
    // A multipart ETag is "<md5 of part md5s>-<part count>".
    expect(head.etag).toMatch(/-2"$/);
    expect(await storage.getRange({ bucket, key, start: 8 * MiB, end: size - 1 })).toEqual(chunks[8]);
  });
});

describe('listObjects, deleteObject, deletePrefix', () => {
  const base = `${prefix}listing/`;
  const put = (key: string, body = 'x') => storage.putObject({ bucket, key: `${base}${key}`, body: Buffer.from(body), contentType: 'text/plain' });

  it('lists under a prefix with sizes', async () => {
    await Promise.all([put('a/1', 'one'), put('a/2', 'two!'), put('b/1')]);
    const listed = await collect(storage.listObjects({ bucket, prefix: `${base}a/` }));
    expect(listed.map((o) => [o.key, o.size])).toEqual([
      [`${base}a/1`, 3],
      [`${base}a/2`, 4],
    ]);
  });

  it('deleteObject removes exactly the key, and an absent key is fine', async () => {
    await Promise.all([put('d'), put('d/child'), put('dd')]);
    await storage.deleteObject({ bucket, key: `${base}d` });
    await expect(storage.headObject({ bucket, key: `${base}d` })).rejects.toBeInstanceOf(ObjectNotFoundError);
    await expect(storage.headObject({ bucket, key: `${base}d/child` })).resolves.toBeTruthy();
    await expect(storage.headObject({ bucket, key: `${base}dd` })).resolves.toBeTruthy();
    await expect(storage.deleteObject({ bucket, key: `${base}d` })).resolves.toBeUndefined();
  });

  it('on a bucket without versioning a copy names no source version, and deleteObjectVersion deletes by name', async () => {
    await put('v');
    const { sourceVersionId } = await storage.copyObject({ bucket, key: `${base}v-copy`, sourceKey: `${base}v`, size: 1 });
    expect(sourceVersionId).toBeUndefined();
    await storage.deleteObjectVersion({ bucket, key: `${base}v`, versionId: undefined });
    await expect(storage.headObject({ bucket, key: `${base}v` })).rejects.toBeInstanceOf(ObjectNotFoundError);
    await expect(storage.deleteObjectVersion({ bucket, key: `${base}v`, versionId: undefined })).resolves.toBeUndefined();
  });

  it('deletePrefix removes every key under the prefix and counts them', async () => {
    await Promise.all([put('p/1'), put('p/2'), put('p/3/x'), put('q/1')]);
    expect(await storage.deletePrefix({ bucket, prefix: `${base}p/` })).toEqual({ deleted: 3 });
    expect(await collect(storage.listObjects({ bucket, prefix: `${base}p/` }))).toEqual([]);
    await expect(storage.headObject({ bucket, key: `${base}q/1` })).resolves.toBeTruthy();
    expect(await storage.deletePrefix({ bucket, prefix: `${base}p/` })).toEqual({ deleted: 0 });
  });

  it('deletePrefix refuses an empty prefix', async () => {
    await expect(storage.deletePrefix({ bucket, prefix: '' })).rejects.toBeInstanceOf(StorageRequestError);
  });
});

describe('error translation against a real server', () => {
  it('a wrong secret gives StorageAccessDeniedError, without the secret in the message', async () => {
    const secretAccessKey = `wrong-${randomUUID()}`;
    const denied = createS3Storage({ ...config, secretAccessKey }, { maxAttempts: 1 });
    // Thunks, run one at a time: a rejection nobody awaits yet would be an unhandled one.
    const attempts = [
      () => denied.headObject({ bucket, key: `${prefix}x` }),
      () => denied.checkBucket({ bucket }),
      () => collect(denied.listObjects({ bucket, prefix })),
      () => denied.putObject({ bucket, key: `${prefix}x`, body: Buffer.from('x'), contentType: 'text/plain' }),
    ];
    for (const attempt of attempts) {
      const error = await attempt().then(
        () => undefined,
        (err: unknown) => err,
      );
      expect(error).toBeInstanceOf(StorageAccessDeniedError);
      expect((error as Error).message).not.toContain(secretAccessKey);
    }
  });

  it('an unknown access key gives StorageAccessDeniedError', async () => {
    const denied = createS3Storage({ ...config, accessKeyId: 'nobody' }, { maxAttempts: 1 });
    await expect(collect(denied.listObjects({ bucket, prefix }))).rejects.toBeInstanceOf(StorageAccessDeniedError);
  });

  it('a closed port gives StorageUnavailableError', async () => {
    const closed = createS3Storage({ ...config, endpoint: 'http://127.0.0.1:1' }, { maxAttempts: 2 });
    const error = await closed.headObject({ bucket, key: 'x' }).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(StorageUnavailableError);
    expect(error).toMatchObject({ s3Code: 'ECONNREFUSED', retryable: true });
  });

  it('getStream can be abandoned early and the client keeps working', async () => {
    const key = `${prefix}abandoned-stream`;
    await storage.putObject({ bucket, key, body: randomBytes(2 * MiB), contentType: 'application/octet-stream' });
    for (let i = 0; i < 3; i += 1) (await storage.getStream({ bucket, key })).destroy();
    await expect(storage.headObject({ bucket, key })).resolves.toMatchObject({ size: 2 * MiB });
  });
});
