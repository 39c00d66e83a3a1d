import type { Meter } from '@darkroom/core/contract/usage';
import type { Executor } from '@darkroom/db/client';
import { combineUsage, readTenantUsage, type UsageGranularity } from '@darkroom/db/queries/usage';
import { periodStarts } from './periods.js';

export interface UsageQuery {
  from: Date;
  to: Date;
  granularity: UsageGranularity;
  meters: readonly Meter[];
}

export interface UsageSeries {
  from: string;
  to: string;
  granularity: UsageGranularity;
  series: { at: string; values: Partial<Record<Meter, number>> }[];
  totals: Partial<Record<Meter, number>>;
}

/**
 * A tenant's (null: the deployment's) usage over a range already checked (periods.ts): every period
 * of it, each with every meter asked, 0 where the tables hold no row; and the range's totals.
 */
export async function usageSeries(db: Executor, tenantId: string | null, query: UsageQuery): Promise<UsageSeries> {
  const rows = await readTenantUsage(db, { tenantId, ...query });
  const byPeriod = new Map<number, Map<Meter, number>>();
  for (const row of rows) {
    const values = byPeriod.get(row.at.getTime()) ?? new Map<Meter, number>();
    byPeriod.set(row.at.getTime(), values.set(row.meter, row.value));
  }
  const totals = new Map<Meter, number>(query.meters.map((m) => [m, 0]));
  const series = periodStarts(query.from, query.to, query.granularity).map((at) => {
    const found = byPeriod.get(at.getTime());
    const values = Object.fromEntries(query.meters.map((m) => [m, found?.get(m) ?? 0])) as Record<Meter, number>;
    for (const m of query.meters) totals.set(m, combineUsage(m, totals.get(m)!, values[m]));
    return { at: at.toISOString(), values };
  });
  return {
    from: query.from.toISOString(),
    to: query.to.toISOString(),
    granularity: query.granularity,
    series,
    totals: Object.fromEntries(totals),
  };
}
