import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getImage, imagePath, newDeliveryKey, setDeliverySettings, startDelivery, type DeliveryServer } from '../support/delivery.js';
import { createTestTenant } from '../support/fixtures.js';
import { fixture } from '../support/images.js';
import { setupHarness, setupTenant } from '../support/setup-harness.js';

/** `q_auto` through the real delivery server, bucket and Redis: its header, render-once and budget. Needs `npm run build`. */
const harness = setupHarness();
const tenant = setupTenant(harness, 'delivery-q-auto');
const key = newDeliveryKey();
let photo: any;
let delivery: DeliveryServer;

beforeAll(async () => {
  await setDeliverySettings(harness, tenant.tenantId, { key });
  const { asset } = await tenant.client.uploadAndComplete(new Uint8Array(await readFile(fixture('jolla.jpg'))), {
    filename: 'jolla.jpg',
    contentType: 'image/jpeg',
  });
  photo = await tenant.client.waitForAsset(asset.id, 120_000);
  expect(photo.status).toBe('ready');
  delivery = await startDelivery(harness);
});
afterAll(() => delivery?.close());

const urlOf = (server: DeliveryServer, options: string, assetId: string = photo.id) => `${server.baseUrl}${imagePath(assetId, 1, options, key)}`;

function chosenQuality(answer: Awaited<ReturnType<typeof getImage>>, level: string): number {
  const header = answer.headers.get('darkroom-quality') ?? '';
  const match = new RegExp(`^${level}=(\\d+)$`).exec(header);
  expect(match, header).not.toBeNull();
  return Number(match![1]);
}

describe('q_auto', () => {
  it('answers with the quality it chose, renders once for q_auto and q_auto-good, and says it again from the bucket', async () => {
    const first = await getImage(urlOf(delivery, 'w_640,q_auto,f_webp'));
    expect([first.status, first.meta?.format, first.meta?.width]).toEqual([200, 'webp', 640]);
    const quality = chosenQuality(first, 'good');
    // Readable by a page's script on another origin: the answer allows any origin and exposes the header.
    expect([first.headers.get('access-control-allow-origin'), first.headers.get('access-control-expose-headers')]).toEqual(['*', 'Darkroom-Quality']);
    expect(quality).toBeGreaterThanOrEqual(30);
    expect(quality).toBeLessThanOrEqual(100);
    expect(first.headers.get('access-control-expose-headers')).toContain('Darkroom-Quality');

    const same = await getImage(urlOf(delivery, 'w_640,q_auto-good,f_webp'));
    expect(same.data.equals(first.data)).toBe(true);
    expect(chosenQuality(same, 'good')).toBe(quality);
    const metrics = await (await fetch(`${delivery.baseUrl}/metrics`)).text();
    expect(metrics).toMatch(/^darkroom_delivery_renders_total 1$/m);

    // Another process, its memory empty: the stored object and the quality kept with it.
    const other = await startDelivery(harness);
    try {
      await expect
        .poll(async () => (await getImage(urlOf(other, 'w_640,q_auto,f_webp'))).headers.get('darkroom-quality'), { timeout: 10_000 })
        .toBe(`good=${quality}`);
      const stored = await getImage(urlOf(other, 'w_640,q_auto,f_webp'));
      expect(stored.data.equals(first.data)).toBe(true);
      expect(await (await fetch(`${other.baseUrl}/metrics`)).text()).not.toMatch(/^darkroom_delivery_renders_total [1-9]/m);
    } finally {
      await other.close();
    }
  });

  it('makes eco smaller than best, and says nothing of quality for a fixed q', async () => {
    const eco = await getImage(urlOf(delivery, 'w_640,q_auto-eco,f_jpeg'));
    const best = await getImage(urlOf(delivery, 'w_640,q_auto-best,f_jpeg'));
    expect(chosenQuality(eco, 'eco')).toBeLessThan(chosenQuality(best, 'best'));
    expect(eco.data.length).toBeLessThan(best.data.length);
    const fixed = await getImage(urlOf(delivery, 'w_640,q_75,f_jpeg'));
    expect([fixed.status, fixed.headers.get('darkroom-quality')]).toEqual([200, null]);
  });

  it('chooses the format by Accept, then its quality, with f_auto,q_auto', async () => {
    const url = urlOf(delivery, 'w_480,f_auto,q_auto-best');
    const webp = await getImage(url, { accept: 'image/webp,*/*' });
    expect([webp.status, webp.meta?.format, webp.headers.get('vary')]).toEqual([200, 'webp', 'Accept']);
    const jpeg = await getImage(url, { accept: 'image/*' });
    expect([jpeg.status, jpeg.meta?.format, jpeg.headers.get('vary')]).toEqual([200, 'jpeg', 'Accept']);
    expect(chosenQuality(webp, 'best')).toBeGreaterThan(0);
    expect(chosenQuality(jpeg, 'best')).toBeGreaterThan(0);
  });

  it('refuses a level the grammar does not know', async () => {
    const wrong = await getImage(urlOf(delivery, 'w_640,q_auto-max'));
    expect([wrong.status, wrong.body?.error?.code]).toEqual([400, 'invalid_request']);
  });

  it('counts a first q_auto render against rendersPerMinute as the encodes it made', async () => {
    const budgeted = await setupTenantWithBudget(3);
    // Three renders within one minute: as one each they fit a budget of three; as their encodes they do not.
    const secondsIntoMinute = (Date.now() / 1000) % 60;
    if (secondsIntoMinute > 40) await new Promise((resolve) => setTimeout(resolve, (61 - secondsIntoMinute) * 1000));
    const statuses = [];
    for (const width of [600, 560, 520]) statuses.push((await getImage(urlOf(delivery, `w_${width},q_auto-eco,f_webp`, budgeted.id))).status);
    expect(statuses[0]).toBe(200);
    expect(statuses).toContain(429);
  });
});

/** The same photo under a tenant whose policy allows `perMinute` renders a minute, signed with the same key. */
async function setupTenantWithBudget(perMinute: number): Promise<{ id: string }> {
  const budgeted = await createTestTenant(harness, 'delivery-q-auto-budget');
  await setDeliverySettings(harness, budgeted.tenantId, { key, policy: { rendersPerMinute: perMinute } });
  const { asset } = await budgeted.client.uploadAndComplete(new Uint8Array(await readFile(fixture('jolla.jpg'))), {
    filename: 'jolla.jpg',
    contentType: 'image/jpeg',
  });
  const ready = await budgeted.client.waitForAsset(asset.id, 120_000);
  expect(ready.status).toBe('ready');
  return { id: ready.id };
}
