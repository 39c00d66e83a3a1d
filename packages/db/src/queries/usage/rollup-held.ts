import { sql, type SQL } from 'drizzle-orm';
import type { Executor } from '../../client.js';
import { dayKey, hourlyOf, iso, type RollupWindow, type TouchedDays } from './rollup-rows.js';
import { levelRows, type HeldMeter, type HeldRows, type LevelDelta, type LevelRow } from './rollup-levels.js';

/** One ledger delta a batch claimed (`stored_bytes` or `stored_bytes_unbilled`). */
export interface ClaimedDelta extends LevelDelta {
  tenantId: string | null;
  meter: HeldMeter;
}

interface Group {
  tenantId: string | null;
  meter: HeldMeter;
  deltas: LevelDelta[];
  held: HeldRows;
  before: bigint;
}

/** Rows written per statement (four parameters each, far below Postgres' limit). */
const WRITE_CHUNK = 4000;
const groupKey = (tenantId: string | null, meter: string): string => `${tenantId ?? ''}|${meter}`;

/**
 * Writes a batch's ledger deltas: the level rows (and the billed peak) of each tenant from its
 * first delta's hour up to the current hour, and the balance (what each tenant holds now, which
 * the ticks carry on and readers of "now" use). Runs in the batch's transaction, under the lock.
 */
export async function writeLevels(tx: Executor, window: RollupWindow, deltas: readonly ClaimedDelta[], touched: TouchedDays): Promise<void> {
  const groups = new Map<string, Group>();
  for (const d of deltas) {
    const key = groupKey(d.tenantId, d.meter);
    const group: Group = groups.get(key) ?? {
      tenantId: d.tenantId,
      meter: d.meter,
      deltas: [],
      held: { level: new Map(), peak: new Map() },
      before: 0n,
    };
    group.deltas.push({ hour: d.hour, bytes: d.bytes });
    groups.set(key, group);
  }
  await readBefore(tx, groups);
  await readHeld(tx, groups);
  const rows: Array<LevelRow & { tenantId: string | null }> = [];
  for (const group of groups.values()) {
    for (const row of levelRows({ ...group, current: window.current })) rows.push({ ...row, tenantId: group.tenantId });
  }
  for (let i = 0; i < rows.length; i += WRITE_CHUNK) {
    const values = rows
      .slice(i, i + WRITE_CHUNK)
      .map((r) => sql`(${r.tenantId}::uuid, ${iso(r.hour)}::timestamptz, ${r.meter}::text, ${r.value.toString()}::numeric)`);
    await tx.execute(sql`
      insert into usage_hourly as u (tenant_id, hour, meter, value) values ${sql.join(values, sql`, `)}
      on conflict (tenant_id, hour, meter) do update set value = excluded.value`);
  }
  for (const row of rows) touched.add(dayKey(row.tenantId, row.hour));
  await moveBalances(tx, groups);
}

/** The groups as `(tenant_id, meter, first)` rows: each tenant's meter and its first delta's hour. */
function groupValues(groups: Map<string, Group>): SQL {
  const values = [...groups.values()].map((g) => sql`(${g.tenantId}::uuid, ${g.meter}::text, ${iso(g.deltas[0]!.hour)}::timestamptz)`);
  return sql`(values ${sql.join(values, sql`, `)}) v (tenant_id, meter, first)`;
}

/** Each group's level at the end of the hour before its first delta's: its last row before then, or nothing held. */
async function readBefore(tx: Executor, groups: Map<string, Group>): Promise<void> {
  const rows = await tx.execute<{ tenant_id: string | null; meter: string; value: string }>(sql`
    select v.tenant_id, v.meter, l.value::text as value
    from ${groupValues(groups)}
    join lateral (
      select * from ${hourlyOf(sql`v.tenant_id`, sql`h.hour, h.value`, sql`h.meter = v.meter and h.hour < v.first`, sql`order by h.hour desc limit 1`)} x
      limit 1
    ) l on true`);
  for (const row of rows) groups.get(groupKey(row.tenant_id, row.meter))!.before = wholeBytes(row.value);
}

/** The level rows (and the billed peak) each group has already, from its first delta's hour on. */
async function readHeld(tx: Executor, groups: Map<string, Group>): Promise<void> {
  const meters = sql`h.meter in (v.meter, case when v.meter = 'stored_bytes' then 'stored_bytes_peak' end) and h.hour >= v.first`;
  const rows = await tx.execute<{ tenant_id: string | null; group_meter: string; hour: Date; meter: string; value: string }>(sql`
    select v.tenant_id, v.meter as group_meter, x.hour, x.meter, x.value::text as value
    from ${groupValues(groups)}
    cross join lateral ${hourlyOf(sql`v.tenant_id`, sql`h.hour, h.meter, h.value`, meters)} x`);
  for (const row of rows) {
    const held = groups.get(groupKey(row.tenant_id, row.group_meter))!.held;
    (row.meter === 'stored_bytes_peak' ? held.peak : held.level).set(new Date(row.hour).getTime(), wholeBytes(row.value));
  }
}

/** Adds each group's deltas to what its tenant holds now. */
async function moveBalances(tx: Executor, groups: Map<string, Group>): Promise<void> {
  const values = [...groups.values()].map((g) => {
    const moved = g.deltas.reduce((sum, d) => sum + d.bytes, 0n);
    return sql`(${g.tenantId}::uuid, ${g.meter === 'stored_bytes'}::boolean, ${moved.toString()}::bigint)`;
  });
  await tx.execute(sql`
    insert into usage_storage_balance as b (tenant_id, billed, bytes) values ${sql.join(values, sql`, `)}
    on conflict (tenant_id, billed) do update set bytes = b.bytes + excluded.bytes`);
}

/** Bytes are whole: a numeric's integer part is all of it. */
function wholeBytes(value: string): bigint {
  return BigInt(value.split('.')[0]!);
}
