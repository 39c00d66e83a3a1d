import { quotaPeriod, type QuotaName } from '@darkroom/core/contract/usage';
import { sql } from 'drizzle-orm';
import type { Executor } from '../../client.js';
import { newId } from '../../ids.js';
import { startQuotaCounters, type QuotaLimit } from './quota-counters.js';

/**
 * Upload reservations against a tenant's quotas (docs/api.md#quotas), as holds: what one short
 * statement took from the quota counters (no transaction around it, no lock held past it), a row per
 * quota. An API process takes one for the starts waiting on it, and, while a tenant's starts come
 * faster than those statements, a little more for the next ones (its credit, spent without a
 * statement); an upload records the hold it was served from (`assets.quota_hold_id`) and gives its
 * size back to it when it ends. A hold's expiry gives back whatever it still holds.
 */

/** Why an upload may not have its reservation: the quota it would pass, and what that quota holds now (reserved included). */
export interface QuotaRefusal {
  quota: QuotaName;
  limit: number;
  used: number;
}

/**
 * The share of the room left past the waiting starts that a hold may take beyond them: near a
 * limit a credit is small, so a start refused by one process while another holds credit is refused
 * by a sliver of the quota, and a killed process's credit keeps little from the tenant until it expires.
 */
export const HOLD_ROOM_SHARE = 0.01;

export interface HoldRequest {
  tenantId: string;
  /** A new id: the uploads served from the hold record it. */
  holdId: string;
  /** The tenant's quotas the uploads reserve against (storedBytes, uploadBytesPerMonth), those it set. */
  limits: readonly QuotaLimit[];
  /** The waiting starts' declared sizes, first come first fit: each is reserved on every quota or none. */
  sizes: readonly number[];
  /** Bytes asked beyond `sizes`, granted up to HOLD_ROOM_SHARE of the room past them. */
  extra: number;
  /** When the hold gives back what it still holds: past every URL of the uploads it serves. */
  expiresAt: Date;
  /** A credit of the same quotas and periods given back in the same statement: its hold and what is left of it. */
  returned?: { holdId: string; amount: number } | undefined;
}

export interface HoldGrant {
  /** Bytes the hold took on every quota (0: none, nothing written). */
  granted: number;
  /** For each of `sizes`: reserved (null), or why not. */
  refusals: Array<QuotaRefusal | null>;
  /** What the hold took beyond the sizes that fit: the credit for the next starts. */
  credit: number;
}

const pgArray = (values: readonly (string | number)[]): string => `{${values.join(',')}}`;

interface HoldRow {
  granted: string | null;
  counters: Array<{ quota: QuotaName; held: string }> | null;
}

/**
 * The statement. The counters are locked in one order (two holds never wait on each other
 * crosswise); the room is the smallest of `limit - used - reserved` with the credit given back; if
 * the waiting sizes fit, the hold takes them and its share of what is left past them, else all the
 * room (`takeQuotaHold` fits the sizes into it first come first fit, and gives back the rest). Its commit does
 * not wait for the WAL's flush (`synchronous_commit` off for this transaction alone): each upload's
 * own INSERT, committed after it as usual, flushes it; lost to a crash before that, a hold served no upload.
 */
