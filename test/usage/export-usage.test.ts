import { createDatabase, type DatabaseHandle } from '@darkroom/db/client';
import { ensureUsagePartitions } from '@darkroom/db/queries/usage';
import { MiB } from '@darkroom/core/limits';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleResident, settledResident } from '../support/process-memory.js';
import { spawnApi, type ApiProcess } from '../support/services.js';

/**
 * `GET /v1/admin/usage` on 200,000 rows (270 tenants' hours of July 2031, written with one
 * generate_series, and the deployment's own), against an API process of its own whose resident memory
 * is read from /proc while each format streams: an export that held its rows (as objects, or as the
 * body's text, 17 to 24 MB) would grow by more than that; and the three formats must carry the same rows.
 * The process's young generation is made small (1 MB): with V8's own, tens of MB of garbage (socket
 * buffers, each page's text) pile up before a collection, and would hide what an export held. A
 * reader that stops must stop the API's page queries too.
 */
const TENANTS = 270;
const HOURS = 744;
const DEPLOYMENT_HOURS = 24;
const ROWS = TENANTS * HOURS + DEPLOYMENT_HOURS;
/** How far memory may rise over what the idle process held: a few pages and the sockets' buffers, less than any format's body. */
const GROWTH_LIMIT = 12 * MiB;
const WINDOW = 'from=2031-07-01T00:00:00Z&to=2031-08-01T00:00:00Z&granularity=hour';
const mb = (bytes: number) => (bytes / MiB).toFixed(1);

let handle: DatabaseHandle;
let api: ApiProcess;

const clear = () => handle.db.execute(sql`delete from usage_hourly where hour >= '2031-07-01T00:00Z' and hour < '2031-08-01T00:00Z'`);

beforeAll(async () => {
  handle = createDatabase({ url: process.env.DATABASE_URL! });
  await ensureUsagePartitions(handle.db, [new Date('2031-07-01T00:00:00Z')]);
  await clear();
  await handle.db.execute(sql`insert into usage_hourly (tenant_id, hour, meter, value)
    select md5('usage-export-' || t)::uuid, '2031-07-01T00:00Z'::timestamptz + h * interval '1 hour', 'delivery_bytes', t * 1000 + h + 0.5
    from generate_series(1, ${TENANTS}) t, generate_series(0, ${HOURS - 1}) h`);
  await handle.db.execute(sql`insert into usage_hourly (tenant_id, hour, meter, value)
    select null, '2031-07-01T00:00Z'::timestamptz + h * interval '1 hour', 'bucket_class_b', h from generate_series(0, ${DEPLOYMENT_HOURS - 1}) h`);
  api = await spawnApi({ NODE_OPTIONS: '--max-semi-space-size=1' });
}, 120_000);
afterAll(async () => {
  await api?.stop();
  await clear();
  await handle?.close();
});

/** One export read as fast as it comes, while the API's memory is sampled; the body as text. */
async function sampledExport(format: string) {
  const { result, samples } = await sampleResident(api.child.pid!, 10, async () => {
    const res = await fetch(`${api.baseUrl}/v1/admin/usage?${WINDOW}&format=${format}`, {
      headers: { authorization: `Bearer ${process.env.ADMIN_TOKEN}` },
    });
    return { status: res.status, type: res.headers.get('content-type'), text: await res.text() };
  });
  return { ...result, highest: samples.highest };
}

/** Each format's rows as `tenantId|at|meter|value`, in the order sent. */
const lines = {
  csv: (text: string) => {
    const [header, ...rows] = text.split('\r\n');
    expect(header).toBe('tenantId,at,meter,value');
    expect(rows.pop()).toBe('');
    return rows.map((row) => row.split(',').join('|'));
  },
  jsonl: (text: string) => {
    const rows = text.split('\n');
    expect(rows.pop()).toBe('');
    return rows.map((row) => JSON.parse(row) as { tenantId: string | null; at: string; meter: string; value: number }).map(joined);
  },
  json: (text: string) => (JSON.parse(text) as { tenantId: string | null; at: string; meter: string; value: number }[]).map(joined),
};
function joined(r: { tenantId: string | null; at: string; meter: string; value: number }) {
  return [r.tenantId ?? '', r.at, r.meter, String(r.value)].join('|');
}

