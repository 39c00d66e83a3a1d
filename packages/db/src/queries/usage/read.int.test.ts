import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase, type DatabaseHandle } from '../../client.js';
import { ensureUsagePartitions } from './partitions.js';
import { readTenantUsage, readUsageExport, type UsageExportFormat, type UsageGranularity } from './read.js';

/**
 * Reading usage back (the rollup fills the tables; here the rows are written by hand) in a window no
 * other test writes, months ahead: March and April 2031, and the deployment's rows there.
 */
let handle: DatabaseHandle;
const FROM = new Date('2031-03-01T00:00:00Z');
const TO = new Date('2031-05-01T00:00:00Z');
const tenants = [randomUUID(), randomUUID(), randomUUID()].sort();
const [a] = tenants as [string];

const at = (iso: string) => new Date(iso);

async function clear() {
  await handle.db.execute(sql`delete from usage_hourly where hour >= ${FROM.toISOString()}::timestamptz and hour < ${TO.toISOString()}::timestamptz`);
  await handle.db.execute(sql`delete from usage_daily where day >= '2031-03-01' and day < '2031-05-01'`);
}

beforeAll(async () => {
  handle = createDatabase({ url: process.env.DATABASE_URL! });
  await ensureUsagePartitions(handle.db, [FROM, new Date('2031-04-15T00:00:00Z')]);
  await clear();
  // Tenant a: a few hours on March 3rd, and days in March and April.
  await handle.db.execute(sql`insert into usage_hourly (tenant_id, hour, meter, value) values
    (${a}::uuid, '2031-03-03T10:00Z', 'uploads', 2), (${a}::uuid, '2031-03-03T11:00Z', 'uploads', 3),
    (${a}::uuid, '2031-03-03T10:00Z', 'stored_bytes', 100), (${a}::uuid, '2031-03-03T11:00Z', 'stored_bytes', 150),
    (${a}::uuid, '2031-03-03T10:00Z', 'stored_bytes_peak', 120), (${a}::uuid, '2031-03-03T11:00Z', 'stored_bytes_peak', 160),
    (${a}::uuid, '2031-03-03T12:00Z', 'uploads', 7), (null, '2031-03-03T10:00Z', 'bucket_class_b', 9)`);
  await handle.db.execute(sql`insert into usage_daily (tenant_id, day, meter, value) values
    (${a}::uuid, '2031-03-03', 'uploads', 12), (${a}::uuid, '2031-03-04', 'uploads', 1),
    (${a}::uuid, '2031-03-03', 'stored_bytes_peak', 160), (${a}::uuid, '2031-03-04', 'stored_bytes_peak', 90),
    (${a}::uuid, '2031-03-03', 'stored_bytes', 2400.5), (${a}::uuid, '2031-03-04', 'stored_bytes', 2000),
    (${a}::uuid, '2031-04-01', 'uploads', 4)`);
});
afterAll(async () => {
  await clear();
  await handle?.close();
});

describe('readTenantUsage', () => {
  it('reads a tenant by the hour, `to` exclusive, for the meters asked only', async () => {
    const rows = await readTenantUsage(handle.db, {
      tenantId: a,
      from: at('2031-03-03T10:00Z'),
      to: at('2031-03-03T12:00Z'),
      granularity: 'hour',
      meters: ['uploads', 'stored_bytes'],
    });
    expect(rows).toEqual([
      { at: at('2031-03-03T10:00Z'), meter: 'stored_bytes', value: 100 },
      { at: at('2031-03-03T10:00Z'), meter: 'uploads', value: 2 },
      { at: at('2031-03-03T11:00Z'), meter: 'stored_bytes', value: 150 },
      { at: at('2031-03-03T11:00Z'), meter: 'uploads', value: 3 },
    ]);
  });

  it('reads days as their first instant in UTC, and months as the sum of their days with the peak the largest', async () => {
    const range = { tenantId: a, from: FROM, to: TO, meters: ['uploads', 'stored_bytes', 'stored_bytes_peak'] as const };
    const days = await readTenantUsage(handle.db, { ...range, granularity: 'day' });
    expect(days.filter((r) => r.meter === 'uploads')).toEqual([
      { at: at('2031-03-03T00:00Z'), meter: 'uploads', value: 12 },
      { at: at('2031-03-04T00:00Z'), meter: 'uploads', value: 1 },
      { at: at('2031-04-01T00:00Z'), meter: 'uploads', value: 4 },
    ]);
    expect(await readTenantUsage(handle.db, { ...range, granularity: 'month' })).toEqual([
      { at: at('2031-03-01T00:00Z'), meter: 'stored_bytes', value: 4400.5 },
      { at: at('2031-03-01T00:00Z'), meter: 'stored_bytes_peak', value: 160 },
      { at: at('2031-03-01T00:00Z'), meter: 'uploads', value: 13 },
      { at: at('2031-04-01T00:00Z'), meter: 'uploads', value: 4 },
    ]);
  });

  it("reads the deployment's own row apart from every tenant's", async () => {
    const range = { from: FROM, to: TO, granularity: 'hour' as const, meters: ['bucket_class_b', 'uploads'] as const };
    expect(await readTenantUsage(handle.db, { ...range, tenantId: null })).toEqual([
      { at: at('2031-03-03T10:00Z'), meter: 'bucket_class_b', value: 9 },
    ]);
    expect((await readTenantUsage(handle.db, { ...range, tenantId: a })).map((r) => r.meter)).not.toContain('bucket_class_b');
  });
});