async function holdStatement(db: Executor, r: HoldRequest, need: number, at: Date): Promise<HoldRow | undefined> {
  const returned = r.returned?.amount ?? 0;
  const [row] = await db.execute<HoldRow & Record<string, unknown>>(sql`
    with want (quota, period, lim) as (
      select * from unnest(${pgArray(r.limits.map((l) => l.quota))}::text[], ${pgArray(r.limits.map((l) => quotaPeriod(l.quota, at)))}::text[], ${pgArray(r.limits.map((l) => l.limit))}::numeric[])
    ), locked as (
      select q.quota, q.period, q.used + q.reserved - ${returned}::bigint as held, w.lim
      from quota_counters q join want w on q.quota = w.quota and q.period = w.period, (select set_config('synchronous_commit', 'off', true)) async_commit
      where q.tenant_id = ${r.tenantId}::uuid
      order by q.quota
      for update of q
    ), room as (
      select case when count(*) = ${r.limits.length}::int then min(lim - held) end as room from locked
    ), hold as (
      select (case when room is null then null
        when room >= ${need}::bigint then ${need}::bigint + least(${r.extra}::bigint, floor((room - ${need}::bigint) * ${HOLD_ROOM_SHARE}::numeric))
        else greatest(room, 0) end)::bigint as granted
      from room
    ), moved as (
      update quota_counters q set reserved = greatest(q.reserved - ${returned}::bigint, 0) + h.granted
      from locked l, hold h
      where h.granted is not null and q.tenant_id = ${r.tenantId}::uuid and q.quota = l.quota and q.period = l.period
      returning q.quota, q.used + q.reserved as held
    ), gave as (
      update quota_holds g set amount = g.amount - ${returned}::bigint
      where ${returned}::bigint > 0 and g.id = ${r.returned?.holdId ?? null}::uuid and exists (select 1 from moved)
      returning 1
    ), taken as (
      insert into quota_holds (id, quota, tenant_id, period, amount, expires_at)
      select ${r.holdId}::uuid, l.quota, ${r.tenantId}::uuid, l.period, h.granted, ${r.expiresAt.toISOString()}::timestamptz
      from locked l, hold h where h.granted > 0
      returning 1
    )
    select (select granted::text from hold) as granted,
      (select json_agg(json_build_object('quota', quota, 'held', held::text)) from moved) as counters,
      (select count(*) from gave) + (select count(*) from taken) as written`);
  return row;
}

/** The sizes fitted into what a hold granted, first come first fit, and the refusals of those that did not fit. */
function fitSizes(r: HoldRequest, granted: number, held: Map<QuotaName, number>): HoldGrant {
  let taken = 0;
  const fits = r.sizes.map((size) => {
    const fit = taken + size <= granted;
    if (fit) taken += size;
    return fit;
  });
  const credit = granted - taken;
  if (fits.every(Boolean)) return { granted, refusals: fits.map(() => null), credit };
  // A refused start is shown its tightest quota as it stands, less the credit it could not use.
  const room = (l: QuotaLimit) => l.limit - held.get(l.quota)!;
  const tightest = [...r.limits].sort((a, b) => room(a) - room(b))[0]!;
  const refusal = { quota: tightest.quota, limit: tightest.limit, used: held.get(tightest.quota)! - credit };
  return { granted, refusals: fits.map((fit) => (fit ? null : refusal)), credit };
}

/**
 * Takes a hold for waiting upload starts of one tenant (one process's, against the same quotas), in
 * one statement. A month's first start, or a counter the setting of the quota did not start: the
 * counters are started here (a month's from its usage so far, storedBytes from the ledger), then the
 * statement runs again.
 */
export async function takeQuotaHold(db: Executor, r: HoldRequest, at = new Date()): Promise<HoldGrant> {
  if (r.limits.length === 0) return { granted: 0, refusals: r.sizes.map(() => null), credit: 0 };
  const need = r.sizes.reduce((sum, size) => sum + size, 0);
  let row = await holdStatement(db, r, need, at);
  if (row?.granted == null) {
    await startQuotaCounters(
      db,
      r.tenantId,
      r.limits.map((l) => l.quota),
      at,
      'keep',
    );
    row = await holdStatement(db, r, need, at);
  }
  if (row?.granted == null) throw new Error('quota counters missing after they were started');
  const held = new Map((row.counters ?? []).map((c) => [c.quota, Number(c.held)]));
  const grant = fitSizes(r, Number(row.granted), held);
  if (grant.credit === 0 || grant.refusals.every((refusal) => refusal === null)) return grant;
  // At the limit: what the refused could not use is no credit worth keeping from others.
  await giveBackToHold(db, r.holdId, grant.credit);
  return { ...grant, granted: grant.granted - grant.credit, credit: 0 };
}

/** Gives bytes back to a hold and its counters: a credit no longer needed, a start whose row was not written. */
export async function giveBackToHold(db: Executor, holdId: string, amount: number): Promise<void> {
  if (amount <= 0) return;
  await db.execute(sql`
    with h as (update quota_holds set amount = amount - ${amount}::bigint where id = ${holdId}::uuid returning tenant_id, quota, period)
    update quota_counters q set reserved = greatest(q.reserved - ${amount}::bigint, 0)
    from h where q.tenant_id = h.tenant_id and q.quota = h.quota and q.period = h.period`);
}

/**
 * Gives back what an upload holds (`complete`, `abort`, a DELETE): its declared size, to the hold
 * its row records, which it then forgets, so a repeat finds nothing. A hold that expired meanwhile
 * gave it back already.
 */
