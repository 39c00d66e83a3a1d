import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase, type DatabaseHandle } from '../../client.js';
import { recordUsage } from './record.js';
import { floorHour, rollupUsage, tryLockRollup } from './rollup.js';
import { HOUR_MS } from './rollup-levels.js';

let handle: DatabaseHandle;
let other: DatabaseHandle;
beforeAll(() => {
  handle = createDatabase({ url: process.env.DATABASE_URL! });
  other = createDatabase({ url: process.env.DATABASE_URL! });
});
afterAll(async () => {
  await handle?.close();
  await other?.close();
});

/**
 * Times within the hours kept, so that a rollup run elsewhere on the shared database (at the real
 * time) writes these tenants' rows where these tests do. Each test takes its own day.
 */
const base = (day: number) => floorHour(Date.now()) - (20 - day) * 24 * HOUR_MS - 10 * HOUR_MS;
const at = (start: number, hours: number, minutes = 0) => new Date(start + hours * HOUR_MS + minutes * 60_000);

async function storedDelta(tenantId: string, meter: 'stored_bytes' | 'stored_bytes_unbilled', bytes: number, when: Date): Promise<void> {
  await handle.db.execute(
    sql`insert into usage_events (tenant_id, meter, amount, at, source) values (${tenantId}::uuid, ${meter}, ${bytes}, ${when.toISOString()}::timestamptz, ${`test:${randomUUID()}`})`,
  );
}

