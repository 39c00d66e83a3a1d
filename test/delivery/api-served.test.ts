import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApi } from '../support/client.js';
import { getImage, imagePath, startDelivery, type DeliveryServer } from '../support/delivery.js';
import { createTestTenant } from '../support/fixtures.js';
import { fixture } from '../support/images.js';
import { answersWithin, waitFor } from '../support/services.js';
import { setupHarness } from '../support/setup-harness.js';

/**
 * What the API hands out works at the delivery server: `asset.delivery`'s URLs, a key from
 * `POST /v1/delivery-key` (and the one it replaced), and a `PATCH`'s new revision (the old one redirects).
 */
const BASE_URL = 'https://img.example.test';
const harness = setupHarness({ env: { DELIVERY_BASE_URL: BASE_URL } });
let delivery: DeliveryServer;
let mine: TestApi;
let asset: any;

beforeAll(async () => {
  delivery = await startDelivery(harness);
  ({ client: mine } = await createTestTenant(harness, 'served-mine'));
  const { asset: started } = await mine.uploadAndComplete(new Uint8Array(await readFile(fixture('Landscape_1.jpg'))), {
    filename: 'l.jpg',
    contentType: 'image/jpeg',
  });
  asset = await mine.waitForAsset(started.id);
  expect(asset.status).toBe('ready');
});
afterAll(() => delivery?.close());

/** A URL of the markup, at the delivery server under test rather than the public origin it names. */
const served = (url: string) => url.replace(BASE_URL, delivery.baseUrl);

describe('asset.delivery at the delivery server', () => {
  it('serves its src, every srcset width and every source, unsigned (all within the policy)', async () => {
    const src = await getImage(served(asset.delivery.src));
    const srcWidth = Number(/\/w_(\d+),f_jpeg$/.exec(asset.delivery.src)?.[1]);
    expect([src.status, src.headers.get('content-type'), src.meta?.width]).toEqual([200, 'image/jpeg', srcWidth]);
    const candidates = [asset.delivery.srcset, ...asset.delivery.sources.map((s: { srcset: string }) => s.srcset)].flatMap((set: string) =>
      set.split(', ').map((candidate) => candidate.split(' ') as [string, string]),
    );
    expect(candidates.length).toBeGreaterThan(20);
    for (const [url, width] of candidates.filter((_, i) => i % 5 === 0)) {
      const res = await getImage(served(url), { accept: 'image/avif,image/webp,*/*' });
      expect([res.status, res.meta?.width], url).toEqual([200, Number.parseInt(width, 10)]);
    }
  });
});

describe('keys from POST /v1/delivery-key', () => {
  it('sign URLs outside the policy; the replaced key still does, a wrong one does not', async () => {
    const outside = 'w_123,f_webp';
    expect((await getImage(`${delivery.baseUrl}${imagePath(asset.id, 1, outside)}`)).status).toBe(403);
    // A key just made verifies within a second in every delivery process (docs/delivery.md#revocation).
    const signedWith = (key: string) => async () => String((await getImage(`${delivery.baseUrl}${imagePath(asset.id, 1, outside, key)}`)).status);
    const first = (await mine.request('POST', '/v1/delivery-key')).body.key;
    await answersWithin('the first key to sign', signedWith(first), '200', 1_000, Date.now());
    const second = (await mine.request('POST', '/v1/delivery-key')).body.key;
    await answersWithin('the second key to sign', signedWith(second), '200', 1_000, Date.now());
    expect((await getImage(`${delivery.baseUrl}${imagePath(asset.id, 1, outside, first)}`)).status).toBe(200);
    const forged = `dsk_${'A'.repeat(43)}`;
    expect((await getImage(`${delivery.baseUrl}${imagePath(asset.id, 1, outside, forged)}`)).status).toBe(403);
  });
});

describe('a PATCH at the delivery server', () => {
  it('serves the new revision cut from the new crop, and redirects the old one to it', async () => {
    const patched = await mine.request('PATCH', `/v1/assets/${asset.id}`, { crop: { x: 0, y: 0, width: 400, height: 400 } });
    expect(patched.status).toBe(200);
    const base = patched.body.delivery!.base;
    expect(base).toBe(`${BASE_URL}/img/${asset.id}/2`);
    // The crop is 400 wide: the markup stops at 384.
    expect(patched.body.delivery?.srcset.split(', ').at(-1)).toBe(`${base}/w_384 384w`);
    // Within the delivery server's 5 seconds of caching the asset.
    const square = await waitFor(
      'revision 2 at the delivery server',
      async () => {
        const res = await getImage(served(`${base}/w_256`), { accept: 'image/webp' });
        return res.status === 200 ? res : null;
      },
      10_000,
    );
    expect([square.meta?.width, square.meta?.height]).toEqual([256, 256]);
    const old = await getImage(`${delivery.baseUrl}/img/${asset.id}/1/w_256`);
    expect(old.status).toBe(301);
    expect(old.headers.get('location')).toContain(`/img/${asset.id}/2/w_256`);
  });
});
