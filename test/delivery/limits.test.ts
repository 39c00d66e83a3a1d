import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { getImage, imagePath, newDeliveryKey, setDeliverySettings, startDelivery, type DeliveryServer } from '../support/delivery.js';
import { createTestTenant, noisePng, type TestTenant } from '../support/fixtures.js';
import { fixture } from '../support/images.js';
import { setupHarness } from '../support/setup-harness.js';

/** Render budgets (429) and busy render slots (503), each with Retry-After; stored images are served all along. */
const harness = setupHarness();

async function photoOf(tenant: TestTenant): Promise<any> {
  const { asset } = await tenant.client.uploadAndComplete(new Uint8Array(await readFile(fixture('DSCN0010.jpg'))), {
    filename: 'photo.jpg',
    contentType: 'image/jpeg',
  });
  const done = await tenant.client.waitForAsset(asset.id);
  expect(done.status).toBe('ready');
  return done;
}

function expectRetryLater(res: Awaited<ReturnType<typeof getImage>>, status: number, code: string, maxSeconds: number) {
  expect([res.status, res.body?.error?.code, res.headers.get('cache-control')]).toEqual([status, code, 'no-store']);
  const retryAfter = Number(res.headers.get('retry-after'));
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(maxSeconds);
}

/**
 * Five renders against a budget of two a minute: however the wall-clock minute falls across them,
 * one minute holds at least three, so at least one is refused.
 */
async function spendBudget(delivery: DeliveryServer, asset: any, key: string) {
  const answers = [];
  for (const width of [100, 101, 102, 103, 104]) answers.push(await getImage(`${delivery.baseUrl}${imagePath(asset.id, 1, `w_${width}`, key)}`));
  const refused = answers.filter((a) => a.status === 429);
  expect(refused.length).toBeGreaterThanOrEqual(1);
  expect(answers.filter((a) => a.status === 200).length).toBeLessThanOrEqual(4);
  for (const answer of refused) expectRetryLater(answer, 429, 'rate_limited', 60);
  return answers;
}

describe('renders a minute', () => {
  it("refuses renders past the tenant's rendersPerMinute with 429; cache hits never count", async () => {
    const delivery = await startDelivery(harness);
    try {
      const tenant = await createTestTenant(harness, 'delivery-budget');
      const key = newDeliveryKey();
      await setDeliverySettings(harness, tenant.tenantId, { key, policy: { rendersPerMinute: 2 } });
      const asset = await photoOf(tenant);
      const answers = await spendBudget(delivery, asset, key);
      const served = answers.findIndex((a) => a.status === 200);
      // A stored image is still served, as often as asked.
      for (let i = 0; i < 5; i++) {
        const again = await getImage(`${delivery.baseUrl}${imagePath(asset.id, 1, `w_${100 + served}`, key)}`);
        expect(again.status).toBe(200);
      }
    } finally {
      await delivery.close();
    }
  });

  it('takes DELIVERY_RENDERS_PER_MINUTE when the tenant sets none', async () => {
    const delivery = await startDelivery(harness, { DELIVERY_RENDERS_PER_MINUTE: '2' });
    try {
      const tenant = await createTestTenant(harness, 'delivery-budget-default');
      const key = newDeliveryKey();
      await setDeliverySettings(harness, tenant.tenantId, { key });
      await spendBudget(delivery, await photoOf(tenant), key);
    } finally {
      await delivery.close();
    }
  });
});

describe('render slots', () => {
  it('answers 503 with Retry-After when every slot stays busy past DELIVERY_QUEUE_TIMEOUT, and a full line at once', async () => {
    const delivery = await startDelivery(harness, { DELIVERY_RENDER_CONCURRENCY: '1', DELIVERY_QUEUE_TIMEOUT: '1s', DELIVERY_QUEUE_LENGTH: '1' });
    try {
      const tenant = await createTestTenant(harness, 'delivery-slots');
      const asset = await photoOf(tenant);
      const url = (options: string) => `${delivery.baseUrl}${imagePath(asset.id, 1, options)}`;
      expect((await getImage(url('w_256'))).status).toBe(200);

      // Every slot taken (the server's own gate, held as a long render would hold it).
      const release = await delivery.deps.gate.acquire(1);
      try {
        expectRetryLater(await getImage(url('w_128')), 503, 'unavailable', 60);
        // One render may wait; the next finds the line full and is refused at once, before the first gives up.
        const order: string[] = [];
        const note = (name: string) => (res: Awaited<ReturnType<typeof getImage>>) => {
          order.push(name);
          return res;
        };
        const waiting = getImage(url('w_96')).then(note('waited'));
        await new Promise((resolve) => setTimeout(resolve, 50));
        const refused = await getImage(url('w_64')).then(note('refused'));
        expectRetryLater(refused, 503, 'unavailable', 60);
        expectRetryLater(await waiting, 503, 'unavailable', 60);
        expect(order).toEqual(['refused', 'waited']);
        // A stored image needs no slot.
        expect((await getImage(url('w_256'))).status).toBe(200);
      } finally {
        release();
      }
      expect((await getImage(url('w_128'))).status).toBe(200);
      expect((await fetch(`${delivery.baseUrl}/healthz`)).status).toBe(200);
    } finally {
      await delivery.close();
    }
  });
});

describe('render time limit', () => {
  it('answers 503 with Retry-After for a render past DELIVERY_RENDER_TIMEOUT, and keeps answering', async () => {
    const delivery = await startDelivery(harness, { DELIVERY_RENDER_TIMEOUT: '1s' });
    try {
      const tenant = await createTestTenant(harness, 'delivery-render-timeout');
      const key = newDeliveryKey();
      await setDeliverySettings(harness, tenant.tenantId, { key });
      // Noise barely compresses: a full-size AVIF of 6 MP of it takes many seconds to encode.
      const { asset } = await tenant.client.uploadAndComplete(new Uint8Array(await noisePng(2500)), {
        filename: 'noise.png',
        contentType: 'image/png',
      });
      expect((await tenant.client.waitForAsset(asset.id, 120_000)).status).toBe('ready');
      expectRetryLater(await getImage(`${delivery.baseUrl}${imagePath(asset.id, 1, 'f_avif,q_100', key)}`), 503, 'unavailable', 60);
      expect((await fetch(`${delivery.baseUrl}/healthz`)).status).toBe(200);
    } finally {
      await delivery.close();
    }
  });
});
