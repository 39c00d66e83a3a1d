import { sql } from 'drizzle-orm';
import type { Database, Executor } from '../../client.js';
import { ensureUsagePartitions, monthStart } from './partitions.js';
import { combinedValue } from './read.js';
import { writeLevels, type ClaimedDelta } from './rollup-held.js';
import { HOUR_MS } from './rollup-levels.js';
import { dayKey, hourlyOf, iso, type RollupWindow, type TouchedDays } from './rollup-rows.js';

/** The advisory lock key of the rollup (any constant; "usage"): one rollup at a time, deployment-wide. */
const ROLLUP_LOCK = 0x75736167;
/** Events claimed per transaction. */
const DEFAULT_BATCH = 5000;
/** USAGE_HOURLY_DAYS' default: how long hourly rows are kept, and so how far back the rollup writes. */
export const DEFAULT_USAGE_HOURLY_DAYS = 62;

export interface RollupOptions {
  /** The clock (tests); default now. */
  now?: Date;
  batch?: number;
  /** USAGE_HOURLY_DAYS: no row is written in an hour older than this (it would be dropped). */
  hourlyDays?: number;
}

export const floorHour = (at: Date | number): number => Math.floor(new Date(at).getTime() / HOUR_MS) * HOUR_MS;

/** Months whose partitions this process has made sure of: the rollup writes in the same few months all day. */
const ensuredMonths = new Set<number>();
/** The current hour this process last ticked, per database: ticks are owed once an hour. */
const tickedHour = new WeakMap<object, number>();

/** Forgets the partitions made sure of (expireUsage drops some). */
export function forgetEnsuredPartitions(): void {
  ensuredMonths.clear();
}

/** Whether this transaction is the one rollup: held until it ends, so a crash frees it. */
export async function tryLockRollup(tx: Executor): Promise<boolean> {
  const rows = await tx.execute<{ locked: boolean }>(sql`select pg_try_advisory_xact_lock(${ROLLUP_LOCK}) as locked`);
  return rows[0]?.locked === true;
}

/** The partitions of every month the rollup may write (the window's). */
async function ensureWindowPartitions(db: Executor, window: RollupWindow): Promise<void> {
  const months: Date[] = [];
  for (
    let m = monthStart(new Date(window.oldest));
    m.getTime() <= window.latest;
    m = new Date(Date.UTC(m.getUTCFullYear(), m.getUTCMonth() + 1, 1))
  ) {
    if (!ensuredMonths.has(m.getTime())) months.push(m);
  }
  if (months.length === 0) return;
  await ensureUsagePartitions(db, months);
  for (const m of months) ensuredMonths.add(m.getTime());
}

/**
 * Moves every committed event not yet rolled into usage_hourly, once, and recomputes the daily rows
 * of the days it touched. Each batch is claimed (`rolled_at`) in the transaction that writes its
 * rows, so a crash undoes both; claiming by `rolled_at` rather than by an id watermark also rolls an
 * event whose transaction committed after a later id's. One rollup at a time: a second caller
 * returns at once. Every run also ticks: each tenant holding bytes has its level rows in every hour
 * up to the current one, so hours with no change still bill what was held.
 */
export async function rollupUsage(db: Database, options: RollupOptions = {}): Promise<{ events: number }> {
  const now = options.now ?? new Date();
  const batch = options.batch ?? DEFAULT_BATCH;
  const current = floorHour(now);
  const window: RollupWindow = {
    oldest: current - (options.hourlyDays ?? DEFAULT_USAGE_HOURLY_DAYS) * 24 * HOUR_MS,
    current,
    latest: floorHour(Math.max(current, Date.now()) + HOUR_MS),
  };
  await ensureWindowPartitions(db, window);
  try {
    return await rollBatches(db, window, batch);
  } catch (error) {
    // A partition dropped by another process's expiry (a shorter USAGE_HOURLY_DAYS) is made again next pass.
    forgetEnsuredPartitions();
    throw error;
  }
}

/** Batches, each in a transaction under the lock, until none is left (or another rollup holds the lock). */
async function rollBatches(db: Database, window: RollupWindow, batch: number): Promise<{ events: number }> {
  const { current } = window;
  let events = 0;
  for (let first = true; ; first = false) {
    const tick = first && tickedHour.get(db) !== current;
    const rolled = await db.transaction(async (tx) => {
      if (!(await tryLockRollup(tx))) return null;
      const touched: TouchedDays = new Set();
      if (tick) await tickHeld(tx, window, touched);
      const claimed = await rollBatch(tx, window, batch, touched);
      await recomputeDaily(tx, touched);
      return claimed;
    });
    if (rolled === null) break;
    if (tick) tickedHour.set(db, current);
    events += rolled;
    if (rolled < batch) break;
  }
  return { events };
}

type ClaimedRow = {
  kind: 'count' | 'counted' | 'held';
  id: string | null;
  tenant_id: string | null;
  meter: string | null;
  amount: string | null;
  hour: Date;
  at: Date | null;
};

