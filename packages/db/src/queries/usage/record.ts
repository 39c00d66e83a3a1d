import { QUOTA_METERS, QUOTAS, type CountedMeter, type QuotaName } from '@darkroom/core/contract/usage';
import { sql, type SQL } from 'drizzle-orm';
import type { Executor } from '../../client.js';

/**
 * One metered event: what it adds to a meter, for whom (null: the deployment), and what caused it.
 * `source` names the cause (`upload:<assetId>`, `render:<jobId>:<variant>`, a flush batch's key):
 * an event recorded twice under one source counts once, whatever crashes and retries happen.
 */
export interface UsageEvent {
  tenantId: string | null;
  meter: CountedMeter;
  amount: number;
  source: string;
  /** When it happened; default now (the hour it is counted in). */
  at?: Date | undefined;
}

/** A quota counter an event moved: what the caller checks against the tenant's limit (threshold events). */
export interface MovedCounter {
  tenantId: string;
  quota: QuotaName;
  period: string;
  used: number;
  /** The quota's limit when the statement read it with the counter (noteQuotaThresholds reads it otherwise). */
  limit?: number | undefined;
}

/** A moved counter as a statement returns it: `returning q.tenant_id, q.quota, q.period, q.used, <its limit> as limit`. */
export type MovedCounterRow = {
  tenant_id: string;
  quota: QuotaName;
  period: string;
  used: string;
  limit: string | null;
};

export const movedCounterOf = (r: MovedCounterRow): MovedCounter => ({
  tenantId: r.tenant_id,
  quota: r.quota,
  period: r.period,
  used: Number(r.used),
  limit: r.limit === null ? undefined : Number(r.limit),
});

/** `CASE meter WHEN 'upload_bytes' THEN 'uploadBytesPerMonth' … END`: the monthly quota each meter counts against. */
const quotaOfMeter: SQL = (() => {
  const whens = QUOTAS.flatMap((quota) => {
    const { meters } = QUOTA_METERS[quota];
    return meters === 'stored' ? [] : meters.map((meter) => sql`when ${meter} then ${quota}`);
  });
  return sql`case e.meter ${sql.join(whens, sql` `)} end`;
})();

/**
 * Appends events (in the caller's transaction, where the change they meter commits), and moves the
 * monthly quota counters of tenants that have that quota set, in the same statement (a month's
 * counter starts with its first event): a tenant without quotas pays one primary-key lookup.
 * Answers the counters moved with their limits, for the threshold events (which then read nothing more).
 */
export async function recordUsage(db: Executor, events: readonly UsageEvent[]): Promise<MovedCounter[]> {
  const live = events.filter((e) => e.amount !== 0);
  if (live.length === 0) return [];
  const rows = sql.join(
    live.map(
      (e) =>
        sql`(${e.tenantId}::uuid, ${e.meter}::text, ${e.amount}::numeric, ${(e.at ?? new Date()).toISOString()}::timestamptz, ${e.source}::text)`,
    ),
    sql`, `,
  );
  const moved = await db.execute<MovedCounterRow>(sql`
    with e as (
      insert into usage_events (tenant_id, meter, amount, at, source)
      values ${rows}
      on conflict (source, meter) do nothing
      returning tenant_id, meter, amount, at
    ), per_quota as (
      select e.tenant_id, ${quotaOfMeter} as quota, to_char(e.at at time zone 'UTC', 'YYYY-MM') as period, sum(e.amount) as amount
      from e where e.tenant_id is not null group by 1, 2, 3
    )
    insert into quota_counters as q (tenant_id, quota, period, used)
    select p.tenant_id, p.quota, p.period, p.amount
    from per_quota p join tenants t on t.id = p.tenant_id
    where p.quota is not null and jsonb_typeof(t.quotas -> p.quota) = 'number'
    on conflict (tenant_id, quota, period) do update set used = q.used + excluded.used
    returning q.tenant_id, q.quota, q.period, q.used,
      (select t.quotas ->> q.quota from tenants t where t.id = q.tenant_id and jsonb_typeof(t.quotas -> q.quota) = 'number') as limit`);
  return [...moved].map(movedCounterOf);
}
