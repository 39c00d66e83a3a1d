import type { Meter } from '@darkroom/core/contract/usage';
import { sql, type SQL } from 'drizzle-orm';
import type { Executor } from '../../client.js';

export const USAGE_GRANULARITIES = ['hour', 'day', 'month'] as const;
export type UsageGranularity = (typeof USAGE_GRANULARITIES)[number];

/** One value of a meter in one period (its start), as the tables hold it. */
export interface UsageValue {
  at: Date;
  meter: Meter;
  value: number;
}

/**
 * How two periods' values of a meter add up: the peak is the larger one; every other meter (counts,
 * and the byte-hours of `stored_bytes` and `stored_bytes_unbilled`) is their sum.
 */
export function combineUsage(meter: Meter, a: number, b: number): number {
  return meter === 'stored_bytes_peak' ? Math.max(a, b) : a + b;
}

/** Periods' values of a meter aggregated into a longer period's (hours into a day, days into a month), as combineUsage adds them. */
export const combinedValue = (meter: SQL, value: SQL): SQL => sql`case when ${meter} = 'stored_bytes_peak' then max(${value}) else sum(${value}) end`;
const monthValue = combinedValue(sql`meter`, sql`value`);

/** A `date` column's day as the instant it starts (UTC), whatever the session's time zone. */
const dayStart = (column: SQL) => sql`(${column}::timestamp at time zone 'UTC')`;
const asDate = (at: Date) => at.toISOString().slice(0, 10);

interface TenantRange {
  /** Null: the deployment's row. */
  tenantId: string | null;
  from: Date;
  /** Exclusive. */
  to: Date;
  granularity: UsageGranularity;
  meters: readonly Meter[];
}

const tenantIs = (tenantId: string | null) => (tenantId === null ? sql`tenant_id is null` : sql`tenant_id = ${tenantId}::uuid`);
const meterIn = (meters: readonly Meter[]) =>
  sql`meter in (${sql.join(
    meters.map((m) => sql`${m}`),
    sql`, `,
  )})`;

/**
 * A tenant's values in `[from, to)` by hour (usage_hourly), day or month (usage_daily; a month sums its
 * days, its peak is the largest), for the meters asked: only the periods that have rows, oldest first.
 */
export async function readTenantUsage(db: Executor, range: TenantRange): Promise<UsageValue[]> {
  if (range.meters.length === 0) return [];
  const where = sql`${tenantIs(range.tenantId)} and ${meterIn(range.meters)}`;
  const query =
    range.granularity === 'hour'
      ? sql`select hour as at, meter, value from usage_hourly
            where ${where} and hour >= ${range.from.toISOString()}::timestamptz and hour < ${range.to.toISOString()}::timestamptz`
      : range.granularity === 'day'
        ? sql`select ${dayStart(sql`day`)} as at, meter, value from usage_daily
              where ${where} and day >= ${asDate(range.from)}::date and day < ${asDate(range.to)}::date`
        : sql`select ${dayStart(sql`date_trunc('month', day::timestamp)::date`)} as at, meter, ${monthValue} as value from usage_daily
              where ${where} and day >= ${asDate(range.from)}::date and day < ${asDate(range.to)}::date
              group by 1, 2`;
  const rows = await db.execute<{ at: Date | string; meter: Meter; value: string }>(sql`${query} order by 1, 2`);
  return [...rows].map((r) => ({ at: new Date(r.at), meter: r.meter, value: Number(r.value) }));
}

export const USAGE_EXPORT_FORMATS = ['json', 'csv', 'jsonl'] as const;
export type UsageExportFormat = (typeof USAGE_EXPORT_FORMATS)[number];

export interface UsageExportRange {
  from: Date;
  to: Date;
  granularity: UsageGranularity;
  /** One tenant only; every tenant and the deployment when absent. */
  tenantId?: string | undefined;
  /** Rows a page reads (a month's page may end up to a month's rows further, at the month's end). */
  pageSize?: number | undefined;
}

