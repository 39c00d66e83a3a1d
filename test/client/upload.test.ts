import { readFile } from 'node:fs/promises';
import { DarkroomClient as Client, DarkroomError } from '@darkroom/client';
import { beforeAll, describe, expect, it } from 'vitest';
import { fetchVariant, fixture } from '../support/images.js';
import { setupHarness } from '../support/setup-harness.js';

const harness = setupHarness();
let client: Client;
let smallJpeg: Uint8Array;

beforeAll(async () => {
  const { apiKey } = await harness.admin.createTenant('client-upload');
  client = new Client({ baseUrl: harness.baseUrl, token: apiKey });
  smallJpeg = new Uint8Array(await readFile(fixture('320x240.jpg')));
});

describe('upload() with a tenant key', () => {
  it('PUTs a small JPEG, completes it and resolves with the ready asset', async () => {
    const progress: string[] = [];
    const asset = await client.upload(new Blob([smallJpeg as Uint8Array<ArrayBuffer>], { type: 'image/jpeg' }), {
      filename: 'small.jpg',
      metadata: { post: 42 },
      onProgress: (p) => progress.push(p.phase === 'uploading' ? `up ${p.loaded}/${p.total}` : `processing ${p.asset.status}`),
    });
    expect(asset.status).toBe('ready');
    expect(asset.metadata).toEqual({ post: 42 });
    expect(asset.variants.length).toBeGreaterThan(0);
    expect((await fetchVariant(asset.variants[0]!.url)).status).toBe(200);
    expect(progress).toContain(`up ${smallJpeg.byteLength}/${smallJpeg.byteLength}`);
    expect(progress.at(-1)).toBe('processing ready');
  });

  it('throws a DarkroomError carrying the contract code and status', async () => {
    const error = await client.upload(smallJpeg, { filename: 'x.txt', contentType: 'text/plain' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DarkroomError);
    expect(error).toMatchObject({ code: 'unsupported_media_type', status: 415 });
    expect((error as DarkroomError).details?.accepted).toContain('image/jpeg');
  });
});
