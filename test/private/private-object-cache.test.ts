import { readFile } from 'node:fs/promises';
import type { Asset } from '@darkroom/client';
import { getAsset } from '@darkroom/db/queries/assets';
import { variantPrefix } from '@darkroom/core/keys';
import { MiB } from '@darkroom/core/limits';
import { assetObjectLocation } from '@darkroom/storage';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { moveAssetObjects } from '../../apps/worker/src/visibility-move.js';
import { startDelivery, type DeliveryServer } from '../support/delivery.js';
import { fixture } from '../support/images.js';
import { expectRangesAnswered, privateCacheControl, requestAsSent, type SentAnswer } from '../support/private-urls.js';
import { waitFor } from '../support/services.js';
import { setupHarness, setupTenant } from '../support/setup-harness.js';

/**
 * What a delivery process keeps of private links' objects (docs/delivery.md#private-media): a
 * small object read once is answered from memory, with the headers the bucket's answer had, its
 * ranges, HEAD and a held ETag alike; a large one never; a kept one read again once past its life,
 * and from the asset's new place once its objects moved. The bucket's reads are counted on the
 * in-process server's storage.
 */
const harness = setupHarness();
let delivery: DeliveryServer;
const t = setupTenant(harness, 'private-object-cache');
let jpeg: Uint8Array;
/** A 1 MiB cache keeps objects of up to 128 KiB. */
const HOT_CACHE_MB = 1;
/** Its token's life is longer: every answer's max-age is this, so two answers' headers compare whole. */
const MAX_AGE = 600;

beforeAll(async () => {
  delivery = await startDelivery(harness, { DELIVERY_HOT_CACHE_MB: String(HOT_CACHE_MB), PRIVATE_CACHE_MAX_AGE: String(MAX_AGE) });
  jpeg = new Uint8Array(await readFile(fixture('320x240.jpg')));
});
afterAll(() => delivery?.close());

/** The bucket's reads the delivery server makes, from the moment this is called. */
function bucketReads() {
  const { storage } = delivery.deps;
  const spies = [vi.spyOn(storage, 'openObject'), vi.spyOn(storage, 'headObject'), vi.spyOn(storage, 'getStream')];
  return {
    count: () => spies.reduce((sum, spy) => sum + spy.mock.calls.length, 0),
    /** The buckets and keys of the objects opened. */
    opened: () => spies[0]!.mock.calls.map(([options]) => `${options.bucket}/${options.key}`),
  };
}
beforeEach(() => {
  vi.restoreAllMocks();
});

async function readyAsset(visibility: 'public' | 'private'): Promise<Asset> {
  const { asset: started } = await t.client.uploadAndComplete(jpeg, { filename: 'c.jpg', contentType: 'image/jpeg', visibility });
  const ready = await t.client.waitForAsset(started.id);
  expect(ready.status).toBe('ready');
  return ready;
}

/** The API's URL on this test's delivery server. */
const onServer = (url: string) => url.replace(harness.api.config.deliveryBaseUrl, delivery.baseUrl);
/** An answer's headers but the moment it was sent. */
const headersOf = (answer: SentAnswer) => Object.fromEntries([...answer.headers].filter(([name]) => name !== 'date'));

