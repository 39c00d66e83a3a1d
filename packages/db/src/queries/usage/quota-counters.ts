import { QUOTA_METERS, QUOTAS, quotaPeriod, type QuotaName, type TenantQuotas } from '@darkroom/core/contract/usage';
import { sql } from 'drizzle-orm';
import type { Executor } from '../../client.js';
import { monthStart } from './partitions.js';

/** The quotas a new original's bytes count against: an upload reserves its declared size on them, an import item is checked. */
export const UPLOAD_QUOTAS: readonly QuotaName[] = ['storedBytes', 'uploadBytesPerMonth'];

/** A quota a tenant set, with its limit. */
export interface QuotaLimit {
  quota: QuotaName;
  limit: number;
}

/** The quotas a tenant set (a limit given), in QUOTAS' order: none for a tenant without quotas. */
export function quotaLimits(quotas: TenantQuotas | null | undefined, only: readonly QuotaName[] = QUOTAS): QuotaLimit[] {
  return only.flatMap((quota) => {
    const limit = quotas?.[quota];
    return typeof limit === 'number' ? [{ quota, limit }] : [];
  });
}

/** What a quota's current period holds: `used` counted, `reserved` by uploads in flight. */
export interface QuotaUse {
  quota: QuotaName;
  period: string;
  used: number;
  reserved: number;
}

/**
 * The current period's counters of the quotas given (a month with no counter yet: nothing used).
 * One indexed read; a tenant without quotas passes none and pays nothing.
 */
export async function readQuotaUse(db: Executor, tenantId: string, quotas: readonly QuotaName[], at = new Date()): Promise<QuotaUse[]> {
  if (quotas.length === 0) return [];
  const keys = sql.join(
    quotas.map((q) => sql`(${q}::text, ${quotaPeriod(q, at)}::text)`),
    sql`, `,
  );
  const rows = await db.execute<{ quota: QuotaName; used: string; reserved: string }>(sql`
    select quota, used, reserved from quota_counters
    where tenant_id = ${tenantId}::uuid and (quota, period) in (${keys})`);
  const found = new Map([...rows].map((r) => [r.quota, r]));
  return quotas.map((quota) => {
    const row = found.get(quota);
    return { quota, period: quotaPeriod(quota, at), used: Number(row?.used ?? 0), reserved: Number(row?.reserved ?? 0) };
  });
}

/**
 * What a quota has used in its current period, from the records, for a counter that starts now:
 * `storedBytes` from the ledger (billed objects held); a monthly quota from the month's daily rows
 * and the events not rolled into them yet, in one snapshot (the rollup claims events and rewrites
 * the days they fall in, in one transaction, so each event is in exactly one of the two).
 */
function usedFromRecords(tenantId: string, quota: QuotaName, at: Date) {
  const { meters } = QUOTA_METERS[quota];
  if (meters === 'stored') {
    return sql`(select coalesce(sum(bytes), 0) from stored_objects where tenant_id = ${tenantId}::uuid and billed)`;
  }
  const from = monthStart(at);
  const to = new Date(Date.UTC(from.getUTCFullYear(), from.getUTCMonth() + 1, 1));
  const list = sql.join(
    meters.map((m) => sql`${m}::text`),
    sql`, `,
  );
  const [fromDay, toDay] = [from.toISOString().slice(0, 10), to.toISOString().slice(0, 10)];
  return sql`(
    (select coalesce(sum(value), 0) from usage_daily
      where tenant_id = ${tenantId}::uuid and meter in (${list}) and day >= ${fromDay}::date and day < ${toDay}::date)
    + (select coalesce(sum(amount), 0) from usage_events
      where tenant_id = ${tenantId}::uuid and meter in (${list}) and rolled_at is null
        and at >= ${from.toISOString()}::timestamptz and at < ${to.toISOString()}::timestamptz))`;
}

/**
 * Starts the counters of quotas a tenant has just set, for their current period, from the records
 * (`usedFromRecords`). Call it in the transaction that sets them. Events in flight as the quota is
 * set (written by a statement that still read the tenant without it) may be missed by both this and
 * their own statement: a counter is exact from the moment the quota is set on.
 */
export async function startQuotaCounters(
  tx: Executor,
  tenantId: string,
  quotas: readonly QuotaName[],
  at = new Date(),
  /** `keep`: a counter that exists already stays as it is (a start that found it missing, racing others). */
  existing: 'replace' | 'keep' = 'replace',
): Promise<void> {
  const onConflict = existing === 'keep' ? sql`do nothing` : sql`do update set used = excluded.used`;
  for (const quota of quotas) {
    await tx.execute(sql`
      insert into quota_counters (tenant_id, quota, period, used)
      values (${tenantId}::uuid, ${quota}, ${quotaPeriod(quota, at)}, ${usedFromRecords(tenantId, quota, at)})
      on conflict (tenant_id, quota, period) ${onConflict}`);
  }
}

/**
 * Drops what quotas a tenant has cleared kept up to date: their counters (only tenants with a quota
 * pay for one) and their holds (docs/operations.md#usage). The usage tables and the notices sent stay: a quota
 * set again this month starts from the records and does not warn twice.
 */
export async function dropQuotaCounters(tx: Executor, tenantId: string, quotas: readonly QuotaName[]): Promise<void> {
  if (quotas.length === 0) return;
  const list = sql.join(
    quotas.map((q) => sql`${q}::text`),
    sql`, `,
  );
  await tx.execute(sql`delete from quota_holds where tenant_id = ${tenantId}::uuid and quota in (${list})`);
  await tx.execute(sql`delete from quota_counters where tenant_id = ${tenantId}::uuid and quota in (${list})`);
}

/** Which quotas a change of settings sets anew (a counter to start) and which it clears (counters to drop). */
export function quotaChanges(before: TenantQuotas | null | undefined, after: TenantQuotas): { started: QuotaName[]; cleared: QuotaName[] } {
  const had = new Set(quotaLimits(before).map((q) => q.quota));
  const has = new Set(quotaLimits(after).map((q) => q.quota));
  return { started: QUOTAS.filter((q) => has.has(q) && !had.has(q)), cleared: QUOTAS.filter((q) => had.has(q) && !has.has(q)) };
}

/**
 * One quota's limit and what its current period has used, for a check that reserves nothing (the
 * worker's video quota, an import item): null when the tenant has not set it. One indexed read.
 */
export async function readQuotaOf(
  db: Executor,
  tenantId: string,
  quota: QuotaName,
  at = new Date(),
): Promise<{ limit: number; used: number } | null> {
  const [row] = await db.execute<{ limit: string | null; used: string | null }>(sql`
    select t.quotas ->> ${quota} as limit, q.used + q.reserved as used
    from tenants t left join quota_counters q on q.tenant_id = t.id and q.quota = ${quota} and q.period = ${quotaPeriod(quota, at)}
    where t.id = ${tenantId}::uuid and jsonb_typeof(t.quotas -> ${quota}) = 'number'`);
  return row ? { limit: Number(row.limit), used: Number(row.used ?? 0) } : null;
}