describe('readUsageExport', () => {
  const window = { from: at('2031-04-01T00:00Z'), to: at('2031-05-01T00:00Z') };
  const METERS = ['uploads', 'stored_bytes', 'stored_bytes_peak', 'image_renders'];

  beforeAll(async () => {
    // Every tenant and the deployment: 3 hours × 4 meters on April 2nd, days across April (and a value past 2^53).
    for (const tenantId of [...tenants, null]) {
      await handle.db.execute(sql`insert into usage_hourly (tenant_id, hour, meter, value)
        select ${tenantId}::uuid, '2031-04-02T00:00Z'::timestamptz + h * interval '1 hour', m, h + 1
        from generate_series(0, 2) h, unnest(${sql.raw(`array['${METERS.join("','")}']`)}) m`);
      await handle.db.execute(sql`insert into usage_daily (tenant_id, day, meter, value)
        select ${tenantId}::uuid, '2031-04-02'::date + d, m, d * 10 + 1
        from generate_series(0, 9) d, unnest(${sql.raw(`array['${METERS.join("','")}']`)}) m
        on conflict do nothing`);
    }
    await handle.db.execute(
      sql`update usage_daily set value = 12345678901234567.5 where tenant_id = ${a}::uuid and day = '2031-04-05' and meter = 'image_renders'`,
    );
  });

  interface Row {
    tenantId: string | null;
    at: string;
    meter: string;
    value: string;
  }

  /** The whole answer in one plain query: what the pages must add up to, in the same order. */
  async function plain(granularity: UsageGranularity, tenantId?: string): Promise<Row[]> {
    const who = tenantId ? sql`tenant_id = ${tenantId}::uuid` : sql`true`;
    const rows =
      granularity === 'hour'
        ? await handle.db.execute<{ tenant_id: string | null; at: Date; meter: string; value: string }>(sql`
            select tenant_id, hour as at, meter, trim_scale(value)::text as value from usage_hourly
            where ${who} and hour >= '2031-04-01T00:00Z' and hour < '2031-05-01T00:00Z' order by tenant_id nulls last, hour, meter`)
        : await handle.db.execute<{ tenant_id: string | null; at: Date; meter: string; value: string }>(sql`
            select tenant_id, (date_trunc(${granularity}, day::timestamp) at time zone 'UTC') as at, meter,
              trim_scale(case when meter = 'stored_bytes_peak' then max(value) else sum(value) end)::text as value
            from usage_daily where ${who} and day >= '2031-04-01' and day < '2031-05-01'
            group by 1, 2, 3 order by tenant_id nulls last, 2, 3`);
    return [...rows].map((r) => ({ tenantId: r.tenant_id, at: new Date(r.at).toISOString(), meter: r.meter, value: r.value }));
  }

  async function exported(granularity: UsageGranularity, pageSize: number, format: UsageExportFormat, tenantId?: string) {
    const pages: string[] = [];
    for await (const page of readUsageExport(handle.db, { ...window, granularity, pageSize, tenantId }, format)) pages.push(page);
    return pages;
  }

  /** JSON lines' rows with each value as its text: the number exactly as written. */
  const parsed = (text: string): Row[] =>
    text
      .split('\n')
      .filter(Boolean)
      .map((line) => ({ ...(JSON.parse(line) as Row), value: /"value":([^}]+)\}$/.exec(line)![1]! }));

  for (const granularity of ['hour', 'day', 'month'] as const) {
    it(`pages every tenant's and the deployment's rows by ${granularity}, in order, each once`, async () => {
      const expected = await plain(granularity);
      expect(expected.length).toBeGreaterThan(3);
      expect(expected.at(-1)?.tenantId).toBeNull();
      // Pages far smaller than a tenant's rows, and one that holds them all.
      for (const pageSize of [5, 7, 10_000]) {
        const pages = await exported(granularity, pageSize, 'jsonl');
        expect(parsed(pages.join('')), `pages of ${pageSize}`).toEqual(expected);
        if (pageSize < 10) expect(pages.length).toBeGreaterThanOrEqual(granularity === 'month' ? tenants.length + 1 : expected.length / pageSize);
      }
      expect(parsed((await exported(granularity, 5, 'jsonl', a)).join(''))).toEqual(await plain(granularity, a));
    });
  }

  it('writes the same rows as CSV and as a JSON array, values exact past what a double holds', async () => {
    const expected = await plain('month');
    const csv = (await exported('month', 7, 'csv')).join('');
    expect(csv.split('\r\n')).toEqual([...expected.map((r) => [r.tenantId ?? '', r.at, r.meter, r.value].join(',')), '']);
    const json = `[${(await exported('month', 7, 'json')).join('')}]`;
    expect((JSON.parse(json) as Row[]).map((r) => r.at)).toEqual(expected.map((r) => r.at));
    // 12345678901234567.5 on April 5th, and the other days' 1 + 11 + 21 + 41 + … + 91 = 429.
    expect(csv).toContain(`${a},2031-04-01T00:00:00.000Z,image_renders,12345678901234996.5\r\n`);
    expect(json).toContain('"meter":"image_renders","value":12345678901234996.5}');
  });
});
