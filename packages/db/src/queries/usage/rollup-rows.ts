import { sql, type SQL } from 'drizzle-orm';

/** What a rollup run shares between its parts: the hours it writes and the days it touched. */

/**
 * The hours the rollup writes (ms): from the oldest one kept (an older event counts there) to the
 * current one, which the ticks reach; an event is written at its own hour up to `latest`, the
 * clock's next hour (one stamped ahead by another host's clock, or past a test's `now`), and no later.
 */
export interface RollupWindow {
  oldest: number;
  current: number;
  latest: number;
}

/** The (tenant, UTC day) pairs whose daily rows a run recomputes, as `tenant|day` keys. */
export type TouchedDays = Set<string>;

export const dayKey = (tenantId: string | null, hour: number): string => `${tenantId ?? ''}|${new Date(hour).toISOString().slice(0, 10)}`;

export const iso = (ms: number): string => new Date(ms).toISOString();

/**
 * `usage_hourly` rows (alias `h`) of `tenant` (an SQL expression, maybe null) matching `where`: two
 * branches, so that each is an index lookup (`is not distinct from` is not).
 */
export function hourlyOf(tenant: SQL, columns: SQL, where: SQL, tail: SQL = sql``): SQL {
  return sql`(
    (select ${columns} from usage_hourly h where h.tenant_id = ${tenant} and ${where} ${tail})
    union all
    (select ${columns} from usage_hourly h where ${tenant} is null and h.tenant_id is null and ${where} ${tail})
  )`;
}
