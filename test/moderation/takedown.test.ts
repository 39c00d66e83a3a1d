import { afterAll, beforeAll, expect, it } from 'vitest';
import { startDelivery, type DeliveryServer } from '../support/delivery.js';
import { readyPhoto } from '../support/moderation.js';
import { setupHarness, setupTenant } from '../support/setup-harness.js';

/**
 * A takedown (`reject` of a ready asset) leaves the public as a public → private change does
 * (docs/api.md#decisions): the delivery server's `/img/` route answers as for no asset from the
 * decision's answer on, its cached lookup of the asset forgotten through Redis.
 */
const harness = setupHarness();
const t = setupTenant(harness, 'moderation-takedown');
let delivery: DeliveryServer;

beforeAll(async () => {
  delivery = await startDelivery(harness);
});
afterAll(() => delivery?.close());

it('answers /img/ for a taken-down asset as for no asset, at once', async () => {
  const asset = await readyPhoto(t.client);
  const url = `${delivery.baseUrl}/img/${asset.id}/1/w_128`;
  // Twice: the second answer comes from the delivery process's cached lookup.
  expect((await fetch(url)).status).toBe(200);
  expect((await fetch(url)).status).toBe(200);
  const res = await t.client.request('POST', `/v1/assets/${asset.id}/moderation`, { decision: 'reject', reason: 'takedown' });
  expect(res.status).toBe(200);
  const after = await fetch(url);
  expect(after.status).toBe(404);
  expect(((await after.json()) as { error: { code: string } }).error.code).toBe('not_found');
});
