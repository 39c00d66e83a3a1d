import { randomUUID } from 'node:crypto';
import { quotaPeriod, type TenantQuotas } from '@darkroom/core/contract/usage';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase, type DatabaseHandle } from '../../client.js';
import { insertUpload } from '../assets.js';
import { createTenant, updateTenant } from '../tenants.js';
import { quotaLimits, readQuotaUse, startQuotaCounters } from './quota-counters.js';
import { recordObjectsWritten } from './ledger.js';
import { ensureUsagePartitions } from './partitions.js';
import { expireQuotaHolds, giveBackToHold, releaseUpload, renewUpload, takeQuotaHold, type HoldRequest } from './quota-holds.js';
import { recordUsage } from './record.js';
import { noteQuotaThresholds } from './thresholds.js';

let handle: DatabaseHandle;
beforeAll(() => {
  handle = createDatabase({ url: process.env.DATABASE_URL! });
});
afterAll(() => handle?.close());

async function tenantWith(quotas: TenantQuotas) {
  const tenant = await createTenant(handle.db, { name: 'quotas' });
  await updateTenant(handle.db, { id: tenant.id, changes: { quotas } });
  await startQuotaCounters(
    handle.db,
    tenant.id,
    quotaLimits(quotas).map((q) => q.quota),
  );
  return tenant.id;
}

const use = async (tenantId: string, quota: 'storedBytes' | 'uploadBytesPerMonth') => (await readQuotaUse(handle.db, tenantId, [quota]))[0]!;

const inAMinute = () => new Date(Date.now() + 60_000);
const hold = (tenantId: string, quotas: TenantQuotas, sizes: number[], more: Partial<HoldRequest> = {}): HoldRequest => ({
  tenantId,
  holdId: randomUUID(),
  limits: quotaLimits(quotas),
  sizes,
  extra: 0,
  expiresAt: inAMinute(),
  ...more,
});
const holdAmounts = async (holdId: string) =>
  [...(await handle.db.execute<{ amount: string }>(sql`select amount::text from quota_holds where id = ${holdId}::uuid order by quota`))].map((r) =>
    Number(r.amount),
  );

/** An upload's row served from a hold, as `POST /v1/uploads` writes it. */
async function uploadFrom(tenantId: string, holdId: string, size: number) {
  const id = randomUUID();
  await insertUpload(handle.db, {
    id,
    tenantId,
    kind: 'image',
    filename: 'q.jpg',
    contentType: 'image/jpeg',
    size,
    preset: 'default',
    originalKey: `originals/${tenantId}/${id}`,
    uploadExpiresAt: inAMinute(),
    visibility: 'public',
    quotaHoldId: holdId,
  });
  return id;
}

