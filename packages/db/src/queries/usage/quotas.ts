import { quotaPeriod, type QuotaName } from '@darkroom/core/contract/usage';
import { sql } from 'drizzle-orm';
import type { Executor } from '../../client.js';
import { startQuotaCounters, type QuotaLimit } from './quota-counters.js';

/**
 * Uploads' reservations against a tenant's quotas (docs/api.md#quotas). An upload's shares are
 * reserved by one short statement that updates the counters (no transaction around it, no lock held
 * past it): concurrent starts queue on the counters' rows for the length of that statement, and
 * each re-reads the rows it waited for, so none reserves past the limit.
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

/** What one reservation statement found: whether it reserved, and each counter it read (none: not started). */
interface ReserveOutcome {
  reserved: boolean;
  counters: Array<{ quota: QuotaName; used: number }>;
}

/**
 * Every quota's share in one statement: the counters locked (in one order, so two starts never wait
 * on each other crosswise), all moved and the reservation rows written if every share fits, none
 * otherwise. Its commit does not wait for the WAL's flush (`synchronous_commit` off for this
 * transaction alone): the row lock is held for the statement, not a disk write, and the upload's own
 * INSERT, committed after it as usual, flushes the WAL this reservation wrote before it. Lost to a
 * crash before that INSERT, a reservation had no upload to hold for.
 */
async function reserveAll(db: Executor, r: UploadReservation, at: Date): Promise<ReserveOutcome> {
  const { limits } = r;
  const want = sql.join(
    limits.map(({ quota, limit }) => sql`(${quota}::text, ${quotaPeriod(quota, at)}::text, ${limit}::numeric)`),
    sql`, `,
  );
  const [row] = await db.execute<{ reserved: boolean; counters: Array<{ quota: QuotaName; used: string }> | null }>(sql`
    with want (quota, period, lim) as (
      select v.* from (values ${want}) v, (select set_config('synchronous_commit', 'off', true)) async_commit
    ), locked as (
      select q.quota, q.used + q.reserved as used, q.used + q.reserved + ${r.amount}::bigint <= w.lim as fits
      from quota_counters q join want w on q.quota = w.quota and q.period = w.period
      where q.tenant_id = ${r.tenantId}::uuid
      order by q.quota
      for update of q
    ), verdict as (
      select count(*) = ${limits.length} and coalesce(bool_and(fits), false) as ok from locked
    ), moved as (
      update quota_counters q set reserved = q.reserved + ${r.amount}::bigint
      from want w, verdict v
      where v.ok and q.tenant_id = ${r.tenantId}::uuid and q.quota = w.quota and q.period = w.period
      returning q.quota, q.period
    ), held as (
      insert into quota_reservations (upload_id, tenant_id, quota, period, amount, expires_at)
      select ${r.uploadId}::uuid, ${r.tenantId}::uuid, quota, period, ${r.amount}::bigint, ${r.expiresAt.toISOString()}::timestamptz from moved
      returning 1
    )
    select (select count(*) from held) > 0 as reserved,
      (select json_agg(json_build_object('quota', quota, 'used', used::text)) from locked) as counters`);
  return { reserved: row?.reserved ?? false, counters: (row?.counters ?? []).map((c) => ({ quota: c.quota, used: Number(c.used) })) };
}

/** The first quota the upload does not fit, with what it holds (reserved included); null when a counter was missing (now started: try again). */
async function refusalOf(db: Executor, r: UploadReservation, outcome: ReserveOutcome, at: Date): Promise<QuotaRefusal | null> {
  const usedOf = new Map(outcome.counters.map((c) => [c.quota, c.used]));
  const missing = r.limits.filter(({ quota }) => !usedOf.has(quota));
  if (missing.length > 0) {
    // A month's first upload (its events would have started it otherwise), or a counter the setting of
    // the quota did not start: started here, a month's from its usage so far, storedBytes from the ledger.
    await startQuotaCounters(
      db,
      r.tenantId,
      missing.map((l) => l.quota),
      at,
      'keep',
    );
    return null;
  }
  const refused = r.limits.find(({ quota, limit }) => usedOf.get(quota)! + r.amount > limit) ?? r.limits[0]!;
  return { quota: refused.quota, limit: refused.limit, used: usedOf.get(refused.quota)! };
}

/**
 * Reserves an upload's declared size against each quota given, in one statement: every share or
 * none. Null: reserved. Call it before the upload's row is written, and `releaseUpload` if that
 * write fails.
 */
export async function reserveUpload(db: Executor, r: UploadReservation, at = new Date()): Promise<QuotaRefusal | null> {
  if (r.limits.length === 0) return null;
  const first = await reserveAll(db, r, at);
  if (first.reserved) return null;
  const refusal = await refusalOf(db, r, first, at);
  if (refusal) return refusal;
  const again = await reserveAll(db, r, at);
  return again.reserved ? null : refusalOf(db, r, again, at);
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
