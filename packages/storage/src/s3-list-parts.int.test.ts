import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { parseStorageConfig } from './config.js';
import { UploadNotFoundError } from './errors.js';
import { createS3Storage } from './s3-storage.js';

// Against the real S3 server of the test environment (Ceph RGW), which pages ListParts at 1,000.
const config = parseStorageConfig(process.env);
const storage = createS3Storage(config);
const bucket = config.bucket;
const prefix = `test-list-parts-${randomUUID()}/`;

afterAll(async () => {
  await storage.deletePrefix({ bucket, prefix });
});

/** Presigns and PUTs each part as a browser would; returns the ETags the bucket answered with. */
async function putParts(key: string, uploadId: string, partNumbers: number[], body: Buffer): Promise<Map<number, string>> {
  const etags = new Map<number, string>();
  const queue = [...partNumbers];
  // A few at a time: a thousand tiny PUTs at once would only queue in the gateway.
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      for (let partNumber = queue.shift(); partNumber !== undefined; partNumber = queue.shift()) {
        const { url } = await storage.presignUploadPart({ bucket, key, uploadId, partNumber, contentLength: body.length, expiresInSeconds: 300 });
        const response = await fetch(url, { method: 'PUT', body: body as Uint8Array<ArrayBuffer> });
        await response.arrayBuffer();
        if (!response.ok) throw new Error(`PUT part ${partNumber}: ${response.status}`);
        etags.set(partNumber, response.headers.get('etag')!);
      }
    }),
  );
  return etags;
}

describe('listParts', () => {
  it('lists the parts held, with the ETags their PUTs returned and their sizes, and none that were not sent', async () => {
    const key = `${prefix}some`;
    const { uploadId } = await storage.createMultipartUpload({ bucket, key, contentType: 'image/png' });
    const etags = await putParts(key, uploadId, [1, 3], randomBytes(10));
    const parts = await storage.listParts({ bucket, key, uploadId });
    expect(parts).toEqual([
      { partNumber: 1, etag: etags.get(1), size: 10 },
      { partNumber: 3, etag: etags.get(3), size: 10 },
    ]);
    await storage.abortMultipartUpload({ bucket, key, uploadId });
  });

  it('follows the pages past the first 1,000 parts', async () => {
    const key = `${prefix}many`;
    const { uploadId } = await storage.createMultipartUpload({ bucket, key, contentType: 'image/png' });
    const numbers = Array.from({ length: 1003 }, (_, i) => i + 1);
    await putParts(key, uploadId, numbers, randomBytes(1));
    const parts = await storage.listParts({ bucket, key, uploadId });
    expect(parts.map((part) => part.partNumber)).toEqual(numbers);
    await storage.abortMultipartUpload({ bucket, key, uploadId });
  }, 120_000);

  it('throws UploadNotFoundError for an aborted upload', async () => {
    const key = `${prefix}aborted`;
    const { uploadId } = await storage.createMultipartUpload({ bucket, key, contentType: 'image/png' });
    await storage.abortMultipartUpload({ bucket, key, uploadId });
    await expect(storage.listParts({ bucket, key, uploadId })).rejects.toBeInstanceOf(UploadNotFoundError);
  });
});
