import { and, asc, desc, eq, gt, gte, inArray, lt, sql, type SQL } from 'drizzle-orm';
import type { Executor } from '../client.js';
import { newId } from '../ids.js';
import { recordBackfillOutcome } from './backfills.js';
import { olderThanCursor, toPage, type Page } from '../pagination.js';
import type { JobKind, JobState } from '@darkroom/core/contract/job';
import type { QueueLane } from '@darkroom/core/queue';
import { jobs, type Job } from '../schema.js';

/** The tenant's open jobs in the lane, plus one: the rank of a job queued now (in the same statement). */
const nextQueueRank = (tenantId: string, lane: QueueLane) =>
  sql`(select count(*)::int + 1 from ${jobs} where ${jobs.tenantId} = ${tenantId} and ${jobs.lane} = ${lane} and ${jobs.state} in ('queued', 'active'))`;

export async function insertJob(
  db: Executor,
  params: { assetId: string; tenantId: string; kind: JobKind; maxAttempts: number; lane?: QueueLane },
): Promise<Job> {
  const [job] = await db
    .insert(jobs)
    .values({
      id: newId(),
      ...params,
      state: 'queued',
      attempts: 0,
      history: [],
      queueRank: nextQueueRank(params.tenantId, params.lane ?? 'default'),
    })
    .returning();
  return job!;
}

/** Open jobs per tenant in a lane, for the tenants given. */
export async function openJobsByTenant(db: Executor, params: { tenantIds: string[]; lane: QueueLane }): Promise<Map<string, number>> {
  const rows = await db
    .select({ tenantId: jobs.tenantId, count: sql<number>`count(*)::int` })
    .from(jobs)
    .where(and(inArray(jobs.tenantId, params.tenantIds), eq(jobs.lane, params.lane), inArray(jobs.state, ['queued', 'active'])))
    .groupBy(jobs.tenantId);
  return new Map(rows.map((r) => [r.tenantId, r.count]));
}

/**
 * One queued job per asset in a single statement, except for assets that already have an open job
 * (the one-open-job-per-asset index): those are left out, not an error. Returns the jobs inserted.
 */
export async function insertJobsUnlessOpen(
  db: Executor,
  params: {
    assets: { assetId: string; tenantId: string }[];
    kind: JobKind;
    lane: QueueLane;
    maxAttempts: number;
    backfillId?: string;
    /** openJobsByTenant's answer when the caller read it already (with other statements, in one round trip). */
    open?: Map<string, number>;
  },
): Promise<Job[]> {
  if (params.assets.length === 0) return [];
  const { kind, lane, maxAttempts } = params;
  const backfillId = params.backfillId ?? null;
  // Each tenant's jobs of the batch line up after the ones it already has open.
  const open = params.open ?? (await openJobsByTenant(db, { tenantIds: [...new Set(params.assets.map((a) => a.tenantId))], lane }));
  const nextRank = (tenantId: string) => {
    const rank = (open.get(tenantId) ?? 0) + 1;
    open.set(tenantId, rank);
    return rank;
  };
  return db
    .insert(jobs)
    .values(
      params.assets.map((a) => ({
        id: newId(),
        ...a,
        kind,
        lane,
        maxAttempts,
        backfillId,
        state: 'queued' as const,
        attempts: 0,
        history: [],
        queueRank: nextRank(a.tenantId),
      })),
    )
    .onConflictDoNothing({ target: jobs.assetId, where: sql.raw(`state in ('queued', 'active')`) })
    .returning();
}

export async function getJob(db: Executor, params: { id: string }): Promise<Job | undefined> {
  const [job] = await db.select().from(jobs).where(eq(jobs.id, params.id));
  return job;
}

export async function getTenantJob(db: Executor, params: { tenantId: string; id: string }): Promise<Job | undefined> {
  const [job] = await db
    .select()
    .from(jobs)
    .where(and(eq(jobs.id, params.id), eq(jobs.tenantId, params.tenantId)));
  return job;
}

