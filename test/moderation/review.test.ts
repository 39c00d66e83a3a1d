import { readFile } from 'node:fs/promises';
import { assets, jobs } from '@darkroom/db/schema';
import { createRedisConnection, writeScannerState, type RedisConnection } from '@darkroom/queue';
import { and, eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture } from '../support/images.js';
import { holdAsset } from '../support/moderation.js';
import { setupHarness, setupTenant } from '../support/setup-harness.js';

/**
 * The review queue, rescans, the scanners on `/readyz` and a tenant's moderation policy
 * (docs/api.md#review-and-rescans). No worker: assets are given their status directly, and the
 * jobs a rescan queues stay queued for the test to count.
 */
const harness = setupHarness({ withWorker: false });
const t = setupTenant(harness, 'moderation-review');
const other = setupTenant(harness, 'moderation-review-other');
let redis: RedisConnection;

beforeAll(() => {
  redis = createRedisConnection(harness.api.config.redis);
});
afterAll(() => redis?.disconnect());

/** Confirmed assets of the tenant with their `process` job finished, given a status as the worker would leave them. */
async function assetsWithStatus(client: typeof t.client, statuses: ('ready' | 'held' | 'failed')[]): Promise<string[]> {
  const jpeg = new Uint8Array(await readFile(fixture('320x240.jpg')));
  const ids: string[] = [];
  for (const status of statuses) {
    const { asset } = await client.uploadAndComplete(jpeg, { filename: `${status}.jpg`, contentType: 'image/jpeg' });
    await harness.api.db.update(jobs).set({ state: 'completed' }).where(eq(jobs.assetId, asset.id));
    await harness.api.db
      .update(assets)
      .set({ status: status === 'held' ? 'ready' : status })
      .where(eq(assets.id, asset.id));
    if (status === 'held') await holdAsset(harness, asset.id, { findings: [{ check: 'classifier', label: 'explicit', score: 0.9 }] });
    ids.push(asset.id);
  }
  return ids;
}

describe('the review queue', () => {
  it('lists held assets oldest first, of one tenant when asked, a page at a time, to admins only', async () => {
    const held = (await assetsWithStatus(t.client, ['held', 'ready', 'held', 'held'])).filter((_, i) => i !== 1);
    await assetsWithStatus(other.client, ['held']);
    const first = await harness.admin.request('GET', `/v1/admin/moderation?state=held&tenantId=${t.tenantId}&limit=2`);
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(first.body.items.map((row) => row.asset.id)).toEqual(held.slice(0, 2));
    expect(first.body.items[0]).toMatchObject({ tenantId: t.tenantId, asset: { status: 'held', moderation: { state: 'held' } } });
    const rest = await harness.admin.request('GET', `/v1/admin/moderation?tenantId=${t.tenantId}&limit=2&cursor=${first.body.nextCursor}`);
    expect(rest.body).toMatchObject({ items: [{ asset: { id: held[2] } }], nextCursor: null });
    const all = await harness.admin.request('GET', '/v1/admin/moderation?limit=100');
    // Other files' held assets may be there too (one database): these two tenants' are.
    expect(all.body.items.map((row) => row.tenantId)).toEqual(expect.arrayContaining([t.tenantId, other.tenantId]));
    expect((await t.client.raw('GET', '/v1/admin/moderation')).status).toBe(403);
    expect((await harness.admin.raw('GET', '/v1/admin/moderation?state=ready')).status).toBe(400);
  });
});

describe('a rescan', () => {
  it('queues a rescan job on the backfill lane for each ready or held asset made since, and says how many', async () => {
    const since = new Date().toISOString();
    const ids = await assetsWithStatus(t.client, ['ready', 'held', 'failed']);
    const res = await harness.admin.request('POST', '/v1/admin/moderation/rescan', { since, tenantId: t.tenantId });
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    expect(res.body).toEqual({ queued: 2 });
    const queued = await harness.api.db
      .select()
      .from(jobs)
      .where(and(inArray(jobs.assetId, ids), eq(jobs.kind, 'rescan')));
    expect(queued.map((j) => [j.assetId, j.lane, j.state]).sort()).toEqual(
      [
        [ids[0], 'backfill', 'queued'],
        [ids[1], 'backfill', 'queued'],
      ].sort(),
    );
    // Their jobs are still open: a second rescan queues none of them again.
    expect((await harness.admin.request('POST', '/v1/admin/moderation/rescan', { since, tenantId: t.tenantId })).body).toEqual({ queued: 0 });
    expect((await harness.admin.raw('POST', '/v1/admin/moderation/rescan', { since: 'yesterday' })).status).toBe(400);
  });
});

describe('/readyz', () => {
  it('reports the scanner down while a live worker says one of its scanners is', async () => {
    const prefix = harness.api.config.queuePrefix;
    const ready = async () => (await harness.admin.request('GET', '/readyz')).body;
    expect(await ready()).toMatchObject({ status: 'ok', scanner: 'off' });
    await writeScannerState(redis, { prefix, workerId: 'w1', state: { clamd: 'up', classifier: 'off' } });
    expect((await ready()).scanner).toBe('up');
    await writeScannerState(redis, { prefix, workerId: 'w2', state: { clamd: 'down', classifier: 'off' } });
    expect(await ready()).toMatchObject({ status: 'ok', scanner: 'down' });
    await redis.del(`${prefix}:scanner:w1`, `${prefix}:scanner:w2`);
    expect((await ready()).scanner).toBe('off');
  });
});

describe("a tenant's moderation policy", () => {
  it('is set field by field, null putting one (or all) back to the deployment default', async () => {
    const path = `/v1/admin/tenants/${t.tenantId}` as const;
    const set = await harness.admin.request('PATCH', path, { moderation: { classifier: { holdAt: 0.8 }, review: 'all' } });
    expect(set.status, JSON.stringify(set.body)).toBe(200);
    expect(set.body.tenant.moderation).toEqual({ malware: null, blocklist: null, classifier: { holdAt: 0.8 }, review: 'all' });
    await harness.admin.request('PATCH', path, { moderation: { review: null, blocklist: 'hold' } });
    expect((await harness.admin.request('GET', path)).body.tenant.moderation).toEqual({
      malware: null,
      blocklist: 'hold',
      classifier: { holdAt: 0.8 },
      review: null,
    });
    expect((await t.client.request('GET', '/v1/tenant')).body.tenant.moderation.blocklist).toBe('hold');
    await harness.admin.request('PATCH', path, { moderation: null });
    expect((await harness.admin.request('GET', path)).body.tenant.moderation).toEqual({
      malware: null,
      blocklist: null,
      classifier: null,
      review: null,
    });
    expect((await harness.admin.raw('PATCH', path, { moderation: { malware: 'maybe' } })).status).toBe(400);
    expect((await harness.admin.raw('PATCH', path, { moderation: { classifier: { holdAt: 2 } } })).status).toBe(400);
  });
});
