import { readFile } from 'node:fs/promises';
import { DarkroomClient as Client, fetchTransport, type Transport } from '@darkroom/client';
import { beforeAll, describe, expect, it } from 'vitest';
import type { TestApi } from '../support/client.js';
import { fixture } from '../support/images.js';
import { setupHarness } from '../support/setup-harness.js';
import { MiB } from '@darkroom/core/limits';

const harness = setupHarness();
let apiKey: string;
let tenant: TestApi;
/** A real JPEG followed by zeros up to 33 MiB: over the multipart threshold, and still a JPEG to decode. */
let bigJpeg: Uint8Array;

beforeAll(async () => {
  apiKey = (await harness.admin.createTenant('client-multipart')).apiKey;
  tenant = harness.admin.withToken(apiKey);
  const jpeg = await readFile(fixture('320x240.jpg'));
  bigJpeg = new Uint8Array(33 * MiB);
  bigJpeg.set(jpeg);
});

/** Counts PUTs and lets a test act after a given number of them has landed. */
function countingTransport(after?: { puts: number; run: () => void }): Transport & { puts: number } {
  const inner = fetchTransport();
  const transport = {
    puts: 0,
    async put(request: Parameters<Transport['put']>[0]) {
      const res = await inner.put(request);
      transport.puts++;
      if (after && transport.puts === after.puts) after.run();
      return res;
    },
  };
  return transport;
}

describe('multipart upload', () => {
  it('sends a 33 MiB file in three parts (16 MiB, 16 MiB, 1 MiB) and resolves with the ready asset', async () => {
    const transport = countingTransport();
    const client = new Client({ baseUrl: harness.baseUrl, token: apiKey, transport, concurrency: 2 });
    const loaded: number[] = [];
    const asset = await client.upload(bigJpeg, {
      filename: 'big.jpg',
      contentType: 'image/jpeg',
      onProgress: (p) => p.phase === 'uploading' && loaded.push(p.loaded),
    });
    expect(asset).toMatchObject({ status: 'ready', size: 33 * MiB, width: 320, height: 240 });
    expect(transport.puts).toBe(3);
    expect(loaded.at(-1)).toBe(33 * MiB);
    // In Node the parts go as counted streams: progress comes while they are sent, not per part.
    expect(new Set(loaded).size).toBeGreaterThan(20);
  });

  it('takes a Node stream of known size', async () => {
    const { Readable } = await import('node:stream');
    const client = new Client({ baseUrl: harness.baseUrl, token: apiKey, transport: fetchTransport() });
    const chunks = Array.from({ length: 33 }, (_, i) => bigJpeg.subarray(i * MiB, (i + 1) * MiB));
    const asset = await client.upload(Readable.from(chunks), {
      filename: 'streamed.jpg',
      contentType: 'image/jpeg',
      size: bigJpeg.byteLength,
      wait: false,
    });
    expect(asset.status).toBe('queued');
  });

  it('a signal aborted mid-way stops the parts and cancels the upload', async () => {
    const controller = new AbortController();
    const transport = countingTransport({ puts: 1, run: () => controller.abort() });
    const client = new Client({ baseUrl: harness.baseUrl, token: apiKey, transport, concurrency: 1 });
    let assetId = '';
    const error = await client
      .upload(bigJpeg, { filename: 'aborted.jpg', contentType: 'image/jpeg', signal: controller.signal, onStarted: (a) => (assetId = a.id) })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'DarkroomError', code: 'aborted' });
    expect(transport.puts).toBe(1);
    expect((await tenant.request('GET', `/v1/assets/${assetId}`)).body.status).toBe('canceled');
  });
});
