import { readFile } from 'node:fs/promises';
import { DarkroomClient as Client } from '@darkroom/client';
import { darkroomUppy, type UppyFileLike, type UppyLike } from '@darkroom/client/uppy';
import { beforeAll, describe, expect, it } from 'vitest';
import { fixture } from '../support/images.js';
import { setupHarness } from '../support/setup-harness.js';
import { MiB } from '@darkroom/core/limits';

const harness = setupHarness();
let backend: Client;
let smallJpeg: Uint8Array<ArrayBuffer>;
let bigJpeg: Uint8Array<ArrayBuffer>;

beforeAll(async () => {
  const apiKey = (await harness.admin.createTenant('client-uppy')).apiKey;
  backend = new Client({ baseUrl: harness.baseUrl, token: apiKey });
  smallJpeg = new Uint8Array(await readFile(fixture('320x240.jpg')));
  bigJpeg = new Uint8Array(33 * MiB);
  bigJpeg.set(smallJpeg);
});

/** A browser's client: an upload token minted by the backend. */
async function browserClient(maxUploads = 10) {
  const { token } = await backend.uploadTokens.create({ maxUploads });
  return new Client({ baseUrl: harness.baseUrl, token });
}

/**
 * The part of Uppy 6 the adapter talks to, in Node (Uppy's S3 client needs XMLHttpRequest, which
 * Node lacks; test/uploads/uppy.test.ts runs the real one in Chromium): its processors, file state
 * and events, and the requests @uppy/aws-s3's S3Uploader sends with what signRequest gives.
 */
function fakeUppy() {
  const files = new Map<string, UppyFileLike & Record<string, unknown>>();
  const handlers = new Map<string, ((...args: unknown[]) => void)[]>();
  const pre: ((ids: string[]) => Promise<void>)[] = [];
  const post: ((ids: string[]) => Promise<void>)[] = [];
  const uppy: UppyLike = {
    addPreProcessor: (fn) => pre.push(fn),
    addPostProcessor: (fn) => post.push(fn),
    getFile: (id) => files.get(id),
    setFileState: (id, state) => files.set(id, { ...files.get(id)!, ...state }),
    on: (event, callback) => handlers.set(event, [...(handlers.get(event) ?? []), callback]),
    emit: (event, ...args) => {
      if (event === 'upload-error') files.set((args[0] as UppyFileLike).id, { ...(args[0] as UppyFileLike), error: args[1] });
      for (const callback of handlers.get(event) ?? []) callback(...args);
    },
  };
  const add = (name: string, type: string, bytes: Uint8Array<ArrayBuffer>) => {
    files.set(name, { id: name, name, type, size: bytes.byteLength, data: new Blob([bytes], { type }), meta: {} });
  };
  return { uppy, files, pre, post, add };
}

/** What S3Uploader does with a file, given the adapter's options: the PUT, or list, parts and complete. */
async function sendAsUppyWould(
  adapter: ReturnType<typeof darkroomUppy>,
  file: UppyFileLike & Record<string, unknown>,
  bytes: Uint8Array<ArrayBuffer>,
) {
  const resume = file.s3Multipart as { uploadId: string; key: string } | undefined;
  if (!resume) {
    expect(adapter.shouldUseMultipart(file)).toBe(false);
    const signed = await adapter.signRequest({
      method: 'PUT',
      key: adapter.generateObjectKey(file),
      contentType: file.type || 'application/octet-stream',
    });
    const res = await fetch(signed.url, { method: 'PUT', headers: signed.headers, body: bytes });
    expect(res.status).toBe(200);
    return [];
  }
  const { key, uploadId } = resume;
  const listed = await adapter.signRequest({ method: 'GET', key, uploadId });
  expect(await (await fetch(listed.url)).text()).toContain('<ListPartsResult');
  const chunk = adapter.getChunkSize({ size: bytes.byteLength });
  const parts: { PartNumber: number; ETag: string }[] = [];
  for (let n = 1; (n - 1) * chunk < bytes.byteLength; n++) {
    const { url } = await adapter.signRequest({ method: 'PUT', key, uploadId, partNumber: n });
    const res = await fetch(url, { method: 'PUT', body: bytes.subarray((n - 1) * chunk, n * chunk) });
    expect(res.status).toBe(200);
    parts.push({ PartNumber: n, ETag: res.headers.get('etag')! });
  }
  const complete = await adapter.signRequest({ method: 'POST', key, uploadId });
  const xml = `<CompleteMultipartUpload>${parts.map((p) => `<Part><PartNumber>${p.PartNumber}</PartNumber><ETag>${p.ETag}</ETag></Part>`).join('')}</CompleteMultipartUpload>`;
  const done = await fetch(complete.url, { method: 'POST', headers: { 'content-type': 'application/xml' }, body: xml });
  expect([done.status, await done.text()]).toEqual([200, expect.stringContaining('<CompleteMultipartUploadResult')]);
  return parts;
}