/** The ledger deltas claimed, in order of time (then of id); bytes are whole, so the amount's integer part is all of it. */
function deltasOf(rows: readonly ClaimedRow[]): ClaimedDelta[] {
  const ordered = [...rows].sort((a, b) => new Date(a.at!).getTime() - new Date(b.at!).getTime() || Number(BigInt(a.id!) - BigInt(b.id!)));
  return ordered.map((row) => ({
    tenantId: row.tenant_id,
    meter: row.meter as ClaimedDelta['meter'],
    hour: new Date(row.hour).getTime(),
    bytes: BigInt(row.amount!.split('.')[0]!),
  }));
}

/** Claims one batch, adds its counted meters to their hours, and hands its ledger deltas to the levels. */
async function rollBatch(tx: Executor, window: RollupWindow, batch: number, touched: TouchedDays): Promise<number> {
  const rows = await tx.execute<ClaimedRow>(sql`
    with claimed as (
      update usage_events set rolled_at = now()
      where id in (select id from usage_events where rolled_at is null order by id limit ${batch} for update skip locked)
      returning id, tenant_id, meter, amount, at,
        least(greatest(date_trunc('hour', at, 'UTC'), ${iso(window.oldest)}::timestamptz), ${iso(window.latest)}::timestamptz) as hour
    ), counted as (
      insert into usage_hourly as u (tenant_id, hour, meter, value)
      select tenant_id, hour, meter, sum(amount) from claimed
      where meter not in ('stored_bytes', 'stored_bytes_unbilled') group by 1, 2, 3
      on conflict (tenant_id, hour, meter) do update set value = u.value + excluded.value
      returning u.tenant_id, u.hour
    )
    select 'count' as kind, null::bigint as id, null::uuid as tenant_id, null as meter, count(*)::text as amount, null::timestamptz as hour, null::timestamptz as at from claimed
    union all
    select 'counted', null, tenant_id, null, null, hour, null from counted
    union all
    select 'held', id, tenant_id, meter, amount::text, hour, at from claimed where meter in ('stored_bytes', 'stored_bytes_unbilled')`);
  let claimed = 0;
  const held = rows.filter((row) => row.kind === 'held');
  for (const row of rows) {
    if (row.kind === 'count') claimed = Number(row.amount);
    if (row.kind === 'counted') touched.add(dayKey(row.tenant_id, new Date(row.hour).getTime()));
  }
  if (held.length > 0) await writeLevels(tx, window, deltasOf(held), touched);
  return claimed;
}

/**
 * Ticks: each tenant holding bytes gets its level rows (and a peak row, the same) for every hour
 * from its last row to the current hour, at its last row's level (at most the hours kept).
 */
async function tickHeld(tx: Executor, window: RollupWindow, touched: TouchedDays): Promise<void> {
  const current = sql`${iso(window.current)}::timestamptz`;
  const rows = await tx.execute<{ tenant_id: string | null; hour: Date }>(sql`
    with held as (
      select b.tenant_id, b.billed, b.bytes, case when b.billed then 'stored_bytes' else 'stored_bytes_unbilled' end as meter
      from usage_storage_balance b where b.bytes <> 0
    ), last as (
      select held.*, l.hour, l.value from held left join lateral (
        select * from ${hourlyOf(sql`held.tenant_id`, sql`h.hour, h.value`, sql`h.meter = held.meter and h.hour <= ${current}`, sql`order by h.hour desc limit 1`)} x
        limit 1
      ) l on true
      where l.hour is null or l.hour < ${current}
    ), ticked as (
      insert into usage_hourly (tenant_id, hour, meter, value)
      select last.tenant_id, g.hour, m.meter, coalesce(last.value, last.bytes)
      from last
      cross join generate_series(greatest(last.hour + interval '1 hour', ${iso(window.oldest)}::timestamptz), ${current}, interval '1 hour') g(hour)
      cross join lateral (select last.meter union all select 'stored_bytes_peak' where last.billed) m(meter)
      on conflict (tenant_id, hour, meter) do nothing
      returning tenant_id, hour
    )
    select distinct tenant_id, date_trunc('day', hour, 'UTC') as hour from ticked`);
  for (const row of rows) touched.add(dayKey(row.tenant_id, new Date(row.hour).getTime()));
}

/**
 * Rewrites the daily rows of the days touched from their hourly rows (counted meters and levels:
 * the sum, i.e. byte-hours for the levels; the peak: the largest), so running it again changes nothing.
 */
async function recomputeDaily(tx: Executor, touched: TouchedDays): Promise<void> {
  if (touched.size === 0) return;
  const values = sql.join(
    [...touched].map((key) => {
      const [tenant, day] = key.split('|') as [string, string];
      return sql`(${tenant || null}::uuid, ${`${day}T00:00:00Z`}::timestamptz)`;
    }),
    sql`, `,
  );
  const inDay = sql`h.hour >= v.day and h.hour < v.day + interval '1 day'`;
  await tx.execute(sql`
    insert into usage_daily as d (tenant_id, day, meter, value)
    select v.tenant_id, (v.day at time zone 'UTC')::date, u.meter,
      ${combinedValue(sql`u.meter`, sql`u.value`)}
    from (values ${values}) v (tenant_id, day)
    cross join lateral ${hourlyOf(sql`v.tenant_id`, sql`h.meter, h.value`, inDay)} u
    group by 1, 2, 3
    on conflict (tenant_id, day, meter) do update set value = excluded.value`);
}
