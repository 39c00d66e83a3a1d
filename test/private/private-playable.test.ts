import { readFile } from 'node:fs/promises';
import { INTERIM_PLAYLIST_CACHE_CONTROL, variantPrefix } from '@darkroom/core/keys';
import { assets } from '@darkroom/db/schema';
import { assetObjectLocation } from '@darkroom/storage';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDelivery, type DeliveryServer } from '../support/delivery.js';
import { privateCacheControl, requestAsSent } from '../support/private-urls.js';
import { clip } from '../support/video.js';
import { setupHarness, setupTenant } from '../support/setup-harness.js';

/**
 * A private video still processing but playable (a long video's lowest rung published): its stream
 * through `/p/` like a ready one's, the interim master playlist never kept past its own max-age
 * (neither by a cache nor in the delivery process's memory); one not yet playable is not found.
 * The interim state is set on a ready asset (its row back to processing, its master replaced as a
 * chunked render publishes it), so the test does not race a render.
 */
const harness = setupHarness();
let delivery: DeliveryServer;
const t = setupTenant(harness, 'private-playable');

beforeAll(async () => {
  delivery = await startDelivery(harness, { PRIVATE_CACHE_MAX_AGE: '600' });
});
afterAll(() => delivery?.close());

const onServer = (url: string) => url.replace(harness.api.config.deliveryBaseUrl, delivery.baseUrl);

/** A ready private video put back to `processing`, playable or not, before delivery ever looked it up. */
async function processingVideo(playable: boolean) {
  const bytes = new Uint8Array(await readFile(await clip('basic.mp4')));
  const { asset } = await t.client.uploadAndComplete(bytes, { filename: 'long.mp4', contentType: 'video/mp4', visibility: 'private' });
  const ready = await t.client.waitForAsset(asset.id, 120_000);
  expect(ready).toMatchObject({ status: 'ready', playable: true, visibility: 'private' });
  await harness.api.db.update(assets).set({ status: 'processing', playable }).where(eq(assets.id, asset.id));
  return ready;
}

describe('a private playable video still processing', () => {
  it('serves its stream under /p/, the interim master at most its max-age (GET and HEAD) and never from memory', async () => {
    const ready = await processingVideo(true);
    const shown = (await t.client.request('GET', `/v1/assets/${ready.id}`)).body;
    expect(shown).toMatchObject({ status: 'processing', playable: true });
    expect(shown.variants.map((v: any) => v.name)).toEqual(['stream']);
    const url = onServer(shown.variants[0]!.url);
    expect(url).toContain('/p/');
    const key = `${variantPrefix(t.tenantId, ready.id)}${url.split(`/${ready.id}/`)[1]}`;
    const place = assetObjectLocation(harness.api.config.storage, 'private', key);
    const putMaster = (text: string) =>
      harness.api.storage.putObject({
        ...place,
        body: Buffer.from(text),
        contentType: 'application/vnd.apple.mpegurl',
        cacheControl: INTERIM_PLAYLIST_CACHE_CONTROL,
      });

    await putMaster('#EXTM3U\n# one rung\n');
    const first = await requestAsSent(url);
    expect([first.status, first.headers.get('cache-control'), first.body.toString()]).toEqual([
      200,
      privateCacheControl(10),
      '#EXTM3U\n# one rung\n',
    ]);
    const head = await requestAsSent(url, {}, 'HEAD');
    expect([head.status, head.headers.get('cache-control')]).toEqual([200, privateCacheControl(10)]);
    await putMaster('#EXTM3U\n# two rungs\n');
    const second = await requestAsSent(url);
    expect(second.body.toString()).toBe('#EXTM3U\n# two rungs\n');
  });

  it('one not yet playable is not found under /p/', async () => {
    const ready = await processingVideo(false);
    const stream = ready.variants.find((v: any) => v.name === 'stream')!;
    expect((await requestAsSent(onServer(stream.url))).status).toBe(404);
  });
});
