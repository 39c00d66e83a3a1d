import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase, type DatabaseHandle } from '../../client.js';
import { ensureUsagePartitions } from './partitions.js';
import { expireUsage } from './retention.js';

let handle: DatabaseHandle;
beforeAll(() => {
  handle = createDatabase({ url: process.env.DATABASE_URL! });
});
afterAll(() => handle?.close());

async function exists(name: string): Promise<boolean> {
  const [row] = await handle.db.execute<{ name: string | null }>(sql`select to_regclass(${name})::text as name`);
  return row?.name != null;
}

const month = (iso: string) => new Date(`${iso}-01T00:00:00Z`);

describe('expireUsage', () => {
  // Months long past, which no other test writes (a worker's own expiry, at the real time, drops them too).
  it('drops the partitions of months past their retention and keeps the rest', async () => {
    const months = ['2018-01', '2018-07', '2020-03', '2020-04', '2020-05'].map(month);
    await ensureUsagePartitions(handle.db, months);
    const { droppedPartitions } = await expireUsage(handle.db, { now: new Date('2020-06-15T00:00:00Z'), hourlyDays: 62 });
    // Hourly: March ended April 1st, 75 days before; April ended 45 days before. Daily: two years.
    const gone = ['usage_hourly_2018_01', 'usage_hourly_2018_07', 'usage_hourly_2020_03', 'usage_daily_2018_01'];
    const kept = ['usage_hourly_2020_04', 'usage_hourly_2020_05', 'usage_daily_2018_07', 'usage_daily_2020_03', 'usage_daily_2020_04'];
    for (const name of gone) expect(await exists(name), name).toBe(false);
    for (const name of kept) expect(await exists(name), name).toBe(true);
    expect(droppedPartitions.filter((name) => kept.includes(name))).toEqual([]);
  });

  it('deletes rolled events older than a week, and no other', async () => {
    const tenant = randomUUID();
    const now = new Date('2020-06-15T00:00:00Z');
    const insert = (source: string, rolledAt: string | null) =>
      handle.db.execute(sql`
        insert into usage_events (tenant_id, meter, amount, at, source, rolled_at)
        values (${tenant}::uuid, 'uploads', 1, ${rolledAt ?? now.toISOString()}::timestamptz, ${`${tenant}:${source}`}, ${rolledAt}::timestamptz)`);
    await insert('old', '2020-06-07T23:00:00Z');
    await insert('recent', '2020-06-08T01:00:00Z');
    await insert('unrolled', null);
    const { deletedEvents } = await expireUsage(handle.db, { now, hourlyDays: 62 });
    expect(deletedEvents).toBeGreaterThanOrEqual(1);
    const left = await handle.db.execute<{ source: string }>(sql`select source from usage_events where tenant_id = ${tenant}::uuid order by source`);
    expect(left.map((r) => r.source)).toEqual([`${tenant}:recent`, `${tenant}:unrolled`]);
  });
});