/** Where the last page ended: its last row's tenant, period (as text Postgres reads back) and meter. */
interface Position {
  tenantId: string | null;
  key: string;
  meter: string;
}

type Phase = 'tenants' | 'deployment';

/** Rows a page: its text stays small enough for V8's young generation to free (docs/design/usage-export.md#the-page-size). */
const DEFAULT_PAGE = 500;

/**
 * Every tenant's rows in `[from, to)`, one per tenant, period and meter, as text in `format` (`json`:
 * the array's items, comma-separated, without the brackets), one string a page. Keyset pages
 * (tenants by id, then the deployment's rows; each by period and meter): an export of any size
 * holds one page at a time, and each query starts where the last ended on the tables' unique index.
 * A page is read when the consumer asks for it, so a slow reader slows the reads. Postgres writes
 * each page's text, as COPY would: a row never becomes an object in this process, which keeps the
 * process's memory flat and the export as fast as the index reads (docs/design/usage-export.md#the-export).
 * Tenants' rows are read apart from the deployment's: a row comparison with a null tenant is never true.
 */
export async function* readUsageExport(db: Executor, range: UsageExportRange, format: UsageExportFormat): AsyncGenerator<string> {
  const pageSize = range.pageSize ?? DEFAULT_PAGE;
  const phases: Phase[] = range.tenantId ? ['tenants'] : ['tenants', 'deployment'];
  let first = true;
  for (const phase of phases) {
    let after: Position | null = null;
    for (;;) {
      const rows: SQL = range.granularity === 'month' ? monthPage(range, phase, after, pageSize) : periodPage(range, phase, after, pageSize);
      const [page] = await db.transaction(async (tx) => {
        // A month's partition may have no statistics yet (autovacuum analyzes it some time after its
        // first rows), and without them the planner sorts every row after the key for each page,
        // which makes an export quadratic; the index's order is always the plan wanted here, and JIT,
        // which the penalty on sorting would set off, costs more than a page (docs/design/usage-export.md#the-export).
        // Sent together: the connection runs them in order, and the page waits for no round trip of its own.
        const [, read] = await Promise.all([
          tx.execute(sql`select set_config('enable_sort', 'off', true), set_config('jit', 'off', true)`),
          tx.execute<{ text: string | null; rows: number; tenant_id: string | null; key: string; meter: string }>(pageText(rows, format)),
        ]);
        return read;
      });
      if (!page?.text) break;
      yield format === 'json' && !first ? `,${page.text}` : page.text;
      first = false;
      // A period page is full unless it was the last; a month page always ends at a month's end, so only an empty one ends.
      if (range.granularity !== 'month' && page.rows < pageSize) break;
      after = { tenantId: page.tenant_id, key: page.key, meter: page.meter };
    }
  }
}

/**
 * A page's rows (tenant_id, period: its key in the index's own type, at: the period's start as ISO
 * text, k: the key as text Postgres reads back, meter, value) as one row: the page's text, its row
 * count and its last row's key. The last row is a top-1 of the page, not an ordered aggregate per
 * column: each of those sorted the whole page again, and the text's own order compares the index's
 * types, not their text (docs/design/usage-export.md#the-export).
 */
function pageText(rows: SQL, format: UsageExportFormat): SQL {
  const value = sql`trim_scale(value)::text`;
  const line =
    format === 'csv'
      ? sql`coalesce(tenant_id::text, '') || ',' || at || ',' || meter || ',' || ${value} || E'\r\n'`
      : sql`'{"tenantId":' || coalesce('"' || tenant_id::text || '"', 'null') || ',"at":"' || at || '","meter":' || to_json(meter)::text || ',"value":' || ${value} || '}'`;
  const text = format === 'jsonl' ? sql`${line} || E'\n'` : line;
  return sql`with page as (${rows}),
    last as (select tenant_id, k, meter from page order by tenant_id desc, period desc, meter desc limit 1)
    select string_agg(${text}, ${format === 'json' ? ',' : ''} order by tenant_id, period, meter) as text, count(*)::int as rows,
      (select tenant_id from last), (select k from last) as key, (select meter from last)
    from page`;
}