/** The newest `limit` jobs of an asset, newest first. */
export async function listAssetJobs(db: Executor, params: { assetId: string; limit: number }): Promise<Job[]> {
  return db.select().from(jobs).where(eq(jobs.assetId, params.assetId)).orderBy(desc(jobs.id)).limit(params.limit);
}

export async function latestAssetJob(db: Executor, params: { assetId: string }): Promise<Job | undefined> {
  const [job] = await db.select().from(jobs).where(eq(jobs.assetId, params.assetId)).orderBy(desc(jobs.id)).limit(1);
  return job;
}

const nowIso = () => new Date().toISOString();

/**
 * The history with its last attempt closed (finished now, with this error or none), unless it is
 * already closed: a SQL expression over the row's own `history`, so it reads the value it replaces.
 */
function closeLastAttempt(error: { code: string; message: string; detail?: string | null | undefined } | null): SQL {
  const h = jobs.history;
  const closed = sql`jsonb_build_object('finishedAt', ${nowIso()}::text, 'errorCode', ${error?.code ?? null}::text,
    'errorMessage', ${error?.message ?? null}::text, 'errorDetail', ${error?.detail ?? null}::text)`;
  return sql`case when jsonb_array_length(${h}) > 0 and (${h} -> -1 ->> 'finishedAt') is null
    then jsonb_set(${h}, '{-1}', (${h} -> -1) || ${closed}) else ${h} end`;
}

type JobChange = { [K in keyof Job]?: Job[K] | SQL };

/**
 * One state transition as a single `UPDATE … WHERE id = $1 AND state IN (…) RETURNING`: the check
 * and the change are one atomic statement, so concurrent transitions of a job never overwrite each
 * other (every change is an expression over the row's current values, never a value read earlier).
 * Undefined when the job is not in one of `states`.
 */
async function transitionJob(db: Executor, id: string, states: readonly JobState[], change: JobChange): Promise<Job | undefined> {
  const [job] = await db
    .update(jobs)
    .set({ ...change, updatedAt: sql`now()` })
    .where(and(eq(jobs.id, id), inArray(jobs.state, [...states])))
    .returning();
  return job;
}

/**
 * Starts the job's next attempt (attempts are counted here, not by the queue, so a job an admin
 * retries keeps counting up). Returns undefined when the job is already finished (completed or
 * failed): the handler then skips it, which makes redelivery harmless. An `active` job may start
 * again: that is a stalled attempt (a killed worker) being picked up, recorded as interrupted.
 */
export async function startJobAttempt(db: Executor, params: { id: string }): Promise<Job | undefined> {
  const interrupted = closeLastAttempt({ code: 'interrupted', message: 'The attempt stopped before it finished.' });
  const opened = sql`jsonb_build_array(jsonb_build_object('attempt', ${jobs.attempts} + 1, 'startedAt', ${nowIso()}::text,
    'finishedAt', null, 'errorCode', null, 'errorMessage', null))`;
  return transitionJob(db, params.id, ['queued', 'active'], {
    state: 'active',
    attempts: sql`${jobs.attempts} + 1`,
    startedAt: sql`coalesce(${jobs.startedAt}, now())`,
    history: sql`(${interrupted}) || ${opened}`,
  });
}

/** A failed attempt: the code and message its tenant sees, and the raw detail only admins see. */
export interface JobFailure {
  id: string;
  errorCode: string;
  errorMessage: string;
  errorDetail?: string | null | undefined;
}

function failureChange(params: JobFailure): JobChange {
  const detail = params.errorDetail ?? null;
  return {
    errorCode: params.errorCode,
    errorMessage: params.errorMessage,
    errorDetail: detail,
    history: closeLastAttempt({ code: params.errorCode, message: params.errorMessage, detail }),
  };
}

/** A transient failure with attempts left: back to `queued`, keeping the error for people to see. */
export async function recordJobRetry(db: Executor, params: JobFailure): Promise<Job | undefined> {
  return transitionJob(db, params.id, ['active', 'queued'], { state: 'queued', ...failureChange(params) });
}