describe('quota holds', () => {
  it('let exactly as many concurrent starts through as fit', async () => {
    const quotas = { uploadBytesPerMonth: 100 };
    const tenantId = await tenantWith(quotas);
    await recordUsage(handle.db, [{ tenantId, meter: 'upload_bytes', amount: 90, source: `test:${randomUUID()}` }]);
    const grants = await Promise.all(Array.from({ length: 30 }, () => takeQuotaHold(handle.db, hold(tenantId, quotas, [1]))));
    expect(grants.filter((g) => g.refusals[0] === null)).toHaveLength(10);
    expect(grants.find((g) => g.refusals[0] !== null)?.refusals[0]).toEqual({ quota: 'uploadBytesPerMonth', limit: 100, used: 100 });
    expect(await use(tenantId, 'uploadBytesPerMonth')).toMatchObject({ used: 90, reserved: 10 });
  });

  it('fit waiting starts first come first fit, on every quota or none, in one hold', async () => {
    const quotas = { storedBytes: 1000, uploadBytesPerMonth: 10 };
    const tenantId = await tenantWith(quotas);
    const request = hold(tenantId, quotas, [4, 7, 3, 3, 1]);
    const grant = await takeQuotaHold(handle.db, request);
    const refused = { quota: 'uploadBytesPerMonth', limit: 10, used: 10 };
    expect(grant).toEqual({ granted: 10, credit: 0, refusals: [null, refused, null, null, refused] });
    expect(await use(tenantId, 'uploadBytesPerMonth')).toMatchObject({ used: 0, reserved: 10 });
    expect(await use(tenantId, 'storedBytes')).toMatchObject({ reserved: 10 });
    expect(await holdAmounts(request.holdId)).toEqual([10, 10]);
  });

  it('refuse on every quota when one refuses', async () => {
    const quotas = { storedBytes: 1000, uploadBytesPerMonth: 50 };
    const tenantId = await tenantWith(quotas);
    const grant = await takeQuotaHold(handle.db, hold(tenantId, quotas, [60]));
    expect(grant.refusals).toEqual([{ quota: 'uploadBytesPerMonth', limit: 50, used: 0 }]);
    expect(await use(tenantId, 'storedBytes')).toMatchObject({ reserved: 0 });
  });

  it('take credit up to a share of the room past the starts, and fold what is left of it into the next hold', async () => {
    const quotas = { storedBytes: 1000 };
    const tenantId = await tenantWith(quotas);
    const first = hold(tenantId, quotas, [10, 10], { extra: 500 });
    // 20 for the starts, and of the 500 asked, 1 % of the 980 left past them.
    expect(await takeQuotaHold(handle.db, first)).toEqual({ granted: 29, credit: 9, refusals: [null, null] });
    const second = hold(tenantId, quotas, [5], { returned: { holdId: first.holdId, amount: 9 } });
    expect(await takeQuotaHold(handle.db, second)).toEqual({ granted: 5, credit: 0, refusals: [null] });
    expect(await use(tenantId, 'storedBytes')).toMatchObject({ reserved: 25 });
    expect(await holdAmounts(first.holdId)).toEqual([20]);
    await giveBackToHold(handle.db, second.holdId, 5);
    expect(await use(tenantId, 'storedBytes')).toMatchObject({ reserved: 20 });
  });

  it('are given back by an upload once, and what is left by expiry', async () => {
    const quotas = { storedBytes: 1000, uploadBytesPerMonth: 50 };
    const tenantId = await tenantWith(quotas);
    const request = hold(tenantId, quotas, [20, 20]);
    await takeQuotaHold(handle.db, request);
    const upload = await uploadFrom(tenantId, request.holdId, 20);
    await releaseUpload(handle.db, upload);
    await releaseUpload(handle.db, upload);
    expect(await use(tenantId, 'storedBytes')).toMatchObject({ reserved: 20 });
    expect(await use(tenantId, 'uploadBytesPerMonth')).toMatchObject({ reserved: 20 });
    // The other start's row was never written (a killed process): the hold's expiry gives it back.
    expect(await expireQuotaHolds(handle.db, { now: new Date(Date.now() + 5_000) })).toBe(0);
    expect(await expireQuotaHolds(handle.db, { now: new Date(Date.now() + 120_000) })).toBeGreaterThanOrEqual(2);
    expect(await use(tenantId, 'storedBytes')).toMatchObject({ reserved: 0 });
    expect(await use(tenantId, 'uploadBytesPerMonth')).toMatchObject({ reserved: 0 });
  });

  it('renewed, move an upload onto its own hold; lapsed, reserve again if it still fits', async () => {
    const quotas = { storedBytes: 100 };
    const tenantId = await tenantWith(quotas);
    const request = hold(tenantId, quotas, [60], { expiresAt: new Date(Date.now() + 1_000) });
    await takeQuotaHold(handle.db, request);
    const first = await uploadFrom(tenantId, request.holdId, 60);
    const renewal = { tenantId, uploadId: first, amount: 60, limits: quotaLimits(quotas), expiresAt: inAMinute() };
    // Renewed before it expires: its share leaves the shared hold for its own, which the sweep leaves.
    expect(await renewUpload(handle.db, renewal)).toBeNull();
    expect(await holdAmounts(request.holdId)).toEqual([0]);
    expect(await holdAmounts(first)).toEqual([60]);
    await expireQuotaHolds(handle.db, { now: new Date(Date.now() + 5_000) });
    expect(await use(tenantId, 'storedBytes')).toMatchObject({ reserved: 60 });
    expect(await renewUpload(handle.db, renewal)).toBeNull();
    expect(await holdAmounts(first)).toEqual([60]);

    // Swept once its URLs expired: the quota is free for another upload...
    await expireQuotaHolds(handle.db, { now: new Date(Date.now() + 120_000) });
    expect(await use(tenantId, 'storedBytes')).toMatchObject({ reserved: 0 });
    const other = hold(tenantId, quotas, [50]);
    await takeQuotaHold(handle.db, other);
    const second = await uploadFrom(tenantId, other.holdId, 50);
    // ...and the first one's renewal no longer fits.
    expect(await renewUpload(handle.db, renewal)).toEqual({ quota: 'storedBytes', limit: 100, used: 50 });
    expect(await use(tenantId, 'storedBytes')).toMatchObject({ reserved: 50 });
    await releaseUpload(handle.db, second);
    expect(await renewUpload(handle.db, renewal)).toBeNull();
    expect(await use(tenantId, 'storedBytes')).toMatchObject({ reserved: 60 });
    await releaseUpload(handle.db, first);
    expect(await use(tenantId, 'storedBytes')).toMatchObject({ reserved: 0 });
  });
});

