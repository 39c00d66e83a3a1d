import { randomUUID } from 'node:crypto';
import { quotaPeriod, type TenantQuotas } from '@darkroom/core/contract/usage';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase, type DatabaseHandle } from '../../client.js';
import { createTenant, updateTenant } from '../tenants.js';
import { quotaLimits, readQuotaUse, startQuotaCounters } from './quota-counters.js';
import { recordObjectsWritten } from './ledger.js';
import { ensureUsagePartitions } from './partitions.js';
import { releaseExpiredReservations, releaseUpload, renewUpload, reserveUpload, reserveUploads } from './quotas.js';
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

const inAMinute = () => new Date(Date.now() + 60_000);
const reservation = (tenantId: string, quotas: TenantQuotas, amount: number, expiresAt = inAMinute()) => ({
  tenantId,
  uploadId: randomUUID(),
  amount,
  limits: quotaLimits(quotas),
  expiresAt,
});
const use = async (tenantId: string, quota: 'storedBytes' | 'uploadBytesPerMonth') => (await readQuotaUse(handle.db, tenantId, [quota]))[0]!;

describe('upload reservations', () => {
  it('let exactly as many concurrent starts through as fit', async () => {
    const quotas = { uploadBytesPerMonth: 100 };
    const tenantId = await tenantWith(quotas);
    await recordUsage(handle.db, [{ tenantId, meter: 'upload_bytes', amount: 90, source: `test:${randomUUID()}` }]);
    const results = await Promise.all(Array.from({ length: 30 }, () => reserveUpload(handle.db, reservation(tenantId, quotas, 1))));
    expect(results.filter((r) => r === null)).toHaveLength(10);
    expect(results.find((r) => r !== null)).toEqual({ quota: 'uploadBytesPerMonth', limit: 100, used: 100 });
    expect(await use(tenantId, 'uploadBytesPerMonth')).toMatchObject({ used: 90, reserved: 10 });
  });

  it('reserve a batch first come first fit, on every quota or none, in one statement', async () => {
    const quotas = { storedBytes: 1000, uploadBytesPerMonth: 10 };
    const tenantId = await tenantWith(quotas);
    const batch = [4, 7, 3, 3, 1].map((amount) => reservation(tenantId, quotas, amount));
    expect(await reserveUploads(handle.db, batch)).toEqual([
      null,
      { quota: 'uploadBytesPerMonth', limit: 10, used: 4 },
      null,
      null,
      { quota: 'uploadBytesPerMonth', limit: 10, used: 10 },
    ]);
    expect(await use(tenantId, 'uploadBytesPerMonth')).toMatchObject({ used: 0, reserved: 10 });
    expect(await use(tenantId, 'storedBytes')).toMatchObject({ reserved: 10 });
    const [held] = await handle.db.execute<{ n: string }>(sql`select count(*)::text as n from quota_reservations where tenant_id = ${tenantId}`);
    expect(held?.n).toBe('6');
  });

  it('give back every share when one quota refuses, and on release (once)', async () => {
    const quotas = { storedBytes: 1000, uploadBytesPerMonth: 50 };
    const tenantId = await tenantWith(quotas);
    expect(await reserveUpload(handle.db, reservation(tenantId, quotas, 60))).toEqual({ quota: 'uploadBytesPerMonth', limit: 50, used: 0 });
    expect(await use(tenantId, 'storedBytes')).toMatchObject({ reserved: 0 });

    const r = reservation(tenantId, quotas, 40);
    expect(await reserveUpload(handle.db, r)).toBeNull();
    expect(await use(tenantId, 'storedBytes')).toMatchObject({ reserved: 40 });
    await releaseUpload(handle.db, r.uploadId);
    await releaseUpload(handle.db, r.uploadId);
    expect(await use(tenantId, 'storedBytes')).toMatchObject({ reserved: 0 });
    expect(await use(tenantId, 'uploadBytesPerMonth')).toMatchObject({ reserved: 0 });
  });

  it('expire unrenewed; a renewal holds on, or reserves again if it still fits', async () => {
    const quotas = { storedBytes: 100 };
    const tenantId = await tenantWith(quotas);
    const soon = reservation(tenantId, quotas, 60, new Date(Date.now() + 1_000));
    expect(await reserveUpload(handle.db, soon)).toBeNull();
    // Renewed before it expires: the sweep leaves it.
    expect(await renewUpload(handle.db, { ...soon, expiresAt: inAMinute() })).toBeNull();
    await releaseExpiredReservations(handle.db, { now: new Date(Date.now() + 5_000) });
    expect(await use(tenantId, 'storedBytes')).toMatchObject({ reserved: 60 });

    // Swept once its URLs expired: the quota is free for another upload...
    await releaseExpiredReservations(handle.db, { now: new Date(Date.now() + 120_000) });
    expect(await use(tenantId, 'storedBytes')).toMatchObject({ reserved: 0 });
    const other = reservation(tenantId, quotas, 50);
    expect(await reserveUpload(handle.db, other)).toBeNull();
    // ...and the first one's renewal no longer fits.
    expect(await renewUpload(handle.db, { ...soon, expiresAt: inAMinute() })).toEqual({ quota: 'storedBytes', limit: 100, used: 50 });
    await releaseUpload(handle.db, other.uploadId);
    expect(await renewUpload(handle.db, { ...soon, expiresAt: inAMinute() })).toBeNull();
    expect(await use(tenantId, 'storedBytes')).toMatchObject({ reserved: 60 });
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
    expect(moved).toEqual([{ tenantId: tenant.id, quota: 'storedBytes', period: 'all', used: 800 }]);
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