describe('the usage export', () => {
  it(`streams ${ROWS.toLocaleString('en-US')} rows in each format with the API's memory flat, every format the same rows`, async () => {
    // A first export sets up what every export uses (the route's code, the pool's connections, V8's heap).
    expect((await sampledExport('csv')).status).toBe(200);
    const seen: Record<string, string[]> = {};
    for (const format of ['csv', 'jsonl', 'json'] as const) {
      const resting = await settledResident(api.child.pid!);
      const started = Date.now();
      const read = await sampledExport(format);
      expect(read.status, read.text.slice(0, 300)).toBe(200);
      const growth = read.highest - resting;
      console.info(
        `usage export, ${format}: ${(read.text.length / MiB).toFixed(1)} MB in ${Date.now() - started} ms, the API ${mb(growth)} MB over rest`,
      );
      expect(growth, `${format}: grew ${mb(growth)} MB`).toBeLessThan(GROWTH_LIMIT);
      seen[format] = lines[format](read.text);
    }
    expect(seen.csv).toHaveLength(ROWS);
    expect(seen.jsonl).toEqual(seen.csv);
    expect(seen.json).toEqual(seen.csv);
    // Tenants by id, each by hour; the deployment's rows last, with an empty tenant.
    const first = seen.csv![0]!.split('|');
    expect(first.slice(1)).toEqual(['2031-07-01T00:00:00.000Z', 'delivery_bytes', expect.stringMatching(/^\d+000\.5$/)]);
    expect(seen.csv!.at(-1)).toBe('|2031-07-01T23:00:00.000Z|bucket_class_b|23');
    expect(new Set(seen.csv!.map((row) => row.split('|')[0])).size).toBe(TENANTS + 1);
  }, 180_000);

  it('reads no further from Postgres while its reader stops than the sockets between them hold', async () => {
    /** Rows the API's page queries have read from July's partition (Postgres's statistics: an idle backend's within 10 s). */
    const fetched = async () => {
      const [row] = await handle.db.execute<{ n: string }>(
        sql`select idx_tup_fetch::text as n from pg_stat_user_tables where relname = 'usage_hourly_2031_07'`,
      );
      return Number(row?.n ?? 0);
    };
    // An idle backend reports its last second of reads up to 10 s later, so the exports before this
    // test would still be counting into the window: wait them out first.
    await new Promise((resolve) => setTimeout(resolve, 11_000));
    const before = await fetched();
    const res = await fetch(`${api.baseUrl}/v1/admin/usage?${WINDOW}&format=json`, {
      headers: { authorization: `Bearer ${process.env.ADMIN_TOKEN}` },
    });
    const reader = res.body!.getReader();
    await reader.read();
    // The sockets fill (a few MB of JSON, the largest rows), then the API asks for no more pages; an
    // API that read on would have read every row within a few seconds. Then the statistics catch up.
    await new Promise((resolve) => setTimeout(resolve, 12_000));
    const read = (await fetched()) - before;
    console.info(`usage export, a reader stopped: ${read} of ${ROWS} rows read from Postgres`);
    expect(read).toBeGreaterThan(0);
    // The kernel's socket buffers on loopback hold MB (here 55 to 65 % of the rows): less than all.
    expect(read).toBeLessThan(ROWS - 20_000);
    await reader.cancel();
  }, 45_000);

  it('takes an admin token only', async () => {
    expect((await fetch(`${api.baseUrl}/v1/admin/usage?${WINDOW}`)).status).toBe(401);
  });

  it('names its format and refuses to be cached', async () => {
    const res = await fetch(`${api.baseUrl}/v1/admin/usage?${WINDOW}&format=csv&tenantId=${crypto.randomUUID()}`, {
      headers: { authorization: `Bearer ${process.env.ADMIN_TOKEN}` },
    });
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="usage-hour-2031-07-01T00.csv"');
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(await res.text()).toBe('tenantId,at,meter,value\r\n');
  });
});
