import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase, type DatabaseHandle } from '../../client.js';
import { recordObjectsDeleted, recordObjectsWritten } from './ledger.js';
import { ensureUsagePartitions, partitionName } from './partitions.js';
import { recordUsage } from './record.js';

let handle: DatabaseHandle;
beforeAll(() => {
  handle = createDatabase({ url: process.env.DATABASE_URL! });
});
afterAll(() => handle?.close());

async function newTenant(quotas: Record<string, number | null> = {}): Promise<string> {
  const id = randomUUID();
  await handle.db.execute(sql`insert into tenants (id, name, quotas) values (${id}, 'usage test', ${JSON.stringify(quotas)}::jsonb)`);
  return id;
}

async function eventsOf(tenantId: string): Promise<Array<{ meter: string; amount: number }>> {
  const rows = await handle.db.execute<{ meter: string; amount: string }>(
    sql`select meter, amount from usage_events where tenant_id = ${tenantId} order by id`,
  );
  return [...rows].map((r) => ({ meter: r.meter, amount: Number(r.amount) }));
}

async function countersOf(tenantId: string): Promise<Record<string, number>> {
  const rows = await handle.db.execute<{ quota: string; period: string; used: string }>(
    sql`select quota, period, used from quota_counters where tenant_id = ${tenantId}`,
  );
  return Object.fromEntries([...rows].map((r) => [`${r.quota}@${r.period}`, Number(r.used)]));
}

describe('recordUsage', () => {
  it('counts an event recorded twice under one source once', async () => {
    const tenantId = await newTenant();
    const source = `upload:${randomUUID()}`;
    const events = [
      { tenantId, meter: 'uploads' as const, amount: 1, source },
      { tenantId, meter: 'upload_bytes' as const, amount: 1234, source },
    ];
    await recordUsage(handle.db, events);
    await recordUsage(handle.db, events);
    expect(await eventsOf(tenantId)).toEqual([
      { meter: 'uploads', amount: 1 },
      { meter: 'upload_bytes', amount: 1234 },
    ]);
  });

  it('moves the month counter of a quota the tenant set, and only that one', async () => {
    const tenantId = await newTenant({ uploadBytesPerMonth: 10_000, imageRendersPerMonth: null });
    const at = new Date('2026-11-15T10:00:00Z');
    const moved = await recordUsage(handle.db, [
      { tenantId, meter: 'upload_bytes', amount: 600, source: `a:${randomUUID()}`, at },
      { tenantId, meter: 'upload_bytes', amount: 400, source: `b:${randomUUID()}`, at: new Date('2026-12-01T00:00:00Z') },
      { tenantId, meter: 'image_renders', amount: 3, source: `c:${randomUUID()}`, at },
    ]);
    expect(moved.sort((x, y) => x.period.localeCompare(y.period))).toEqual([
      { tenantId, quota: 'uploadBytesPerMonth', period: '2026-11', used: 600, limit: 10_000 },
      { tenantId, quota: 'uploadBytesPerMonth', period: '2026-12', used: 400, limit: 10_000 },
    ]);
    await recordUsage(handle.db, [{ tenantId, meter: 'upload_bytes', amount: 0.5, source: `d:${randomUUID()}`, at }]);
    expect(await countersOf(tenantId)).toEqual({ 'uploadBytesPerMonth@2026-11': 600.5, 'uploadBytesPerMonth@2026-12': 400 });
  });

  it('leaves a tenant without quotas with no counters', async () => {
    const tenantId = await newTenant();
    expect(await recordUsage(handle.db, [{ tenantId, meter: 'upload_bytes', amount: 5, source: `e:${randomUUID()}` }])).toEqual([]);
    expect(await countersOf(tenantId)).toEqual({});
  });
});

describe('the storage ledger', () => {
  it('appends the change of bytes held, billed and not, and moves the storedBytes counter', async () => {
    const tenantId = await newTenant({ storedBytes: 1_000_000 });
    await handle.db.execute(sql`insert into quota_counters (tenant_id, quota, period) values (${tenantId}, 'storedBytes', 'all')`);
    const bucket = `b-${randomUUID()}`;
    const original = `originals/${tenantId}/${randomUUID()}`;
    const staged = `staging/${tenantId}/${randomUUID()}`;
    await recordObjectsWritten(handle.db, [
      { bucket, key: original, bytes: 500 },
      { bucket, key: staged, bytes: 500 },
    ]);
    await recordObjectsWritten(handle.db, [{ bucket, key: original, bytes: 700 }]);
    await recordObjectsWritten(handle.db, [{ bucket, key: original, bytes: 700 }]);
    await recordObjectsDeleted(handle.db, [
      { bucket, key: staged },
      { bucket, key: `originals/${tenantId}/never-written` },
    ]);
    // One event a meter per statement: the first statement's two, then the growth, then the deletion.
    const byMeter = (a: { meter: string }, b: { meter: string }) => a.meter.localeCompare(b.meter);
    expect((await eventsOf(tenantId)).slice(0, 2).sort(byMeter)).toEqual([
      { meter: 'stored_bytes', amount: 500 },
      { meter: 'stored_bytes_unbilled', amount: 500 },
    ]);
    expect((await eventsOf(tenantId)).slice(2)).toEqual([
      { meter: 'stored_bytes', amount: 200 },
      { meter: 'stored_bytes_unbilled', amount: -500 },
    ]);
    const second = `originals/${tenantId}/${randomUUID()}`;
    await recordObjectsWritten(handle.db, [
      { bucket, key: second, bytes: 30 },
      { bucket, key: `${second}-b`, bytes: 40 },
    ]);
    expect((await eventsOf(tenantId)).slice(4)).toEqual([{ meter: 'stored_bytes', amount: 70 }]);
    await recordObjectsDeleted(handle.db, [
      { bucket, key: second },
      { bucket, key: `${second}-b` },
    ]);
    expect(await countersOf(tenantId)).toEqual({ 'storedBytes@all': 700 });
    await recordObjectsDeleted(handle.db, [{ bucket, key: original }]);
    expect(await countersOf(tenantId)).toEqual({ 'storedBytes@all': 0 });
  });
});

describe('usage partitions', () => {
  it('makes a month once however many callers race, and rows land in their month', async () => {
    const month = new Date(Date.UTC(2031, 6, 1 + Math.floor(Math.random() * 28)));
    await Promise.all([1, 2, 3].map(() => ensureUsagePartitions(handle.db, [month])));
    const tenantId = randomUUID();
    await handle.db.execute(sql`insert into usage_hourly values (${tenantId}, '2031-07-31T23:00:00Z', 'uploads', 1)`);
    const [row] = await handle.db.execute<{ part: string }>(
      sql`select tableoid::regclass::text as part from usage_hourly where tenant_id = ${tenantId}`,
    );
    expect(row?.part).toBe(partitionName('usage_hourly', month));
    await expect(handle.db.execute(sql`insert into usage_hourly values (${tenantId}, '2031-08-01T00:00:00Z', 'uploads', 1)`)).rejects.toThrow();
  });
});
