import { sql } from 'drizzle-orm';
import type { Executor } from '../../client.js';

/** The partitioned usage tables: one partition a month each (0020_usage.sql). */
export const USAGE_PARTITIONED = ['usage_hourly', 'usage_daily'] as const;

/** The first instant of the month `at` is in (UTC). */
export function monthStart(at: Date): Date {
  return new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), 1));
}

function nextMonth(start: Date): Date {
  return new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + 1, 1));
}

/** A month's partition of a table: `usage_hourly_2026_11`. */
export function partitionName(table: (typeof USAGE_PARTITIONED)[number], month: Date): string {
  const start = monthStart(month);
  return `${table}_${start.getUTCFullYear()}_${String(start.getUTCMonth() + 1).padStart(2, '0')}`;
}

function isDuplicateTable(err: unknown): boolean {
  const code = (err as { cause?: { code?: string } }).cause?.code ?? (err as { code?: string }).code;
  return code === '42P07' || code === '23505';
}

/**
 * Creates the partitions of the months given (any instant within each), where missing, in both
 * tables. Whoever writes usage rows calls it first for the months it writes: a row with no
 * partition to go to is an error, and a default partition would have to be emptied before a
 * month's partition could be made. Concurrent callers are safe (one makes it, the others find it).
 */
export async function ensureUsagePartitions(db: Executor, months: readonly Date[]): Promise<void> {
  const starts = new Map(months.map((m) => [monthStart(m).getTime(), monthStart(m)]));
  for (const start of starts.values()) {
    const from = start.toISOString();
    const to = nextMonth(start).toISOString();
    for (const table of USAGE_PARTITIONED) {
      // Names and bounds come from dates formatted here, never from input.
      const bounds = table === 'usage_daily' ? [from.slice(0, 10), to.slice(0, 10)] : [from, to];
      const name = partitionName(table, start);
      const [found] = await db.execute<{ name: string | null }>(sql`select to_regclass(${name})::text as name`);
      if (found?.name) continue;
      await db
        .execute(sql.raw(`create table if not exists ${name} partition of ${table} for values from ('${bounds[0]}') to ('${bounds[1]}')`))
        .catch((err: unknown) => {
          // Another process made it between the check and here (the catalog's own race).
          if (!isDuplicateTable(err)) throw err;
        });
    }
  }
}
