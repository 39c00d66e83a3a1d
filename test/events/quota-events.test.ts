import { randomUUID } from 'node:crypto';
import { quotaPeriod } from '@darkroom/core/contract/usage';
import { createDatabase, type DatabaseHandle } from '@darkroom/db/client';
import { noteQuotaThresholds, recordUsage } from '@darkroom/db/queries/usage';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestTenant } from '../support/fixtures.js';
import { startReceiver, verifyReceipt, type Receiver } from '../support/receiver.js';
import { setupHarness } from '../support/setup-harness.js';
import { addWebhook, WEBHOOK_TEST_ENV } from '../support/webhooks.js';

/**
 * `tenant.quota.warning` and `tenant.quota.reached` (docs/api.md#quotas): stored in the feed and sent
 * to the webhooks subscribed to them, once per quota per month, even when two processes (two
 * connection pools here) cross a threshold at the same moment.
 */
const harness = setupHarness({ env: WEBHOOK_TEST_ENV });
const pools: DatabaseHandle[] = [];
const receivers: Receiver[] = [];

beforeAll(() => {
  for (let i = 0; i < 2; i++) pools.push(createDatabase({ url: process.env.DATABASE_URL! }));
});
afterAll(async () => {
  for (const r of receivers) await r.stop();
  for (const p of pools) await p.close();
});

/** What one process does as it counts renders: the event and the thresholds it moved, in one transaction. */
const renders = (pool: DatabaseHandle, tenantId: string, n: number) =>
  pool.db.transaction(async (tx) => {
    const moved = await recordUsage(tx, [{ tenantId, meter: 'image_renders', amount: n, source: `test:${randomUUID()}` }]);
    await noteQuotaThresholds(tx, moved);
  });

describe('quota events', () => {
  it('are sent once each per month to the webhooks subscribed, however many processes cross at once', async () => {
    const { client, tenantId } = await createTestTenant(harness, 'quota-events');
    expect((await harness.admin.request('PATCH', `/v1/admin/tenants/${tenantId}`, { quotas: { imageRendersPerMonth: 10 } })).status).toBe(200);
    const hook = await startReceiver();
    const other = await startReceiver();
    receivers.push(hook, other);
    const { secret } = await addWebhook(client, hook.url, { events: ['tenant.quota.warning', 'tenant.quota.reached'] });
    await addWebhook(client, other.url, { events: ['asset.ready'] });

    await renders(pools[0]!, tenantId, 7);
    // Both processes take it past 80 % at once, then both past 100 %, then on.
    await Promise.all([renders(pools[0]!, tenantId, 1), renders(pools[1]!, tenantId, 1)]);
    await Promise.all([renders(pools[0]!, tenantId, 1), renders(pools[1]!, tenantId, 1)]);
    await Promise.all([renders(pools[0]!, tenantId, 5), renders(pools[1]!, tenantId, 5)]);

    await hook.until('both events', (r) => r.length >= 2);
    // Several dispatcher passes (WEBHOOK_SWEEP_INTERVAL 500 ms) later, still those two.
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    // Sent in either order (deliveries run side by side); stored in the order raised.
    const bodies = hook.receipts
      .map((r) => verifyReceipt(secret, r))
      .sort((a, b) => (a.type === 'tenant.quota.warning' ? -1 : b.type === a.type ? 0 : 1));
    expect(bodies.map((b) => b.type)).toEqual(['tenant.quota.warning', 'tenant.quota.reached']);
    const period = quotaPeriod('imageRendersPerMonth');
    for (const body of bodies) expect(body.data).toMatchObject({ quota: 'imageRendersPerMonth', limit: 10, period });
    expect(bodies[0].data.used).toBeGreaterThanOrEqual(8);
    expect(bodies[1].data.used).toBeGreaterThanOrEqual(10);
    expect(other.receipts).toEqual([]);

    // The feed holds them as sent, with no asset and no import.
    const feed = await client.events({ type: 'tenant.quota.warning,tenant.quota.reached' });
    expect(feed.map((e) => ({ type: e.type, data: e.data }))).toEqual(bodies.map((b) => ({ type: b.type, data: b.data })));
    // Past the quota renders are still counted, and the tenant reads how far past.
    expect((await client.request('GET', '/v1/tenant')).body.tenant.used).toEqual({ imageRendersPerMonth: 21 });
  });
});