export async function releaseUpload(db: Executor, uploadId: string): Promise<void> {
  await db.execute(sql`
    with old as (
      select id, quota_hold_id, size from assets where id = ${uploadId}::uuid and quota_hold_id is not null for update
    ), a as (
      update assets set quota_hold_id = null from old where assets.id = old.id returning old.quota_hold_id as hold_id, old.size
    ), h as (
      update quota_holds h set amount = h.amount - a.size from a where h.id = a.hold_id returning h.tenant_id, h.quota, h.period, a.size
    )
    update quota_counters q set reserved = greatest(q.reserved - h.size, 0)
    from h where q.tenant_id = h.tenant_id and q.quota = h.quota and q.period = h.period`);
}

/**
 * Moves an upload onto a hold of its own (its id) lasting until `expiresAt`, or moves that one's
 * expiry on: what it held stays held. Answers the quotas it holds now.
 */
async function holdUploadUntil(db: Executor, uploadId: string, expiresAt: Date): Promise<Set<QuotaName>> {
  const until = expiresAt.toISOString();
  const [row] = await db.execute<{ own: QuotaName[] | null; moved: QuotaName[] | null }>(sql`
    with a as (
      select id, quota_hold_id as hold, size from assets where id = ${uploadId}::uuid and quota_hold_id is not null for update
    ), own as (
      update quota_holds h set expires_at = greatest(h.expires_at, ${until}::timestamptz) from a where a.hold = a.id and h.id = a.id returning h.quota
    ), shared as (
      update quota_holds h set amount = h.amount - a.size from a where a.hold <> a.id and h.id = a.hold returning h.quota, h.tenant_id, h.period
    ), moved as (
      insert into quota_holds (id, quota, tenant_id, period, amount, expires_at)
      select a.id, s.quota, s.tenant_id, s.period, a.size, ${until}::timestamptz from shared s, a
      on conflict (id, quota) do update set amount = quota_holds.amount + excluded.amount, expires_at = excluded.expires_at
      returning quota
    ), pointed as (
      update assets set quota_hold_id = assets.id where assets.id = ${uploadId}::uuid and exists (select 1 from moved)
    )
    select (select array_agg(quota) from own) as own, (select array_agg(quota) from moved) as moved`);
  return new Set([...(row?.own ?? []), ...(row?.moved ?? [])]);
}

export interface UploadRenewal {
  tenantId: string;
  uploadId: string;
  /** Its declared size. */
  amount: number;
  limits: readonly QuotaLimit[];
  /** When its renewed URLs expire. */
  expiresAt: Date;
}

/**
 * A renewal of an upload's URLs: what it holds is held until `expiresAt` (on a hold of its own);
 * what it no longer holds (its hold expired, or a quota set since) is reserved again, or the renewal
 * is refused and the upload gives back everything it held.
 */
export async function renewUpload(db: Executor, r: UploadRenewal, at = new Date()): Promise<QuotaRefusal | null> {
  if (r.limits.length === 0) return null;
  const holds = await holdUploadUntil(db, r.uploadId, r.expiresAt);
  if (r.limits.every((l) => holds.has(l.quota))) return null;
  // Held in part, or not at all: given back, and taken anew on every quota or none.
  await releaseUpload(db, r.uploadId);
  const holdId = newId();
  const grant = await takeQuotaHold(db, { tenantId: r.tenantId, holdId, limits: r.limits, sizes: [r.amount], extra: 0, expiresAt: r.expiresAt }, at);
  const refusal = grant.refusals[0] ?? null;
  if (refusal) return refusal;
  await db.execute(sql`update assets set quota_hold_id = ${holdId}::uuid where id = ${r.uploadId}::uuid`);
  return null;
}

/**
 * The sweep: gives back what expired holds still hold (at most `limit` rows a pass), so a browser
 * holding an upload token, or a killed process's credit, cannot hold a tenant's quota past
 * UPLOAD_URL_TTL. Answers how many hold rows it ended.
 */
export async function expireQuotaHolds(db: Executor, params: { now?: Date; limit?: number } = {}): Promise<number> {
  const now = (params.now ?? new Date()).toISOString();
  const rows = await db.execute<{ n: string }>(sql`
    with r as (
      delete from quota_holds where (id, quota) in (
        select id, quota from quota_holds where expires_at <= ${now}::timestamptz
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
