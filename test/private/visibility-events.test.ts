import { readFile } from 'node:fs/promises';
import type { Asset } from '@darkroom/client';
import { claimVisibilityMove, finishAssetVisibilityMove } from '@darkroom/db/queries/visibility';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestTenant } from '../support/fixtures.js';
import { fixture } from '../support/images.js';
import { currentDeliveryKey, expectPrivateUrls } from '../support/private-urls.js';
import { startReceiver, verifyReceipt, type Receiver } from '../support/receiver.js';
import { openSse } from '../support/sse.js';
import { addWebhook, WEBHOOK_TEST_ENV } from '../support/webhooks.js';
import { setupHarness } from '../support/setup-harness.js';

/**
 * A private asset's events (the feed, live streams, webhooks from the worker) carry private URLs
 * signed with the tenant's key, and the `asset.updated` that ends a move to private carries `purge`.
 * The worker's move itself is simulated here by its queries (a claim, then `finishAssetVisibilityMove`).
 */
const harness = setupHarness({ env: WEBHOOK_TEST_ENV });
let jpeg: Uint8Array;
let hook: Receiver;

beforeAll(async () => {
  jpeg = new Uint8Array(await readFile(fixture('320x240.jpg')));
  hook = await startReceiver();
});
afterAll(() => hook?.stop());

const photo = { filename: 'p.jpg', contentType: 'image/jpeg' };
const payloadsOf = (secret: string, assetId: string, type: string) =>
  hook.receipts.map((r) => verifyReceipt(secret, r)).filter((p) => p.type === type && p.data.asset.id === assetId);

describe('a private asset’s events', () => {
  it('carry private URLs in webhooks, and the end of a move to private carries its purge list everywhere', async () => {
    const t = await createTestTenant(harness, 'visibility-events');
    const { secret } = await addWebhook(t.client, hook.url);
    const { asset } = await t.client.uploadAndComplete(jpeg, { ...photo, visibility: 'private' });
    await t.client.waitForAsset(asset.id);
    const key = await currentDeliveryKey(harness, t.tenantId);
    const base = harness.api.config.deliveryBaseUrl;
    await hook.until('the private asset’s ready event', () => payloadsOf(secret, asset.id, 'asset.ready').length === 1);
    expectPrivateUrls(payloadsOf(secret, asset.id, 'asset.ready')[0].data.asset as Asset, key, base);

    // A public asset turned private, followed live; the worker's move ends it with asset.updated.
    const { asset: turned } = await t.client.uploadAndComplete(jpeg, photo);
    await t.client.waitForAsset(turned.id);
    const stream = await openSse(harness.baseUrl, `/v1/assets/${turned.id}/events`, t.client.token!);
    try {
      await stream.waitForEvents(1);
      expect((await t.client.request('PATCH', `/v1/assets/${turned.id}`, { visibility: 'private' })).status).toBe(200);
      const purge = { urls: ['https://cdn.example/variants/x/r1/a.webp'], prefixes: [`${base}/img/${turned.id}/`] };
      const claimed = await claimVisibilityMove(harness.api.db, { assetId: turned.id, claimMs: 60_000, waitMs: 1000 });
      if (claimed.outcome !== 'claimed') throw new Error(`the move was not claimed: ${claimed.outcome}`);
      expect(await finishAssetVisibilityMove(harness.api.db, { move: claimed.move, purge })).toBe(true);

      const [live] = await stream.waitForEvents(1, (e) => e.event === 'asset.updated');
      expect(live!.data.data.purge).toEqual(purge);
      expectPrivateUrls(live!.data.data.asset, key, base);
      const [fed] = await t.client.feed({ assetId: turned.id, type: 'asset.updated' });
      expect(fed!.data.purge).toEqual(purge);
      expectPrivateUrls(fed!.data.asset, key, base);
      await hook.until('the update’s webhook', () => payloadsOf(secret, turned.id, 'asset.updated').length === 1);
      const sent = payloadsOf(secret, turned.id, 'asset.updated')[0];
      expect(sent.data.purge).toEqual(purge);
      expectPrivateUrls(sent.data.asset as Asset, key, base);
    } finally {
      stream.close();
    }
  });
});