function scope(range: UsageExportRange, phase: Phase): SQL {
  if (phase === 'deployment') return sql`tenant_id is null`;
  return range.tenantId ? sql`tenant_id = ${range.tenantId}::uuid` : sql`tenant_id is not null`;
}

/** An hour's or a day's page: the rows themselves, after `(tenant, period, meter)`. */
function periodPage(range: UsageExportRange, phase: Phase, after: Position | null, limit: number): SQL {
  const hourly = range.granularity === 'hour';
  const key = hourly ? sql`hour` : sql`day`;
  const cast = hourly ? sql`timestamptz` : sql`date`;
  const bound = (at: Date) => (hourly ? sql`${at.toISOString()}::timestamptz` : sql`${asDate(at)}::date`);
  const rest =
    after === null
      ? sql``
      : phase === 'tenants'
        ? sql`and (tenant_id, ${key}, meter) > (${after.tenantId}::uuid, ${after.key}::${cast}, ${after.meter})`
        : sql`and (${key}, meter) > (${after.key}::${cast}, ${after.meter})`;
  const order = phase === 'tenants' ? sql`tenant_id, ${key}, meter` : sql`${key}, meter`;
  // The key is the ISO text itself: Postgres reads it back, and its order is the instants' order.
  const keyText = hourly ? sql`to_char(hour at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')` : sql`to_char(day, 'YYYY-MM-DD')`;
  const at = hourly ? sql`${keyText}` : sql`${keyText} || 'T00:00:00.000Z'`;
  return sql`select tenant_id, ${key} as period, ${at} as at, ${keyText} as k, meter, value
    from ${hourly ? sql`usage_hourly` : sql`usage_daily`}
    where ${scope(range, phase)} and ${key} >= ${bound(range.from)} and ${key} < ${bound(range.to)} ${rest}
    order by ${order} limit ${limit}`;
}

/**
 * A month's page: the daily rows from where the last page ended to the end of the month the
 * `limit`-th row is in, summed by month in the query (a page never ends inside a month, so months
 * need no meter in the key and are never split). Without a `limit`-th row, the page is the rest.
 */
function monthPage(range: UsageExportRange, phase: Phase, after: Position | null, limit: number): SQL {
  const tenants = phase === 'tenants';
  const key = tenants ? sql`(tenant_id, day)` : sql`day`;
  const endOf = (column: SQL) => sql`(date_trunc('month', ${column}::timestamp) + interval '1 month')::date`;
  const start =
    after === null
      ? sql``
      : tenants
        ? sql`and ${key} >= (${after.tenantId}::uuid, ${endOf(sql`${after.key}::date`)})`
        : sql`and day >= ${endOf(sql`${after.key}::date`)}`;
  const within = sql`${scope(range, phase)} and day >= ${asDate(range.from)}::date and day < ${asDate(range.to)}::date ${start}`;
  const end = tenants ? sql`tenant_id, ${endOf(sql`day`)}` : endOf(sql`day`);
  const month = sql`date_trunc('month', day::timestamp)::date`;
  return sql`with page_end as (
      select ${end} from usage_daily where ${within}
      order by ${tenants ? sql`tenant_id, day, meter` : sql`day, meter`} offset ${limit - 1} limit 1
    )
    select tenant_id, ${month} as period, to_char(${month}, 'YYYY-MM-DD') || 'T00:00:00.000Z' as at, to_char(${month}, 'YYYY-MM-DD') as k, meter, ${monthValue} as value
    from usage_daily
    where ${within} and (not exists (select 1 from page_end) or ${key} < (select * from page_end))
    group by tenant_id, ${month}, meter`;
}
