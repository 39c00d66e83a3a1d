import { readFile } from 'node:fs/promises';
import type { Asset } from '@darkroom/client';
import { deliveryImagePrefix } from '@darkroom/core/delivery-markup';
import { deliveryAssetPrefix } from '@darkroom/core/keys';
import { assetObjectLocation } from '@darkroom/storage';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getImage, imagePath, startDelivery, type DeliveryServer } from '../support/delivery.js';
import { covered, detail, type Pixels } from '../support/face-detail.js';
import { facePhoto, type FacePhoto } from '../support/face-photos.js';
import { waitFor } from '../support/services.js';
import { facesSearched } from '../support/faces-on.js';
import { setupHarness, setupTenant } from '../support/setup-harness.js';

/**
 * Switching a tenant's `enforceFaceRedaction` on (docs/delivery.md#faces), against the real
 * services: the admin's PATCH queues a `face-redaction` backfill, whose job re-renders the asset's
 * eager variants redacted, deletes its stored `/img/` renders that cover no face, and sends an
 * `asset.updated` with the purge list; the next `/img/` request renders the faces covered. Switched
 * off, the same backfill brings the unredacted variants back.
 */
const harness = setupHarness({ env: facesSearched });
const tenant = setupTenant(harness, 'redaction-backfill');
let delivery: DeliveryServer;
let photo: FacePhoto;

beforeAll(async () => {
  delivery = await startDelivery(harness);
  photo = await facePhoto('group-cafe');
});
afterAll(() => delivery?.close());

async function pixels(body: Buffer): Promise<Pixels> {
  const { data, info } = await sharp(body).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

/** The keys of the asset's stored `/img/` renders, every revision. */
async function storedRenders(asset: Asset): Promise<string[]> {
  const place = assetObjectLocation(harness.api.config.storage, 'public', deliveryAssetPrefix(tenant.tenantId, asset.id));
  const keys: string[] = [];
  for await (const o of harness.api.storage.listObjects({ bucket: place.bucket, prefix: place.key })) keys.push(o.key);
  return keys;
}

const setRedaction = (value: 'blur' | 'pixelate' | null) =>
  harness.admin.request('PATCH', `/v1/admin/tenants/${tenant.tenantId}`, { delivery: { enforceFaceRedaction: value } });

async function redactionBackfills(): Promise<number> {
  const { body } = await harness.admin.request('GET', '/v1/admin/backfills?limit=100');
  return body.items.filter((b) => b.reason === 'face-redaction' && b.tenantId === tenant.tenantId).length;
}

describe('switching enforceFaceRedaction on and off', () => {
  it('re-renders the variants redacted, deletes the stored /img/ renders and sends the purge list', { timeout: 120_000 }, async () => {
    const { asset: started } = await tenant.client.uploadAndComplete(new Uint8Array(await readFile(photo.path)), {
      filename: 'cafe.jpg',
      contentType: 'image/jpeg',
    });
    const before = await tenant.client.waitForAsset(started.id);
    expect(before.status).toBe('ready');
    expect(before.faces?.length).toBeGreaterThan(0);
    const path = imagePath(before.id, before.revision, 'w_640,f_png');
    const plain = await getImage(`${delivery.baseUrl}${path}`, { accept: 'image/png' });
    expect(plain.status).toBe(200);
    await waitFor('the unredacted render stored', async () => (await storedRenders(before)).length > 0);
    const unredacted = await storedRenders(before);

    expect((await setRedaction('blur')).status).toBe(200);
    expect(await redactionBackfills()).toBe(1);

    // The job waits out delivery's lookups of the old policy before it deletes and purges.
    const purged = await waitFor(
      'the asset.updated carrying the purge list',
      async () => (await tenant.client.feed({ assetId: before.id, type: 'asset.updated' })).find((e) => e.data.purge),
      60_000,
      250,
    );
    const purge = purged.data.purge!;
    expect(purge.prefixes).toContain(deliveryImagePrefix(harness.api.config.deliveryBaseUrl, before.id));
    const oldSmall = before.variants.find((v) => v.name === 'small')!.url!;
    expect(purge.urls).toContain(oldSmall);

    const after = await tenant.client.waitForAsset(before.id);
    const newSmall = after.variants.find((v) => v.name === 'small')!.url!;
    expect(newSmall).not.toBe(oldSmall);
    // Gone from the bucket (an anonymous GET of a missing key is 403 or 404, by the server).
    expect([403, 404]).toContain((await fetch(oldSmall)).status);
    for (const key of unredacted) expect(await storedRenders(before)).not.toContain(key);

    // The same URL renders anew, the faces covered.
    delivery.deps.catalog.forget({ tenant: tenant.tenantId });
    const redacted = await getImage(`${delivery.baseUrl}${path}`, { accept: 'image/png' });
    expect(redacted.status).toBe(200);
    expect(redacted.headers.get('etag')).not.toBe(plain.headers.get('etag'));
    const [p, r] = [await pixels(plain.data), await pixels(redacted.data)];
    for (const face of before.faces ?? []) {
      const area = covered(face, p);
      expect(detail(r, area).mean / detail(p, area).mean).toBeLessThan(0.4);
    }

    // The same value again changes nothing: no backfill, no event.
    expect((await setRedaction('blur')).status).toBe(200);
    expect(await redactionBackfills()).toBe(1);
    const purges = async () => (await tenant.client.feed({ assetId: before.id, type: 'asset.updated' })).filter((e) => e.data.purge);
    expect(await purges()).toHaveLength(1);

    // Switched off: the same backfill brings the unredacted variants back, under the URLs they had.
    expect((await setRedaction(null)).status).toBe(200);
    expect(await redactionBackfills()).toBe(2);
    await waitFor('the purge list of the switch off', async () => (await purges()).length === 2, 60_000, 250);
    const off = await tenant.client.waitForAsset(before.id);
    expect(off.variants.find((v) => v.name === 'small')!.url).toBe(oldSmall);
    expect((await fetch(oldSmall)).status).toBe(200);
  });
});
