import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseStorageConfig } from './config.js';
import { ObjectNotFoundError, StorageRequestError, UploadNotFoundError } from './errors.js';
import { createS3Storage } from './s3-storage.js';
import { parseCorsOrigins, setupBuckets } from './setup.js';
import { MiB } from '@darkroom/core/limits';

// Against the real S3 server of the test environment (Ceph RGW, which checks signatures).
const config = parseStorageConfig(process.env);
const storage = createS3Storage(config);
const bucket = config.bucket;
const prefix = `test-uploads-${randomUUID()}/`;

beforeAll(async () => {
  await setupBuckets(config, { corsOrigins: parseCorsOrigins(process.env.CORS_ORIGINS) });
});

afterAll(async () => {
  await storage.deletePrefix({ bucket, prefix });
});

async function presignedPut(key: string, declared: { type: string; length: number }, sent: { type: string; body: Buffer }) {
  const presigned = await storage.presignPut({
    bucket,
    key,
    contentType: declared.type,
    contentLength: declared.length,
    expiresInSeconds: 300,
  });
  const response = await fetch(presigned.url, {
    method: 'PUT',
    headers: { ...presigned.headers, 'content-type': sent.type },
    body: sent.body as Uint8Array<ArrayBuffer>,
  });
  await response.arrayBuffer();
  return { presigned, response };
}

describe('presignPut', () => {
  it('accepts the declared body and type', async () => {
    const key = `${prefix}ok`;
    const body = randomBytes(1000);
    const { presigned, response } = await presignedPut(key, { type: 'image/png', length: body.length }, { type: 'image/png', body });
    expect(response.status).toBe(200);
    expect(presigned.headers).toEqual({ 'content-type': 'image/png' });
    expect(presigned.expiresAt.getTime()).toBeGreaterThan(Date.now() + 290_000);
    const head = await storage.headObject({ bucket, key });
    expect(head).toMatchObject({ size: 1000, contentType: 'image/png' });
    expect(await storage.getRange({ bucket, key, start: 0, end: 999 })).toEqual(body);
  });

  it('is refused with one extra byte', async () => {
    const key = `${prefix}too-long`;
    const body = randomBytes(1001);
    const { response } = await presignedPut(key, { type: 'image/png', length: 1000 }, { type: 'image/png', body });
    expect(response.status).toBe(403);
    await expect(storage.headObject({ bucket, key })).rejects.toBeInstanceOf(ObjectNotFoundError);
  });

  it('is refused with one byte missing', async () => {
    const { response } = await presignedPut(`${prefix}too-short`, { type: 'image/png', length: 1000 }, { type: 'image/png', body: randomBytes(999) });
    expect(response.status).toBe(403);
  });

  it('is refused with another content-type', async () => {
    const key = `${prefix}wrong-type`;
    const body = randomBytes(1000);
    const { response } = await presignedPut(key, { type: 'image/png', length: 1000 }, { type: 'text/html', body });
    expect(response.status).toBe(403);
    await expect(storage.headObject({ bucket, key })).rejects.toBeInstanceOf(ObjectNotFoundError);
  });

  it('rejects nonsense input before signing', async () => {
    const base = { bucket, key: `${prefix}x`, contentType: 'image/png', contentLength: 1 };
    await expect(storage.presignPut({ ...base, expiresInSeconds: 8 * 24 * 3600 })).rejects.toBeInstanceOf(StorageRequestError);
    await expect(storage.presignPut({ ...base, contentLength: -1, expiresInSeconds: 60 })).rejects.toBeInstanceOf(StorageRequestError);
  });
});

async function putPart(url: string, body: Buffer): Promise<Response> {
  const response = await fetch(url, { method: 'PUT', body: body as Uint8Array<ArrayBuffer> });
  await response.arrayBuffer();
  return response;
}

describe('presigned multipart upload', () => {
  it('uploads two parts with fetch and completes with their ETags', async () => {
    const key = `${prefix}multipart`;
    const parts = [randomBytes(5 * MiB), randomBytes(123_457)];
    const { uploadId } = await storage.createMultipartUpload({ bucket, key, contentType: 'image/tiff' });
    const completed = [];
    for (const [index, body] of parts.entries()) {
      const partNumber = index + 1;
      const presigned = await storage.presignUploadPart({ bucket, key, uploadId, partNumber, contentLength: body.length, expiresInSeconds: 300 });
      expect(presigned.headers).toEqual({});
      const response = await putPart(presigned.url, body);
      expect(response.status).toBe(200);
      const etag = response.headers.get('etag');
      expect(etag).toBeTruthy();
      completed.push({ partNumber, etag: etag! });
    }
    // Out of order on purpose: completion sorts the parts.
    await storage.completeMultipartUpload({ bucket, key, uploadId, parts: completed.reverse() });
    const head = await storage.headObject({ bucket, key });
    expect(head).toMatchObject({ size: 5 * MiB + 123_457, contentType: 'image/tiff' });
    const tail = await storage.getRange({ bucket, key, start: 5 * MiB, end: 5 * MiB + 9 });
    expect(tail).toEqual(parts[1]!.subarray(0, 10));
  });

  it('refuses a part whose length differs from the signed one', async () => {
    const key = `${prefix}multipart-bad-part`;
    const { uploadId } = await storage.createMultipartUpload({ bucket, key, contentType: 'image/png' });
    const presigned = await storage.presignUploadPart({ bucket, key, uploadId, partNumber: 1, contentLength: 100, expiresInSeconds: 300 });
    expect((await putPart(presigned.url, randomBytes(101))).status).toBe(403);
    await storage.abortMultipartUpload({ bucket, key, uploadId });
  });

  it('refuses completion with a wrong ETag', async () => {
    const key = `${prefix}multipart-bad-etag`;
    const { uploadId } = await storage.createMultipartUpload({ bucket, key, contentType: 'image/png' });
    const presigned = await storage.presignUploadPart({ bucket, key, uploadId, partNumber: 1, contentLength: 10, expiresInSeconds: 300 });
    expect((await putPart(presigned.url, randomBytes(10))).status).toBe(200);
    const wrong = storage.completeMultipartUpload({ bucket, key, uploadId, parts: [{ partNumber: 1, etag: '"0123"' }] });
    await expect(wrong).rejects.toMatchObject({ kind: 'bad_request', s3Code: 'InvalidPart' });
    await storage.abortMultipartUpload({ bucket, key, uploadId });
  });

  it('aborts: the upload is gone, completing it fails with UploadNotFoundError, aborting again is fine', async () => {
    const key = `${prefix}multipart-aborted`;
    const { uploadId } = await storage.createMultipartUpload({ bucket, key, contentType: 'image/png' });
    const presigned = await storage.presignUploadPart({ bucket, key, uploadId, partNumber: 1, contentLength: 10, expiresInSeconds: 300 });
    const response = await putPart(presigned.url, randomBytes(10));
    await storage.abortMultipartUpload({ bucket, key, uploadId });
    const completion = storage.completeMultipartUpload({ bucket, key, uploadId, parts: [{ partNumber: 1, etag: response.headers.get('etag')! }] });
    await expect(completion).rejects.toBeInstanceOf(UploadNotFoundError);
    await expect(storage.abortMultipartUpload({ bucket, key, uploadId })).resolves.toBeUndefined();
    await expect(storage.headObject({ bucket, key })).rejects.toBeInstanceOf(ObjectNotFoundError);
  });
});