/** Rolls until none of the tenant's events is left (another file's rollup may hold the lock a moment). */
async function roll(now: Date, tenantId: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    await rollupUsage(handle.db, { now });
    const [left] = await handle.db.execute<{ n: number }>(
      sql`select count(*)::int as n from usage_events where tenant_id = ${tenantId}::uuid and rolled_at is null`,
    );
    if (left!.n === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('events left unrolled');
}

/**
 * The tenant's hourly rows as `meter@offset` (hours from `start`) → value, up to `hours` after it:
 * a rollup at the real time (another file's) ticks on past a test's clock.
 */
async function hourly(tenantId: string, start: number, hours = 24): Promise<Record<string, number>> {
  const rows = await handle.db.execute<{ hour: Date; meter: string; value: string }>(sql`
    select hour, meter, value::text from usage_hourly
    where tenant_id = ${tenantId}::uuid and hour <= ${new Date(start + hours * HOUR_MS).toISOString()}::timestamptz order by hour, meter`);
  return Object.fromEntries(rows.map((r) => [`${r.meter}@${(new Date(r.hour).getTime() - start) / HOUR_MS}`, Number(r.value)]));
}

/** Each daily row equals its day's hourly rows (the sum; the peak: the largest), and every day with hours has its rows. */
async function expectDailyFromHourly(tenantId: string): Promise<void> {
  const [hours, days] = await Promise.all([
    handle.db.execute<{ day: string; meter: string; value: string }>(sql`
      select (hour at time zone 'UTC')::date::text as day, meter,
        (case when meter = 'stored_bytes_peak' then max(value) else sum(value) end)::text as value
      from usage_hourly where tenant_id = ${tenantId}::uuid group by 1, 2 order by 1, 2`),
    handle.db.execute<{ day: string; meter: string; value: string }>(
      sql`select day::text, meter, value::text from usage_daily where tenant_id = ${tenantId}::uuid order by 1, 2`,
    ),
  ]);
  expect(hours.length).toBeGreaterThan(0);
  expect([...days]).toEqual([...hours]);
}

describe('rollupUsage', () => {
  it('adds counted meters to their hours, once', async () => {
    const tenant = randomUUID();
    const start = base(1);
    await recordUsage(handle.db, [
      { tenantId: tenant, meter: 'uploads', amount: 1, source: `t:${tenant}:1`, at: at(start, 0, 5) },
      { tenantId: tenant, meter: 'uploads', amount: 1, source: `t:${tenant}:2`, at: at(start, 0, 40) },
      { tenantId: tenant, meter: 'upload_bytes', amount: 100, source: `t:${tenant}:1`, at: at(start, 0, 5) },
      { tenantId: tenant, meter: 'upload_bytes', amount: 250.5, source: `t:${tenant}:2`, at: at(start, 0, 40) },
      { tenantId: tenant, meter: 'uploads', amount: 1, source: `t:${tenant}:3`, at: at(start, 1, 10) },
    ]);
    await roll(at(start, 2, 30), tenant);
    // More in an hour already rolled adds to its row.
    await recordUsage(handle.db, [{ tenantId: tenant, meter: 'uploads', amount: 2, source: `t:${tenant}:4`, at: at(start, 1, 59) }]);
    await roll(at(start, 2, 30), tenant);
    await roll(at(start, 2, 30), tenant);
    expect(await hourly(tenant, start)).toEqual({ 'uploads@0': 2, 'upload_bytes@0': 350.5, 'uploads@1': 3 });
    await expectDailyFromHourly(tenant);
  });

  it('turns a delta stream into hourly levels and peaks, a late delta included', async () => {
    const tenant = randomUUID();
    const start = base(2);
    await storedDelta(tenant, 'stored_bytes', 100, at(start, 0, 10));
    await storedDelta(tenant, 'stored_bytes', 50, at(start, 0, 20));
    await storedDelta(tenant, 'stored_bytes', -120, at(start, 0, 30));
    await storedDelta(tenant, 'stored_bytes_unbilled', 10, at(start, 0, 10));
    await roll(at(start, 0, 35), tenant);
    expect(await hourly(tenant, start, 0)).toEqual({ 'stored_bytes@0': 30, 'stored_bytes_peak@0': 150, 'stored_bytes_unbilled@0': 10 });

    await storedDelta(tenant, 'stored_bytes', 200, at(start, 1, 15));
    await storedDelta(tenant, 'stored_bytes', -230, at(start, 1, 45));
    await roll(at(start, 2, 30), tenant);
    expect(await hourly(tenant, start, 2)).toEqual({
      'stored_bytes@0': 30,
      'stored_bytes_peak@0': 150,
      'stored_bytes@1': 0,
      // The hour opened at 30 and rose by 200 before falling.
      'stored_bytes_peak@1': 230,
      // The run ticked hour 2 (30 held) before it rolled the deltas that emptied it.
      'stored_bytes@2': 0,
      'stored_bytes_peak@2': 0,
      'stored_bytes_unbilled@0': 10,
      'stored_bytes_unbilled@1': 10,
      'stored_bytes_unbilled@2': 10,
    });

    // Committed after its hour was rolled: it moves that hour and every later one.
    await storedDelta(tenant, 'stored_bytes', 1000, at(start, 0, 50));
    await roll(at(start, 2, 30), tenant);
    expect(await hourly(tenant, start)).toMatchObject({
      'stored_bytes@0': 1030,
      'stored_bytes_peak@0': 1030,
      'stored_bytes@1': 1000,
      'stored_bytes_peak@1': 1230,
      'stored_bytes@2': 1000,
      'stored_bytes_peak@2': 1000,
    });
    const balance = await handle.db.execute<{ billed: boolean; bytes: string }>(
      sql`select billed, bytes::text from usage_storage_balance where tenant_id = ${tenant}::uuid order by billed`,
    );
    expect([...balance]).toEqual([
      { billed: false, bytes: '10' },
      { billed: true, bytes: '1000' },
    ]);
    await expectDailyFromHourly(tenant);
  });

  it('ticks: hours with no change still hold what was held, across days', async () => {
    const tenant = randomUUID();
    const start = base(4);
    await storedDelta(tenant, 'stored_bytes', 500, at(start, 0, 10));
    await roll(at(start, 0, 30), tenant);
    // Hours later, nothing of this tenant's to roll: the ticks write its hours.
    const later = at(start, 20, 30);
    // Another file's rollup may hold the lock a moment: this one's pass then returns at once.
    for (let i = 0; i < 100 && (await hourly(tenant, start))['stored_bytes@20'] === undefined; i++) await rollupUsage(other.db, { now: later });
    const rows = await hourly(tenant, start);
    for (let h = 0; h <= 20; h++) {
      expect(rows[`stored_bytes@${h}`], `hour ${h}`).toBe(500);
      expect(rows[`stored_bytes_peak@${h}`], `hour ${h}`).toBe(500);
    }
    await expectDailyFromHourly(tenant);
    const [total] = await handle.db.execute<{ v: string }>(
      sql`select sum(value)::text as v from usage_daily where tenant_id = ${tenant}::uuid and meter = 'stored_bytes' and day <= ${later.toISOString()}::date`,
    );
    // Byte-hours: 21 hours of 500 bytes, however the days split them.
    expect(Number(total!.v)).toBeGreaterThanOrEqual(21 * 500);
  });

  it('two rollups at once count each event once', async () => {
    const tenant = randomUUID();
    const start = base(6);
    const events = Array.from({ length: 1200 }, (_, i) => ({
      tenantId: tenant,
      meter: 'image_renders' as const,
      amount: 1 + (i % 7),
      source: `t:${tenant}:${i}`,
      at: at(start, i % 5, i % 60),
    }));
    await recordUsage(handle.db, events);
    const now = at(start, 6);
    await Promise.all([
      rollupUsage(handle.db, { now, batch: 50 }),
      rollupUsage(other.db, { now, batch: 50 }),
      rollupUsage(handle.db, { now, batch: 70 }),
    ]);
    await roll(now, tenant);
    const want: Record<string, number> = {};
    for (const e of events) {
      const key = `image_renders@${(floorHour(e.at) - start) / HOUR_MS}`;
      want[key] = (want[key] ?? 0) + e.amount;
    }
    expect(await hourly(tenant, start)).toEqual(want);
    await expectDailyFromHourly(tenant);
  });

  it('a second caller returns at once while a rollup runs', async () => {
    const tenant = randomUUID();
    const start = base(7);
    await recordUsage(handle.db, [{ tenantId: tenant, meter: 'uploads', amount: 1, source: `t:${tenant}`, at: at(start, 0) }]);
    await handle.db.transaction(async (tx) => {
      expect(await tryLockRollup(tx)).toBe(true);
      expect(await rollupUsage(other.db, { now: at(start, 1) })).toEqual({ events: 0 });
    });
    await roll(at(start, 1), tenant);
    expect(await hourly(tenant, start)).toEqual({ 'uploads@0': 1 });
  });

  it('rolls an event whose transaction commits after a later id was rolled', async () => {
    const tenant = randomUUID();
    const start = base(8);
    let release = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    let inserted = () => {};
    const insertedYet = new Promise<void>((resolve) => {
      inserted = resolve;
    });
    const early = handle.db.transaction(async (tx) => {
      await recordUsage(tx, [{ tenantId: tenant, meter: 'uploads', amount: 1, source: `t:${tenant}:early`, at: at(start, 0, 10) }]);
      inserted();
      await held;
    });
    await insertedYet;
    await recordUsage(handle.db, [{ tenantId: tenant, meter: 'uploads', amount: 10, source: `t:${tenant}:late`, at: at(start, 0, 20) }]);
    const ids = await other.db.execute<{ source: string; id: string }>(
      sql`select source, id::text from usage_events where tenant_id = ${tenant}::uuid`,
    );
    expect(ids.length).toBe(1);
    for (let i = 0; i < 100 && (await hourly(tenant, start))['uploads@0'] !== 10; i++) await rollupUsage(other.db, { now: at(start, 1) });
    expect(await hourly(tenant, start)).toEqual({ 'uploads@0': 10 });
    release();
    await early;
    const [order] = await handle.db.execute<{ early_first: boolean }>(sql`
      select (select id from usage_events where source = ${`t:${tenant}:early`}) < (select id from usage_events where source = ${`t:${tenant}:late`}) as early_first`);
    expect(order!.early_first).toBe(true);
    await roll(at(start, 1), tenant);
    expect(await hourly(tenant, start)).toEqual({ 'uploads@0': 11 });
  });
});
