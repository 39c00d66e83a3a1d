import { readFile } from 'node:fs/promises';
import { deliveryAssetPrefix } from '@darkroom/core/keys';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getImage, imagePath, newDeliveryKey, setDeliverySettings, startDelivery, type DeliveryServer } from '../support/delivery.js';
import { fixture } from '../support/images.js';
import { setupHarness, setupTenant } from '../support/setup-harness.js';

/** The delivery server's renders as `image_renders`: counted once stored, once per render, never when metering is off. */
const harness = setupHarness();
const tenant = setupTenant(harness, 'usage-delivery');
const servers: DeliveryServer[] = [];
let photo: { id: string };
let key: string;

beforeAll(async () => {
  // Signed paths: any width renders, not only the policy's unsigned ones.
  key = newDeliveryKey();
  await setDeliverySettings(harness, tenant.tenantId, { key });
  const { asset } = await tenant.client.uploadAndComplete(new Uint8Array(await readFile(fixture('jolla.jpg'))), {
    filename: 'jolla.jpg',
    contentType: 'image/jpeg',
  });
  photo = await tenant.client.waitForAsset(asset.id, 120_000);
});
afterAll(async () => {
  for (const server of servers) await server.close();
});

async function server(env: Record<string, string> = {}): Promise<DeliveryServer> {
  const started = await startDelivery(harness, env);
  servers.push(started);
  return started;
}

/** Each answered, then every render's PUT (and its metering) settled. */
async function fetchAll(delivery: DeliveryServer, options: string[]): Promise<void> {
  for (const option of options) expect((await getImage(`${delivery.baseUrl}${imagePath(photo.id, 1, option, key)}`)).status).toBe(200);
  await Promise.allSettled([...delivery.deps.background]);
}

async function renderEvents(): Promise<{ meter: string; amount: string; source: string }[]> {
  const rows = await harness.api.db.execute<{ meter: string; amount: string; source: string }>(
    sql`select meter, amount::text as amount, source from usage_events where tenant_id = ${tenant.tenantId} and starts_with(source, 'delivery-render:') order by source`,
  );
  return [...rows];
}

describe('delivery renders', () => {
  it('counts each render stored once, by its object key; a render served again counts nothing', async () => {
    const delivery = await server();
    await fetchAll(delivery, ['w_640,f_webp', 'w_640,f_webp', 'w_320,f_webp']);
    // Another process serves the same render from the bucket: nothing more.
    await fetchAll(await server(), ['w_640,f_webp']);
    const events = await renderEvents();
    expect(events).toHaveLength(2);
    const prefix = `delivery-render:${deliveryAssetPrefix(tenant.tenantId, photo.id)}`;
    for (const e of events) expect(e).toMatchObject({ meter: 'image_renders', amount: '1.000', source: expect.stringContaining(prefix) });
  });

  it('counts nothing with USAGE_METERING=off', async () => {
    const before = await renderEvents();
    await fetchAll(await server({ USAGE_METERING: 'off' }), ['w_200,f_webp', 'w_200,f_png']);
    expect(await renderEvents()).toEqual(before);
  });
});