/** The error a job carries while a scanner its policy needs (clamd, the classifier) does not answer. */
export const SCANNER_UNAVAILABLE = 'scanner_unavailable';

/**
 * A try that found a scanner down: back to `queued` with `scanner_unavailable`, its attempt given
 * back (its history entry dropped, its count lowered), so waiting for a scanner spends none of
 * the job's maxAttempts however long it lasts.
 */
export async function deferJobForScanner(db: Executor, params: { id: string; message: string }): Promise<Job | undefined> {
  return transitionJob(db, params.id, ['active'], {
    state: 'queued',
    attempts: sql`greatest(${jobs.attempts} - 1, 0)`,
    history: sql`${jobs.history} - -1`,
    errorCode: SCANNER_UNAVAILABLE,
    errorMessage: params.message,
    errorDetail: null,
  });
}

/**
 * A transition that ends the job (completed or failed), with its backfill's counter moved in the
 * same transaction, so a backfill's `done` and `failed` always add up to its finished jobs.
 */
async function finishJob(db: Executor, id: string, outcome: 'done' | 'failed', change: JobChange): Promise<Job | undefined> {
  return db.transaction(async (tx) => {
    const job = await transitionJob(tx, id, ['active', 'queued'], change);
    if (job?.backfillId) await recordBackfillOutcome(tx, { id: job.backfillId, outcome });
    return job;
  });
}

export async function completeJob(db: Executor, params: { id: string }): Promise<Job | undefined> {
  return finishJob(db, params.id, 'done', {
    state: 'completed',
    finishedAt: sql`now()`,
    // A job that reported progress ends at 1; one that reported none stays null.
    progress: sql`case when ${jobs.progress} is null then null else 1 end`,
    errorCode: null,
    errorMessage: null,
    errorDetail: null,
    history: closeLastAttempt(null),
  });
}

export async function failJob(db: Executor, params: JobFailure): Promise<Job | undefined> {
  return finishJob(db, params.id, 'failed', { state: 'failed', finishedAt: sql`now()`, ...failureChange(params) });
}

export interface JobFilter {
  state?: JobState | undefined;
  tenantId?: string | undefined;
  errorCode?: string | undefined;
  /** Jobs created at or after this time. */
  since?: Date | undefined;
  /** Jobs created before this time. */
  until?: Date | undefined;
}

function jobConditions(filter: JobFilter): SQL[] {
  const conditions: SQL[] = [];
  if (filter.state) conditions.push(eq(jobs.state, filter.state));
  if (filter.tenantId) conditions.push(eq(jobs.tenantId, filter.tenantId));
  if (filter.errorCode) conditions.push(eq(jobs.errorCode, filter.errorCode));
  if (filter.since) conditions.push(gte(jobs.createdAt, filter.since));
  if (filter.until) conditions.push(lt(jobs.createdAt, filter.until));
  return conditions;
}

/** Newest first, keyset-paginated, for the admin console. */
export async function listJobs(db: Executor, params: JobFilter & { limit: number; cursor?: string | undefined }): Promise<Page<Job>> {
  const conditions = jobConditions(params);
  if (params.cursor) conditions.push(olderThanCursor(jobs.id, params.cursor));
  const rows = await db
    .select()
    .from(jobs)
    .where(and(...conditions))
    .orderBy(desc(jobs.id))
    .limit(params.limit + 1);
  return toPage(rows, params.limit);
}

/** Ids of the jobs matching a filter, `limit` at a time in id order after `afterId` (bulk retry's batches). */
export async function findJobIds(db: Executor, params: JobFilter & { limit: number; afterId?: string | undefined }): Promise<string[]> {
  const conditions = jobConditions(params);
  if (params.afterId) conditions.push(gt(jobs.id, params.afterId));
  const rows = await db
    .select({ id: jobs.id })
    .from(jobs)
    .where(and(...conditions))
    .orderBy(asc(jobs.id))
    .limit(params.limit);
  return rows.map((r) => r.id);
}