describe('quota counters', () => {
  it('start from the ledger and the month so far when a quota is set', async () => {
    const tenant = await createTenant(handle.db, { name: 'quotas-late' });
    await recordObjectsWritten(handle.db, [{ bucket: 'b', key: `originals/${tenant.id}/${randomUUID()}`, bytes: 700 }]);
    // The month so far: a day the rollup wrote (its events claimed), and an event it has not rolled yet.
    await ensureUsagePartitions(handle.db, [new Date()]);
    const rolled = `test:${randomUUID()}`;
    await recordUsage(handle.db, [{ tenantId: tenant.id, meter: 'upload_bytes', amount: 200, source: rolled }]);
    await handle.db.execute(sql`update usage_events set rolled_at = now() where source = ${rolled}`);
    const today = new Date().toISOString().slice(0, 10);
    await handle.db.execute(
      sql`insert into usage_daily (tenant_id, day, meter, value) values (${tenant.id}::uuid, ${today}::date, 'upload_bytes', 200)`,
    );
    await recordUsage(handle.db, [{ tenantId: tenant.id, meter: 'upload_bytes', amount: 500, source: `test:${randomUUID()}` }]);
    const quotas = { storedBytes: 1000, uploadBytesPerMonth: 1000 };
    await updateTenant(handle.db, { id: tenant.id, changes: { quotas } });
    await startQuotaCounters(handle.db, tenant.id, ['storedBytes', 'uploadBytesPerMonth']);
    expect(await use(tenant.id, 'storedBytes')).toMatchObject({ used: 700, period: 'all' });
    expect(await use(tenant.id, 'uploadBytesPerMonth')).toMatchObject({ used: 700, period: quotaPeriod('uploadBytesPerMonth') });

    // From then on the ledger and the meters move them, and answer what they moved.
    const moved = await recordObjectsWritten(handle.db, [{ bucket: 'b', key: `variants/${tenant.id}/${randomUUID()}`, bytes: 100 }]);
    expect(moved).toEqual([{ tenantId: tenant.id, quota: 'storedBytes', period: 'all', used: 800, limit: 1000 }]);
  });
});

describe('noteQuotaThresholds', () => {
  const eventsOf = async (tenantId: string) => [
    ...(await handle.db.execute<{ type: string; data: unknown }>(sql`select type, data from events where tenant_id = ${tenantId}::uuid order by id`)),
  ];

  it('raises the warning and then the reached event once per month, however many cross at once', async () => {
    const tenantId = await tenantWith({ imageRendersPerMonth: 10 });
    const render = () => recordUsage(handle.db, [{ tenantId, meter: 'image_renders', amount: 1, source: `test:${randomUUID()}` }]);
    for (let i = 0; i < 7; i++) await noteQuotaThresholds(handle.db, await render());
    expect(await eventsOf(tenantId)).toEqual([]);

    // Two processes at 80 % at once, each in its own transaction.
    const at8 = await render();
    await Promise.all([handle.db.transaction((tx) => noteQuotaThresholds(tx, at8)), handle.db.transaction((tx) => noteQuotaThresholds(tx, at8))]);
    const period = quotaPeriod('imageRendersPerMonth');
    expect(await eventsOf(tenantId)).toEqual([{ type: 'tenant.quota.warning', data: { quota: 'imageRendersPerMonth', limit: 10, used: 8, period } }]);

    for (let i = 0; i < 4; i++) await Promise.all([noteQuotaThresholds(handle.db, await render()), noteQuotaThresholds(handle.db, await render())]);
    const events = await eventsOf(tenantId);
    expect(events.map((e) => e.type)).toEqual(['tenant.quota.warning', 'tenant.quota.reached']);
    expect(events[1]!.data).toMatchObject({ quota: 'imageRendersPerMonth', limit: 10, period });
  });

  it('raises storedBytes from what the ledger moved, once a month', async () => {
    const tenantId = await tenantWith({ storedBytes: 1000 });
    const write = (bytes: number) => recordObjectsWritten(handle.db, [{ bucket: 'b', key: `originals/${tenantId}/${randomUUID()}`, bytes }]);
    expect(await noteQuotaThresholds(handle.db, await write(700))).toBe(0);
    expect(await noteQuotaThresholds(handle.db, await write(400))).toBe(2);
    expect(await noteQuotaThresholds(handle.db, await write(1))).toBe(0);
    const period = new Date().toISOString().slice(0, 7);
    expect(await eventsOf(tenantId)).toEqual([
      { type: 'tenant.quota.warning', data: { quota: 'storedBytes', limit: 1000, used: 1100, period } },
      { type: 'tenant.quota.reached', data: { quota: 'storedBytes', limit: 1000, used: 1100, period } },
    ]);
  });

  it('raises nothing for a tenant without the quota', async () => {
    const tenantId = await tenantWith({});
    const moved = await recordUsage(handle.db, [{ tenantId, meter: 'image_renders', amount: 100, source: `test:${randomUUID()}` }]);
    expect(moved).toEqual([]);
    expect(await noteQuotaThresholds(handle.db, moved)).toBe(0);
  });
});
