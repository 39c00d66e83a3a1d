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

/** What one reservation statement found: which uploads it reserved, and the counters it read (none: not started). */
interface BatchOutcome {
  reserved: Set<string>;
  counters: Map<QuotaName, number>;
}

/**
 * A batch of one tenant's uploads reserved in one statement. The counters are locked (in one order,
 * so two batches never wait on each other crosswise); every quota takes the same amounts, so the
 * room is the smallest of `limit - used - reserved`, and the uploads take it greedily in the order
 * given: each one that fits what the ones before it left is reserved on every quota, the others on
 * none. Its commit does not wait for the WAL's flush (`synchronous_commit` off for this transaction
 * alone): the row lock is held for the statement, not a disk write, and each upload's own INSERT,
 * committed after it as usual, flushes the WAL this reservation wrote before it. Lost to a crash
 * before that INSERT, a reservation had no upload to hold for.
 */
async function reserveBatch(db: Executor, batch: readonly UploadReservation[], at: Date): Promise<BatchOutcome> {
  const { tenantId, limits } = batch[0]!;
  // Arrays as single parameters: one statement text whatever the batch, so it is prepared once per
  // connection and its plan kept (planned anew each time, this statement cost more than the start).
  const quotas = pgArray(limits.map((l) => l.quota));
  const periods = pgArray(limits.map((l) => quotaPeriod(l.quota, at)));
  const lims = pgArray(limits.map((l) => String(l.limit)));
  const ids = pgArray(batch.map((r) => r.uploadId));
  const amounts = pgArray(batch.map((r) => String(r.amount)));
  const expiries = pgArray(batch.map((r) => r.expiresAt.toISOString()));
  const [row] = await db.execute<{ reserved: string[] | null; counters: Array<{ quota: QuotaName; held: string }> | null }>(sql`
    with recursive want (quota, period, lim) as (
      select v.* from unnest(${quotas}::text[], ${periods}::text[], ${lims}::numeric[]) v, (select set_config('synchronous_commit', 'off', true)) async_commit
    ), locked as (
      select q.quota, q.period, q.used + q.reserved as held, w.lim
      from quota_counters q join want w on q.quota = w.quota and q.period = w.period
      where q.tenant_id = ${tenantId}::uuid
      order by q.quota
      for update of q
    ), room as (
      select case when count(*) = cardinality(${quotas}::text[]) then min(lim - held) else -1 end as room from locked
    ), u (upload_id, amount, expires_at, ord) as (
      select * from unnest(${ids}::uuid[], ${amounts}::numeric[], ${expiries}::timestamptz[]) with ordinality
    ),
    greedy (ord, taken, fits) as (
      select 0::bigint, 0::numeric, false
      union all
      select u.ord, g.taken + case when g.taken + u.amount <= r.room then u.amount else 0 end, g.taken + u.amount <= r.room
      from greedy g join u on u.ord = g.ord + 1 cross join room r
    ), fitting as (
      select u.* from u join greedy g on g.ord = u.ord where g.fits
    ), moved as (
      update quota_counters q set reserved = q.reserved + (select coalesce(sum(amount), 0) from fitting)::bigint
      from locked l
      where exists (select 1 from fitting) and q.tenant_id = ${tenantId}::uuid and q.quota = l.quota and q.period = l.period
      returning q.quota, q.period
    ), held as (
      insert into quota_reservations (upload_id, tenant_id, quota, period, amount, expires_at)
      select f.upload_id, ${tenantId}::uuid, m.quota, m.period, f.amount::bigint, f.expires_at from fitting f cross join moved m
      returning upload_id
    )
    select (select array_agg(distinct upload_id::text) from held) as reserved,
      (select json_agg(json_build_object('quota', quota, 'held', held::text)) from locked) as counters`);
  return {
    reserved: new Set(row?.reserved ?? []),
    counters: new Map((row?.counters ?? []).map((c) => [c.quota, Number(c.held)])),
  };
}

/** A Postgres array literal of values that need no quoting (ids, numbers, ISO times, quota names). */
const pgArray = (values: readonly string[]): string => `{${values.join(',')}}`;

/** Why an upload that did not fit was refused: the quota with the least room, and what it held (reserved included) with the batch's earlier uploads. */
function refusalIn(batch: readonly UploadReservation[], outcome: BatchOutcome, index: number): QuotaRefusal {
  const r = batch[index]!;
  const before = batch.slice(0, index).reduce((sum, b) => sum + (outcome.reserved.has(b.uploadId) ? b.amount : 0), 0);
  const tightest = [...r.limits].sort((a, b) => a.limit - outcome.counters.get(a.quota)! - (b.limit - outcome.counters.get(b.quota)!))[0]!;
  return { quota: tightest.quota, limit: tightest.limit, used: outcome.counters.get(tightest.quota)! + before };
}

/**
 * Reserves uploads' declared sizes against their quotas, every share of an upload or none, in one
 * statement for the batch (one tenant's uploads, reserving against the same quotas): the first fit
 * first. Answers, in the batch's order, null for each reserved and the refusal of each that was not.
 * Call it before the uploads' rows are written, and `releaseUpload` for each whose write fails.
 */
export async function reserveUploads(db: Executor, batch: readonly UploadReservation[], at = new Date()): Promise<Array<QuotaRefusal | null>> {
  if (batch.length === 0 || batch[0]!.limits.length === 0) return batch.map(() => null);
  let outcome = await reserveBatch(db, batch, at);
  const missing = batch[0]!.limits.filter(({ quota }) => !outcome.counters.has(quota));
  if (missing.length > 0) {
    // A month's first upload (its events would have started it otherwise), or a counter the setting of
    // the quota did not start: started here, a month's from its usage so far, storedBytes from the ledger.
    await startQuotaCounters(
      db,
      batch[0]!.tenantId,
      missing.map((l) => l.quota),
      at,
      'keep',
    );
    outcome = await reserveBatch(db, batch, at);
  }
  return batch.map((r, i) => (outcome.reserved.has(r.uploadId) ? null : refusalIn(batch, outcome, i)));
}

/** One upload's reservation: `reserveUploads` with a batch of one. */
export async function reserveUpload(db: Executor, r: UploadReservation, at = new Date()): Promise<QuotaRefusal | null> {
  const [refusal] = await reserveUploads(db, [r], at);
  return refusal ?? null;
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