/** How many jobs match a filter (bulk retry's dry run). */
export async function countJobs(db: Executor, params: JobFilter): Promise<number> {
  const [row] = await db
    .select({ count: sql<number>`count(*)::int` })
    .from(jobs)
    .where(and(...jobConditions(params)));
  return row?.count ?? 0;
}

/**
 * Gives a failed job a fresh set of attempts: back to `queued`, its history kept. Returns undefined
 * when the job is not failed (already retried, or never failed), so two admins can't double it.
 */
export async function requeueFailedJob(db: Executor, params: { id: string; extraAttempts: number }): Promise<Job | undefined> {
  const [job] = await requeueFailedJobs(db, { ids: [params.id], extraAttempts: params.extraAttempts });
  return job;
}

/** `requeueFailedJob` for many jobs in one statement; returns the ones that were still failed. */
export async function requeueFailedJobs(db: Executor, params: { ids: string[]; extraAttempts: number }): Promise<Job[]> {
  if (params.ids.length === 0) return [];
  return db
    .update(jobs)
    .set({ state: 'queued', maxAttempts: sql`${jobs.attempts} + ${params.extraAttempts}`, finishedAt: null, updatedAt: sql`now()` })
    .where(and(inArray(jobs.id, params.ids), eq(jobs.state, 'failed')))
    .returning();
}

/**
 * One lane's unfinished jobs (queued, or active per Postgres) untouched since `updatedBefore`, in id
 * order after `afterId`: the reconciler walks each lane with its own cursor and makes sure each job
 * still has a queue entry, so a big backfill never hides a lost upload job (jobs_unfinished_lane_idx).
 */
export async function listUnfinishedJobs(
  db: Executor,
  params: { lane: QueueLane; limit: number; updatedBefore: Date; afterId?: string | null | undefined },
): Promise<Job[]> {
  const conditions = [eq(jobs.lane, params.lane), inArray(jobs.state, ['queued', 'active']), lt(jobs.updatedAt, params.updatedBefore)];
  if (params.afterId) conditions.push(gt(jobs.id, params.afterId));
  return db
    .select()
    .from(jobs)
    .where(and(...conditions))
    .orderBy(asc(jobs.id))
    .limit(params.limit);
}

/** The channel a job's progress is NOTIFYed on: `AssetProgressNotice`, live-only (no event row is written). */
export const PROGRESS_CHANNEL = 'darkroom_progress';

export interface AssetProgressNotice {
  tenantId: string;
  assetId: string;
  jobId: string;
  progress: number;
}

/**
 * Records how far an active job has rendered, never backwards, and NOTIFYs it (PROGRESS_CHANNEL)
 * when it moved, in one statement. Returns the asset's status as it is now (undefined once its row
 * is gone), so each progress tick also tells the worker whether the asset was deleted meanwhile.
 */
export async function recordJobProgress(
  db: Executor,
  params: { id: string; assetId: string; progress: number },
): Promise<{ assetStatus: string | undefined; recorded: boolean }> {
  const progress = Math.min(Math.max(params.progress, 0), 1);
  const rows = await db.execute<{ asset_status: string | null; recorded: number }>(sql`
    with moved as (
      update ${jobs} set progress = ${progress}::float8, updated_at = now()
      where id = ${params.id}::uuid and state = 'active' and (progress is null or progress < ${progress}::float8)
      returning id, asset_id, tenant_id, progress
    ), notified as (
      select pg_notify(${PROGRESS_CHANNEL}, json_build_object('tenantId', tenant_id, 'assetId', asset_id, 'jobId', id, 'progress', progress)::text)
      from moved
    )
    select (select status from assets where id = ${params.assetId}::uuid) as asset_status, (select count(*)::int from notified) as recorded`);
  const row = rows[0];
  return { assetStatus: row?.asset_status ?? undefined, recorded: Number(row?.recorded ?? 0) > 0 };
}
