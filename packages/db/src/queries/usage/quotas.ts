import { quotaPeriod, type QuotaName } from '@darkroom/core/contract/usage';
import { sql } from 'drizzle-orm';
import type { Executor } from '../../client.js';
import { startQuotaCounters, type QuotaLimit } from './quota-counters.js';

/**
 * Uploads' reservations against a tenant's quotas (docs/api.md#quotas). Each quota is reserved by
 * one short UPDATE of its counter, in a statement of its own (no transaction around it, no lock held
 * past it): concurrent starts queue on the counter's row for the length of that statement, and
 * each re-reads the row it waited for, so none reserves past the limit.
 */

/** Why an upload may not have its reservation: the quota it would pass, and what that quota holds now (reserved included). */
export interface QuotaRefusal {
  quota: QuotaName;
  limit: number;
  used: number;
}

export interface UploadReservation {
  tenantId: string;
  /** The upload's asset id. */
  uploadId: string;
  amount: number;
  /** The tenant's quotas an upload reserves against (storedBytes, uploadBytesPerMonth), those it set. */
  limits: readonly QuotaLimit[];
  /** When its URLs expire: the sweep releases it then, unless a renewal moved it on. */
  expiresAt: Date;
}

/**
 * One quota's share, its counter moved and the reservation row written in one statement; false when
 * it does not fit (or the counter does not exist yet).
 */
async function reserveOne(db: Executor, r: UploadReservation, { quota, limit }: QuotaLimit, period: string): Promise<boolean> {
  const rows = await db.execute(sql`
    with c as (
      update quota_counters set reserved = reserved + ${r.amount}::bigint
      where tenant_id = ${r.tenantId}::uuid and quota = ${quota} and period = ${period}
        and used + reserved + ${r.amount}::bigint <= ${limit}::numeric
      returning 1
    )
    insert into quota_reservations (upload_id, tenant_id, quota, period, amount, expires_at)
    select ${r.uploadId}::uuid, ${r.tenantId}::uuid, ${quota}, ${period}, ${r.amount}::bigint, ${r.expiresAt.toISOString()}::timestamptz from c
    returning 1`);
  return rows.length > 0;
}

/** A share refused: what the quota holds, or null when its counter was missing (now started: try again). */
async function refusalOf(db: Executor, tenantId: string, { quota, limit }: QuotaLimit, at: Date): Promise<QuotaRefusal | null> {
  const period = quotaPeriod(quota, at);
  const [row] = await db.execute<{ used: string; reserved: string }>(
    sql`select used, reserved from quota_counters where tenant_id = ${tenantId}::uuid and quota = ${quota} and period = ${period}`,
  );
  if (row) return { quota, limit, used: Number(row.used) + Number(row.reserved) };
  // A month's first upload (its events would have started it otherwise), or a counter the setting of
  // the quota did not start: started here, a month's at nothing, storedBytes from the ledger.
  if (period === 'all') await startQuotaCounters(db, tenantId, [quota], at);
  else
    await db.execute(
      sql`insert into quota_counters (tenant_id, quota, period) values (${tenantId}::uuid, ${quota}, ${period}) on conflict do nothing`,
    );
  return null;
}

async function reserveQuota(db: Executor, r: UploadReservation, limit: QuotaLimit, at: Date): Promise<QuotaRefusal | null> {
  const period = quotaPeriod(limit.quota, at);
  if (await reserveOne(db, r, limit, period)) return null;
  const refusal = await refusalOf(db, r.tenantId, limit, at);
  if (refusal) return refusal;
  return (await reserveOne(db, r, limit, period)) ? null : refusalOf(db, r.tenantId, limit, at);
}

/**
 * Reserves an upload's declared size against each quota given, one statement each; the first that
 * does not fit refuses, and what the others took is given back. Null: reserved. Call it before the
 * upload's row is written, and `releaseUpload` if that write fails.
 */
export async function reserveUpload(db: Executor, r: UploadReservation, at = new Date()): Promise<QuotaRefusal | null> {
  for (const limit of r.limits) {
    const refusal = await reserveQuota(db, r, limit, at);
    if (refusal) {
      await releaseUpload(db, r.uploadId);
      return refusal;
    }
  }
  return null;
}

/**
 * A renewal of an upload's URLs: what it holds is held until `expiresAt`; what it no longer holds
 * (swept once its URLs expired, or a quota set since) is reserved again, or the renewal is refused
 * and the upload gives back everything it held.
 */
export async function renewUpload(db: Executor, r: UploadReservation, at = new Date()): Promise<QuotaRefusal | null> {
  if (r.limits.length === 0) return null;
  const held = await db.execute<{ quota: QuotaName }>(sql`
    update quota_reservations set expires_at = greatest(expires_at, ${r.expiresAt.toISOString()}::timestamptz)
    where upload_id = ${r.uploadId}::uuid returning quota`);
  const holds = new Set([...held].map((row) => row.quota));
  return reserveUpload(db, { ...r, limits: r.limits.filter((l) => !holds.has(l.quota)) }, at);
}

/** Gives back what an upload holds (`complete`, `abort`, a failed start): a repeat finds nothing. */
export async function releaseUpload(db: Executor, uploadId: string): Promise<void> {
  await db.execute(sql`
    with r as (delete from quota_reservations where upload_id = ${uploadId}::uuid returning tenant_id, quota, period, amount)
    update quota_counters q set reserved = greatest(q.reserved - r.amount, 0)
    from r where q.tenant_id = r.tenant_id and q.quota = r.quota and q.period = r.period`);
}

/**
 * The sweep: gives back reservations whose URLs expired unrenewed (at most `limit` a pass), so a
 * browser holding an upload token cannot hold a tenant's quota past UPLOAD_URL_TTL. Answers how many.
 */
export async function releaseExpiredReservations(db: Executor, params: { now?: Date; limit?: number } = {}): Promise<number> {
  const now = (params.now ?? new Date()).toISOString();
  const rows = await db.execute<{ n: string }>(sql`
    with r as (
      delete from quota_reservations where (upload_id, quota) in (
        select upload_id, quota from quota_reservations where expires_at <= ${now}::timestamptz
        order by expires_at limit ${params.limit ?? 1000} for update skip locked)
      returning tenant_id, quota, period, amount
    ), s as (select tenant_id, quota, period, sum(amount) as amount, count(*) as n from r group by 1, 2, 3),
    u as (
      update quota_counters q set reserved = greatest(q.reserved - s.amount, 0)
      from s where q.tenant_id = s.tenant_id and q.quota = s.quota and q.period = s.period
    )
    select coalesce(sum(n), 0) as n from s`);
  return Number(rows[0]?.n ?? 0);
}
