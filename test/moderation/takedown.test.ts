import { afterAll, beforeAll, expect, it } from 'vitest';
import { quarantinePass } from '../../apps/worker/src/sweeps/quarantine.js';
import { startDelivery, type DeliveryServer } from '../support/delivery.js';
import { readyPhoto } from '../support/moderation.js';
import { setupHarness, setupTenant } from '../support/setup-harness.js';

/**
 * A takedown (`reject` of a ready asset) leaves the public as a public → private change does
 * (docs/api.md#decisions): the delivery server's `/img/` route answers as for no asset from the
 * decision's answer on, its cached lookup of the asset forgotten through Redis; its objects leave
 * the public bucket at the quarantine pass, with an `asset.updated` that carries the purge list.
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

  // The quarantine pass: its objects leave the public bucket, and asset.updated says what a CDN should purge.
  expect(await harness.countVariantObjects(t.tenantId, asset.id)).toBeGreaterThan(0);
  await quarantinePass(harness.workerDeps, { tenantId: t.tenantId });
  expect(await harness.countVariantObjects(t.tenantId, asset.id)).toBe(0);
  const updated = (await t.client.feed({ assetId: asset.id, type: 'asset.updated' })).at(-1);
  expect(updated?.data.asset.status).toBe('rejected');
  expect(updated?.data.purge?.urls).toEqual(expect.arrayContaining(asset.variants.map((v) => v.url)));
  expect(updated?.data.purge?.prefixes.length).toBeGreaterThan(0);
});