describe('a private link’s small object', () => {
  it('is read from the bucket once, then answered from memory with the same headers and bytes', async () => {
    const asset = await readyAsset('private');
    // Variants that came out the same share one object, and so one URL.
    for (const url of new Set(asset.variants.map((variant) => onServer(variant.url)))) {
      const reads = bucketReads();
      const first = await requestAsSent(url);
      expect([first.status, reads.count()], url).toEqual([200, 1]);
      const second = await requestAsSent(url);
      expect([second.status, reads.count()], url).toEqual([200, 1]);
      expect(second.body.equals(first.body)).toBe(true);
      expect(headersOf(second)).toEqual(headersOf(first));
      expect(first.headers.get('last-modified')).toMatch(/GMT$/);
      expect(first.headers.get('cache-control')).toBe(privateCacheControl(MAX_AGE));
      vi.restoreAllMocks();
    }
  });

  it('answers its ranges, HEAD and a held ETag from memory, as the bucket would', async () => {
    const asset = await readyAsset('private');
    const url = onServer(asset.variants[0]!.url);
    const fromBucket = await requestAsSent(url, { range: 'bytes=0-9' });
    expect(fromBucket.status).toBe(206);
    // A range read from the bucket keeps nothing: the whole answer below reads it.
    const reads = bucketReads();
    await requestAsSent(url);
    expect(reads.count()).toBe(1);
    const whole = await expectRangesAnswered(url);
    const etag = whole.headers.get('etag')!;
    for (const validator of [etag, `W/${etag}`, `"another", ${etag}`, '*']) {
      const held = await requestAsSent(url, { 'if-none-match': validator });
      expect([held.status, held.body.length, held.headers.get('etag')], validator).toEqual([304, 0, etag]);
    }
    expect((await requestAsSent(url, { 'if-none-match': '"another"' })).status).toBe(200);
    expect(reads.count()).toBe(1);
    expect(headersOf(fromBucket)).toEqual(headersOf(await requestAsSent(url, { range: 'bytes=0-9' })));
  });

  it('is read again once it has been kept past its life', async () => {
    const asset = await readyAsset('private');
    const url = onServer(asset.variants[0]!.url);
    const reads = bucketReads();
    await requestAsSent(url);
    await requestAsSent(url);
    expect(reads.count()).toBe(1);
    const realNow = Date.now;
    vi.spyOn(Date, 'now').mockImplementation(() => realNow.call(Date) + 61_000);
    expect((await requestAsSent(url)).status).toBe(200);
    expect((await requestAsSent(url)).status).toBe(200);
    expect(reads.count()).toBe(2);
  });
});

describe('what a private link never keeps', () => {
  it('an object larger than an eighth of DELIVERY_HOT_CACHE_MB: each request reads the bucket', async () => {
    const asset = await readyAsset('private');
    const key = `${variantPrefix(t.tenantId, asset.id)}large/over-limit.bin`;
    const location = assetObjectLocation(harness.api.config.storage, 'private', key);
    const bytes = Buffer.alloc((HOT_CACHE_MB * MiB) / 8 + 1, 7);
    await harness.api.storage.putObject({ ...location, body: bytes, contentType: 'application/octet-stream' });
    try {
      const url = `${onServer(asset.variants[0]!.url).split(`/${asset.id}/`)[0]}/${asset.id}/large/over-limit.bin`;
      const reads = bucketReads();
      for (let i = 0; i < 3; i++) {
        const res = await requestAsSent(url);
        expect([res.status, res.body.equals(bytes)]).toEqual([200, true]);
      }
      expect(reads.count()).toBe(3);
    } finally {
      await harness.api.storage.deleteObject(location);
    }
  });

  it('a place the asset’s objects moved from: they are read from their new place', async () => {
    const asset = await readyAsset('private');
    const url = onServer(asset.variants[0]!.url);
    const kept = await requestAsSent(url);
    expect(kept.status).toBe(200);
    const patched = await t.client.raw('PATCH', `/v1/assets/${asset.id}`, { visibility: 'public' });
    expect(patched.status).toBe(200);
    const row = (await getAsset(harness.api.db, { id: asset.id }))!;
    expect(await moveAssetObjects(harness.workerDeps, row)).toBe('moved');
    const key = `${variantPrefix(t.tenantId, asset.id)}${asset.variants[0]!.url.split(`/${asset.id}/`)[1]}`;
    const moved = assetObjectLocation(harness.api.config.storage, 'public', key);
    const reads = bucketReads();
    // The process learns of the change through Redis at once, else within its lookups' 5 s.
    await waitFor(
      'the object to be read from its new place',
      async () => {
        const res = await requestAsSent(url);
        return res.status === 200 && res.body.equals(kept.body) && reads.opened().includes(`${moved.bucket}/${moved.key}`);
      },
      10_000,
      100,
    );
  });

  it('a deleted asset’s object: 404 before anything kept is looked at, with no bucket read', async () => {
    const asset = await readyAsset('private');
    const url = onServer(asset.variants[0]!.url);
    await requestAsSent(url);
    expect((await t.client.raw('DELETE', `/v1/assets/${asset.id}`)).status).toBe(204);
    await waitFor('the asset to be gone', async () => (await requestAsSent(url)).status === 404, 10_000, 100);
    const reads = bucketReads();
    const gone = await requestAsSent(url);
    expect([gone.status, gone.headers.get('cache-control'), reads.count()]).toEqual([404, 'no-store', 0]);
  });
});
