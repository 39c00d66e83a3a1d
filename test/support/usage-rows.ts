import { randomUUID } from 'node:crypto';
import { ensureUsagePartitions } from '@darkroom/db/queries/usage';
import type { Executor } from '@darkroom/db/client';
import { sql } from 'drizzle-orm';

/**
 * Usage rows written by hand, as the rollup would write them, for the tests that read usage back:
 * the month's partitions first (the tables have none until someone writes there).
 */
export async function insertHourly(db: Executor, rows: { tenantId: string | null; hour: string; meter: string; value: number }[]): Promise<void> {
  await ensureUsagePartitions(
    db,
    rows.map((r) => new Date(r.hour)),
  );
  const values = sql.join(
    rows.map((r) => sql`(${r.tenantId}::uuid, ${r.hour}::timestamptz, ${r.meter}, ${r.value})`),
    sql`, `,
  );
  await db.execute(sql`insert into usage_hourly (tenant_id, hour, meter, value) values ${values}`);
}

export async function insertDaily(db: Executor, rows: { tenantId: string | null; day: string; meter: string; value: number }[]): Promise<void> {
  await ensureUsagePartitions(
    db,
    rows.map((r) => new Date(`${r.day}T00:00:00Z`)),
  );
  const values = sql.join(
    rows.map((r) => sql`(${r.tenantId}::uuid, ${r.day}::date, ${r.meter}, ${r.value})`),
    sql`, `,
  );
  await db.execute(sql`insert into usage_daily (tenant_id, day, meter, value) values ${values}`);
}

/** A fresh tenant id for rows of no real tenant (the tables hold no foreign key): a test's own, whoever else writes. */
export const ghostTenant = () => randomUUID();
