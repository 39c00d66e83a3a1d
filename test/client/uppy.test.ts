import { readFile } from 'node:fs/promises';
import { DarkroomClient as Client } from '@darkroom/client';
import { darkroomUppy } from '@darkroom/client/uppy';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestApi } from '../support/client.js';
import { startHarness, type Harness } from '../support/harness.js';
import { fixture } from '../support/images.js';

const MiB = 1024 * 1024;
let harness: Harness;
let backend: Client;
let smallJpeg: Uint8Array<ArrayBuffer>;
let bigJpeg: Uint8Array<ArrayBuffer>;

beforeAll(async () => {
  harness = await startHarness();
  const apiKey = (await new TestApi(harness.baseUrl, harness.adminToken).createTenant('client-uppy')).apiKey;
  backend = new Client({ baseUrl: harness.baseUrl, token: apiKey });
  smallJpeg = new Uint8Array(await readFile(fixture('320x240.jpg')));
  bigJpeg = new Uint8Array(33 * MiB);
  bigJpeg.set(smallJpeg);
});
afterAll(() => harness?.close());

/**
 * Uppy's modules, loaded untyped: their typings bring in the DOM's, which would change every other
 * test's types. That the options fit @uppy/aws-s3's types is checked by the package's build
 * (src/uppy.typecheck.ts).
 */
async function loadUppy(): Promise<{ Uppy: new () => any; AwsS3: unknown }> {
  const [core, s3] = await Promise.all([import('@uppy/core' as string), import('@uppy/aws-s3' as string)]);
  return { Uppy: core.default, AwsS3: s3.default };
}

/** A browser's client: an upload token minted by the backend. */
async function browserClient(maxUploads = 10) {
  const { token } = await backend.uploadTokens.create({ maxUploads });
  return new Client({ baseUrl: harness.baseUrl, token });
}

const file = (name: string, bytes: Uint8Array<ArrayBuffer>) => ({ id: name, name, type: 'image/jpeg', size: bytes.byteLength, meta: {} });

describe('Uppy (@uppy/core and @uppy/aws-s3 5.x, in Node) through darkroomUppy()', () => {
  it('uploads a small file by PUT and a 33 MiB one in parts; each is completed, then ready', async () => {
    const { Uppy, AwsS3 } = await loadUppy();
    const client = await browserClient();
    const completed: string[] = [];
    const uppy = new Uppy().use(AwsS3, darkroomUppy(client, { onComplete: (f, asset) => completed.push(`${f.name} ${asset.status}`) }));
    const progress = new Map<string, number>();
    uppy.on('upload-progress', (f: { name: string }, p: { bytesUploaded: number }) => progress.set(f.name, p.bytesUploaded));
    uppy.addFile({ name: 'small.jpg', type: 'image/jpeg', data: new Blob([smallJpeg], { type: 'image/jpeg' }) });
    uppy.addFile({ name: 'big.jpg', type: 'image/jpeg', data: new Blob([bigJpeg], { type: 'image/jpeg' }) });
    const result: { failed: unknown[]; successful: { name: string; response: { body: { assetId: string } } }[] } = await uppy.upload();
    expect(result.failed).toEqual([]);
    expect(completed.sort()).toEqual(['big.jpg queued', 'small.jpg queued']);
    expect(progress.get('big.jpg')).toBe(33 * MiB);
    for (const done of result.successful) {
      const { assetId } = done.response.body;
      expect(await client.waitUntilReady(assetId)).toMatchObject({ status: 'ready', filename: done.name });
    }
  });

  it('resumes as Uppy does after a reload: listParts, then the missing parts, then complete', async () => {
    const client = await browserClient();
    const adapter = darkroomUppy(client);
    const big = file('resumed.jpg', bigJpeg);
    expect(adapter.shouldUseMultipart(big)).toBe(true);
    const chunk = adapter.getChunkSize(big);
    const { uploadId, key } = await adapter.createMultipartUpload(big);
    const send = async (partNumber: number) => {
      const body = new Blob([bigJpeg.subarray((partNumber - 1) * chunk, partNumber * chunk)]);
      const signature = await adapter.signPart(big, { uploadId, key, partNumber, body });
      const { ETag } = await adapter.uploadPartBytes({ signature, body, onProgress: () => {}, onComplete: () => {} });
      return { PartNumber: partNumber, ETag };
    };
    await send(1);
    const listed = await adapter.listParts(big, { uploadId, key });
    expect(listed).toEqual([expect.objectContaining({ PartNumber: 1, Size: 16 * MiB })]);
    const parts = [...listed, await send(2), await send(3)];
    const done = await adapter.completeMultipartUpload(big, { uploadId, key, parts });
    expect(done.asset.status).toBe('queued');
    expect(await client.waitUntilReady(done.assetId)).toMatchObject({ status: 'ready', size: 33 * MiB });
  });

  it('abortMultipartUpload cancels the upload', async () => {
    const adapter = darkroomUppy(await browserClient());
    const { key } = await adapter.createMultipartUpload(file('canceled.jpg', bigJpeg));
    await adapter.abortMultipartUpload(file('canceled.jpg', bigJpeg), { uploadId: key, key });
    expect((await backend.assets.get(key)).status).toBe('canceled');
  });

  it('fails clearly, and cancels what it started, when Uppy plans otherwise than the deployment', async () => {
    const adapter = darkroomUppy(await browserClient(), { multipartThreshold: MiB });
    const small = file('mismatch.jpg', bigJpeg.subarray(0, 2 * MiB));
    expect(adapter.shouldUseMultipart(small)).toBe(true);
    await expect(adapter.createMultipartUpload(small)).rejects.toMatchObject({
      code: 'invalid_response',
      message: expect.stringContaining('MULTIPART_THRESHOLD_BYTES'),
    });
    const [latest] = (await backend.assets.list({ limit: 1 })).items;
    expect(latest).toMatchObject({ filename: 'mismatch.jpg', status: 'canceled' });
  });
});
