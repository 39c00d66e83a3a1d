import { readFile } from 'node:fs/promises';
import { DarkroomClient as Client, DarkroomError, fetchTransport, type Transport } from '@darkroom/client';
import { beforeAll, describe, expect, it } from 'vitest';
import { fixture } from '../support/images.js';
import { setupHarness } from '../support/setup-harness.js';
import { MiB } from '@darkroom/core/limits';

const harness = setupHarness();
let apiKey: string;
let backend: Client;
let smallJpeg: Uint8Array;
let bigJpeg: Uint8Array;

beforeAll(async () => {
  apiKey = (await harness.admin.createTenant('client-resume')).apiKey;
  backend = new Client({ baseUrl: harness.baseUrl, token: apiKey });
  smallJpeg = new Uint8Array(await readFile(fixture('320x240.jpg')));
  bigJpeg = new Uint8Array(33 * MiB);
  bigJpeg.set(smallJpeg);
});

/** Lets the first `allowed` PUTs through, then loses the connection for good; counts PUTs that landed. */
function flakyTransport(allowed: number): Transport & { landed: number[] } {
  const inner = fetchTransport();
  let tries = 0;
  const transport = {
    landed: [] as number[],
    async put(request: Parameters<Transport['put']>[0]) {
      if (++tries > allowed) throw new DarkroomError('network_error', 'PUT to the bucket: no answer (connection lost).');
      const res = await inner.put(request);
      transport.landed.push(Number(new URL(request.url).searchParams.get('partNumber') ?? 0));
      return res;
    },
  };
  return transport;
}

const noRetries = { retries: 0 };

describe('resume()', () => {
  it('sends only the parts the bucket lacks, then completes and waits', async () => {
    const first = flakyTransport(1);
    const lost = new Client({ baseUrl: harness.baseUrl, token: apiKey, transport: first, concurrency: 1, retry: noRetries });
    let assetId = '';
    const error = await lost
      .upload(bigJpeg, { filename: 'resumed.jpg', contentType: 'image/jpeg', onStarted: (a) => (assetId = a.id) })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'network_error' });
    expect(first.landed).toEqual([1]);
    expect((await backend.assets.get(assetId)).status).toBe('awaiting_upload');

    const second = flakyTransport(Infinity);
    const loaded: number[] = [];
    const again = new Client({ baseUrl: harness.baseUrl, token: apiKey, transport: second });
    const asset = await again.resume(assetId, new Blob([bigJpeg as Uint8Array<ArrayBuffer>]), {
      onProgress: (p) => p.phase === 'uploading' && loaded.push(p.loaded),
    });
    expect(asset).toMatchObject({ id: assetId, status: 'ready', width: 320 });
    expect(second.landed.sort()).toEqual([2, 3]);
    // Progress starts from the part the bucket already held.
    expect(loaded[0]).toBe(16 * MiB);
    expect(loaded.at(-1)).toBe(33 * MiB);
  });

  it('starts a PUT upload over with a fresh URL', async () => {
    const lost = new Client({ baseUrl: harness.baseUrl, token: apiKey, transport: flakyTransport(0), retry: noRetries });
    let assetId = '';
    await expect(
      lost.upload(smallJpeg, { filename: 'put.jpg', contentType: 'image/jpeg', onStarted: (a) => (assetId = a.id) }),
    ).rejects.toMatchObject({ code: 'network_error' });
    const asset = await backend.resume(assetId, smallJpeg);
    expect(asset).toMatchObject({ id: assetId, status: 'ready' });
  });

  it('only waits for an asset already past its upload, and refuses a file of another size', async () => {
    const done = await backend.upload(smallJpeg, { filename: 'done.jpg', contentType: 'image/jpeg' });
    await expect(backend.resume(done.id, smallJpeg)).resolves.toMatchObject({ id: done.id, status: 'ready' });
    let assetId = '';
    const started = await new Client({ baseUrl: harness.baseUrl, token: apiKey, transport: flakyTransport(0), retry: noRetries })
      .upload(smallJpeg, { filename: 'x.jpg', contentType: 'image/jpeg', onStarted: (a) => (assetId = a.id) })
      .catch(() => null);
    expect(started).toBeNull();
    await expect(backend.resume(assetId, smallJpeg.subarray(1))).rejects.toMatchObject({ code: 'invalid_input' });
  });
});

describe('upload tokens', () => {
  it('a browser with a token uploads a PUT and a multipart file; the token’s metadata is forced', async () => {
    const { token, maxUploads } = await backend.uploadTokens.create({ maxUploads: 2, metadata: { post: 7 } });
    expect(token).toMatch(/^dut_/);
    expect(maxUploads).toBe(2);
    const browser = new Client({ baseUrl: harness.baseUrl, token });
    const small = await browser.upload(new File([smallJpeg as Uint8Array<ArrayBuffer>], 'phone.jpg', { type: 'image/jpeg' }), {
      metadata: { client: { tab: 1 } },
    });
    expect(small).toMatchObject({ status: 'ready', filename: 'phone.jpg' });
    expect(small.metadata).toMatchObject({ post: 7, client: { tab: 1 } });
    const big = await browser.upload(new File([bigJpeg as Uint8Array<ArrayBuffer>], 'big.jpg', { type: 'image/jpeg' }));
    expect(big.status).toBe('ready');
    // Its limit reached, and a route it may not call.
    await expect(browser.upload(smallJpeg, { filename: 'third.jpg', contentType: 'image/jpeg' })).rejects.toMatchObject({
      code: 'rate_limited',
      status: 429,
    });
    await expect(browser.assets.list()).rejects.toMatchObject({ code: 'forbidden', status: 403 });
  });
});
