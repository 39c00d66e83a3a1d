import { sql } from 'drizzle-orm';
import type { Executor } from '../../client.js';
import type { USAGE_PARTITIONED } from './partitions.js';
import { forgetEnsuredPartitions } from './rollup.js';

const DAY_MS = 86_400_000;
/** Daily rows are kept two years (docs/operations.md#usage). */
const DAILY_YEARS = 2;
/** Rolled events are kept a week: their `source` dedupes a late retry within that window. */
export const ROLLED_EVENT_DAYS = 7;
const DELETE_BATCH = 10_000;

/** A partition's month from its name (`usage_hourly_2026_11`, partitions.ts's `partitionName`). */
function monthOf(name: string): { start: Date; end: Date } | null {
  const match = /_(\d{4})_(\d{2})$/.exec(name);
  if (!match) return null;
  const [year, month] = [Number(match[1]), Number(match[2]) - 1];
  return { start: new Date(Date.UTC(year, month, 1)), end: new Date(Date.UTC(year, month + 1, 1)) };
}

/** The last instant a month's rows are kept to, by table: hourly for `hourlyDays` after the month ends, daily two years. */
function keptUntil(table: (typeof USAGE_PARTITIONED)[number], monthEnd: Date, hourlyDays: number): number {
  if (table === 'usage_hourly') return monthEnd.getTime() + hourlyDays * DAY_MS;
  return Date.UTC(monthEnd.getUTCFullYear() + DAILY_YEARS, monthEnd.getUTCMonth(), monthEnd.getUTCDate());
}

/**
 * Retention: drops each month's partition of usage_hourly once the whole month ended more than
 * `hourlyDays` ago (a drop, not a delete: no dead rows, no vacuum), of usage_daily once it ended
 * more than two years ago, and deletes rolled events older than a week, a batch at a time.
 */
export async function expireUsage(
  db: Executor,
  options: { now?: Date; hourlyDays: number },
): Promise<{ droppedPartitions: string[]; deletedEvents: number }> {
  const now = (options.now ?? new Date()).getTime();
  const partitions = await db.execute<{ parent: string; name: string }>(sql`
    select p.relname as parent, c.relname as name from pg_inherits i
    join pg_class c on c.oid = i.inhrelid join pg_class p on p.oid = i.inhparent
    where p.relname in ('usage_hourly', 'usage_daily') and p.relnamespace = c.relnamespace
      and p.relnamespace = current_schema()::regnamespace
    order by c.relname`);
  const droppedPartitions: string[] = [];
  for (const { parent, name } of partitions) {
    const month = monthOf(name);
    if (!month || keptUntil(parent as (typeof USAGE_PARTITIONED)[number], month.end, options.hourlyDays) > now) continue;
    // The name comes from the catalog and matched partitionName's pattern above.
    await db.execute(sql.raw(`drop table if exists "${name}"`));
    droppedPartitions.push(name);
  }
  if (droppedPartitions.length > 0) forgetEnsuredPartitions();
  const before = new Date(now - ROLLED_EVENT_DAYS * DAY_MS).toISOString();
  let deletedEvents = 0;
  for (;;) {
    const gone = await db.execute<{ id: string }>(sql`
      delete from usage_events where id in (
        select id from usage_events where rolled_at is not null and rolled_at < ${before}::timestamptz limit ${DELETE_BATCH}
      ) returning id`);
    deletedEvents += gone.length;
    if (gone.length < DELETE_BATCH) break;
  }
  return { droppedPartitions, deletedEvents };
}