describe('darkroomUppy() for Uppy 6 (its processors and signRequest, in Node)', () => {
  it('starts each file with Darkroom, signs only its own requests, then completes it: a small PUT, a typeless 33 MiB file in parts', async () => {
    const client = await browserClient();
    const { uppy, files, pre, post, add } = fakeUppy();
    const completed: string[] = [];
    const adapter = darkroomUppy(uppy, client, { onComplete: (f, asset) => completed.push(`${f.name} ${asset.status}`) });
    add('small.jpg', 'image/jpeg', smallJpeg);
    add('big.jpg', '', bigJpeg); // as a browser gives a file it knows no type for
    for (const fn of pre) await fn(['small.jpg', 'big.jpg']);
    // Darkroom's choices: PUT for the small file; parts for the big one, whose type its bytes gave.
    expect(files.get('small.jpg')!.s3Multipart).toBeUndefined();
    expect(files.get('big.jpg')!).toMatchObject({ type: 'image/jpeg', s3Multipart: { uploadId: expect.any(String) } });
    expect(adapter.getChunkSize({ size: bigJpeg.byteLength })).toBe(16 * MiB);
    // Neither creating a bucket upload nor deleting anything is ever signed.
    const { key, uploadId } = files.get('big.jpg')!.s3Multipart as { key: string; uploadId: string };
    await expect(adapter.signRequest({ method: 'POST', key })).rejects.toThrow(/does not sign/);
    await expect(adapter.signRequest({ method: 'DELETE', key, uploadId })).rejects.toThrow(/does not sign/);

    for (const [name, bytes] of [
      ['small.jpg', smallJpeg],
      ['big.jpg', bigJpeg],
    ] as const) {
      const parts = await sendAsUppyWould(adapter, files.get(name)!, bytes);
      for (const part of parts) uppy.emit('s3-multipart:part-uploaded', files.get(name), part);
      uppy.emit('upload-success', files.get(name), {});
    }
    for (const fn of post) await fn(['small.jpg', 'big.jpg']);
    expect(completed.sort()).toEqual(['big.jpg queued', 'small.jpg queued']);
    expect([...files.values()].filter((f) => f.error)).toEqual([]);
    const assets = await backend.api.GET('/v1/assets', { params: { query: { limit: 2 } } });
    for (const asset of assets.data!.items) expect(await client.waitUntilReady(asset.id)).toMatchObject({ status: 'ready' });
  });

  it('fails a file Darkroom refuses at the start, and only that one', async () => {
    const client = await browserClient();
    const { uppy, files, pre, add } = fakeUppy();
    darkroomUppy(uppy, client);
    add('notes.txt', '', new Uint8Array(new TextEncoder().encode('not a photo')));
    add('ok.jpg', 'image/jpeg', smallJpeg);
    for (const fn of pre) await fn(['notes.txt', 'ok.jpg']);
    expect(files.get('notes.txt')!.error).toMatchObject({ code: 'unsupported_media_type' });
    expect(files.get('ok.jpg')!.error).toBeUndefined();
  });
});
