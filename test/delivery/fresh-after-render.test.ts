import { readFile } from 'node:fs/promises';
import { createRedisConnection, type DeliveryChange, listenForDeliveryChanges, type RedisConnection } from '@darkroom/queue';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDelivery, imagePath, type DeliveryServer } from '../support/delivery.js';
import { fixture } from '../support/images.js';
import { writePresetsFile } from '../support/presets.js';
import { setupHarness, setupTenant } from '../support/setup-harness.js';
import { waitFor } from '../support/services.js';
import { twoRungClip, uploadVideo } from '../support/video.js';

/**
 * Delivery keeps what it looked up of an asset for a few seconds, its absence too; an asset asked
 * for while still processing is therefore remembered as not there. The worker tells every delivery
 * process when an asset turns playable and when it turns ready, so neither waits out that life:
 * the announcements heard on the deployment's channel, and a render answered as soon as the API
 * says ready.
 */
const harness = setupHarness(async () => {
  const presets = await writePresetsFile({
    chunked: [{ name: 'stream', format: 'hls', width: 1920, height: 1080, quality: 60, segmentSeconds: 2 }],
  });
  // One render slot: the parts run in their line's order (the lowest rung and the audio first), so
  // the lowest rung is whole while the upper one still renders and its interim stream is published.
  return { env: { PRESETS_FILE: presets, VIDEO_CHUNK_SECONDS: '8', RENDER_CONCURRENCY: '1' } };
});
const tenant = setupTenant(harness, 'fresh-after-render');
let delivery: DeliveryServer;
let redis: RedisConnection;
const heard: DeliveryChange[] = [];
let listener: { close(): void };

beforeAll(async () => {
  delivery = await startDelivery(harness);
  redis = createRedisConnection(harness.api.config.redis);
  listener = listenForDeliveryChanges(redis, harness.prefix, (change) => heard.push(change));
});
afterAll(async () => {
  listener?.close();
  redis?.disconnect();
  await delivery?.close();
});

const heardFor = (assetId: string) => heard.filter((c) => 'asset' in c && c.asset === assetId).length;

describe('an asset delivery looked up before it was ready', () => {
  it('is rendered as soon as the API says ready, though its absence was remembered moments before', async () => {
    const bytes = new Uint8Array(await readFile(fixture('320x240.jpg')));
    const { asset, parts } = await tenant.client.upload(bytes, { filename: 'a.jpg', contentType: 'image/jpeg' });
    const url = `${delivery.baseUrl}${imagePath(asset.id, 1, 'w_64')}`;
    // Looked up while the upload is not complete: remembered as not there.
    expect((await fetch(url)).status).toBe(404);

    const completed = await tenant.client.request('POST', `/v1/uploads/${asset.id}/complete`, parts ? { parts } : {});
    expect(completed.status).toBe(202);
    await tenant.client.waitForAsset(asset.id);
    await waitFor('the render to be answered', async () => (await fetch(url)).status === 200, 2_000, 50);
    expect(heardFor(asset.id)).toBe(1);
  });

  it('a long video of two rungs announces both steps: playable (its lowest rung served early) and ready', async () => {
    const { asset } = await uploadVideo(tenant.client, await twoRungClip(24), 'video/mp4', 'chunked');
    const ready = await tenant.client.waitForAsset(asset.id, 240_000);
    expect(ready).toMatchObject({ status: 'ready', playable: true });
    await waitFor('both announcements', async () => heardFor(asset.id) === 2, 5_000, 50);
  }, 300_000);
});
