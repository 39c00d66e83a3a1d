import { and, asc, desc, eq, gte, inArray, lt, sql, type SQL } from 'drizzle-orm';
import type { Executor } from '../client.js';
import { newId } from '../ids.js';
import { decodeCursor, InvalidCursorError, toPage, type Page } from '../pagination.js';
import { jobs, type AttemptRecord, type Job, type JobKind, type JobLane, type JobState } from '../schema.js';

export async function insertJob(
  db: Executor,
  params: { assetId: string; tenantId: string; kind: JobKind; maxAttempts: number; lane?: JobLane },
): Promise<Job> {
  const [job] = await db
    .insert(jobs)
    .values({ id: newId(), ...params, state: 'queued', attempts: 0, history: [] })
    .returning();
  return job!;
}

/**
 * One queued job per asset in a single statement, except for assets that already have an open job
 * (the one-open-job-per-asset index): those are left out, not an error. Returns the jobs inserted.
 */
export async function insertJobsUnlessOpen(
  db: Executor,
  params: { assets: { assetId: string; tenantId: string }[]; kind: JobKind; lane: JobLane; maxAttempts: number },
): Promise<Job[]> {
  if (params.assets.length === 0) return [];
  const { kind, lane, maxAttempts } = params;
  return db
    .insert(jobs)
    .values(params.assets.map((a) => ({ id: newId(), ...a, kind, lane, maxAttempts, state: 'queued' as const, attempts: 0, history: [] })))
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

/** Newest first. */
export async function listAssetJobs(db: Executor, params: { assetId: string }): Promise<Job[]> {
  return db.select().from(jobs).where(eq(jobs.assetId, params.assetId)).orderBy(desc(jobs.id));
}

export async function latestAssetJob(db: Executor, params: { assetId: string }): Promise<Job | undefined> {
  const [job] = await db.select().from(jobs).where(eq(jobs.assetId, params.assetId)).orderBy(desc(jobs.id)).limit(1);
  return job;
}

const nowIso = () => new Date().toISOString();

function closeLastAttempt(history: AttemptRecord[], error: { code: string; message: string } | null): AttemptRecord[] {
  const last = history.at(-1);
  if (!last || last.finishedAt) return history;
  const closed = { ...last, finishedAt: nowIso(), errorCode: error?.code ?? null, errorMessage: error?.message ?? null };
  return [...history.slice(0, -1), closed];
}

async function updateJobIfIn(
  db: Executor,
  id: string,
  states: readonly JobState[],
  change: (job: Job) => Partial<Job>,
): Promise<Job | undefined> {
  const [current] = await db
    .select()
    .from(jobs)
    .where(and(eq(jobs.id, id), inArray(jobs.state, [...states])))
    .for('update');
  if (!current) return undefined;
  const [job] = await db
    .update(jobs)
    .set({ ...change(current), updatedAt: sql`now()` })
    .where(eq(jobs.id, id))
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
  return updateJobIfIn(db, params.id, ['queued', 'active'], (job) => ({
    state: 'active',
    attempts: job.attempts + 1,
    startedAt: job.startedAt ?? new Date(),
    history: [
      ...closeLastAttempt(job.history, { code: 'interrupted', message: 'The attempt stopped before it finished.' }),
      { attempt: job.attempts + 1, startedAt: nowIso(), finishedAt: null, errorCode: null, errorMessage: null },
    ],
  }));
}

/** A transient failure with attempts left: back to `queued`, keeping the error for people to see. */
export async function recordJobRetry(
  db: Executor,
  params: { id: string; errorCode: string; errorMessage: string },
): Promise<Job | undefined> {
  return updateJobIfIn(db, params.id, ['active', 'queued'], (job) => ({
    state: 'queued',
    errorCode: params.errorCode,
    errorMessage: params.errorMessage,
    history: closeLastAttempt(job.history, { code: params.errorCode, message: params.errorMessage }),
  }));
}

export async function completeJob(db: Executor, params: { id: string }): Promise<Job | undefined> {
  return updateJobIfIn(db, params.id, ['active', 'queued'], (job) => ({
    state: 'completed',
    finishedAt: new Date(),
    errorCode: null,
    errorMessage: null,
    history: closeLastAttempt(job.history, null),
  }));
}

export async function failJob(
  db: Executor,
  params: { id: string; errorCode: string; errorMessage: string },
): Promise<Job | undefined> {
  return updateJobIfIn(db, params.id, ['active', 'queued'], (job) => ({
    state: 'failed',
    finishedAt: new Date(),
    errorCode: params.errorCode,
    errorMessage: params.errorMessage,
    history: closeLastAttempt(job.history, { code: params.errorCode, message: params.errorMessage }),
  }));
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
  if (params.cursor) {
    const after = decodeCursor(params.cursor);
    if (!after) throw new InvalidCursorError();
    conditions.push(lt(jobs.id, after));
  }
  const rows = await db
    .select()
    .from(jobs)
    .where(and(...conditions))
    .orderBy(desc(jobs.id))
    .limit(params.limit + 1);
  return toPage(rows, params.limit);
}

/** Ids of every job matching a filter (bulk retry works through them in batches). */
export async function findJobIds(db: Executor, params: JobFilter): Promise<string[]> {
  const rows = await db
    .select({ id: jobs.id })
    .from(jobs)
    .where(and(...jobConditions(params)))
    .orderBy(asc(jobs.id));
  return rows.map((r) => r.id);
}

/**
 * Gives a failed job a fresh set of attempts: back to `queued`, its history kept. Returns undefined
 * when the job is not failed (already retried, or never failed), so two admins can't double it.
 */
export async function requeueFailedJob(db: Executor, params: { id: string; extraAttempts: number }): Promise<Job | undefined> {
  return updateJobIfIn(db, params.id, ['failed'], (job) => ({
    state: 'queued',
    maxAttempts: job.attempts + params.extraAttempts,
    finishedAt: null,
  }));
}

/**
 * Unfinished jobs (queued, or active per Postgres) untouched since `updatedBefore`, oldest first:
 * the reconciler makes sure each still has a queue entry.
 */
export async function listUnfinishedJobs(db: Executor, params: { limit: number; updatedBefore: Date }): Promise<Job[]> {
  return db
    .select()
    .from(jobs)
    .where(and(inArray(jobs.state, ['queued', 'active']), lt(jobs.updatedAt, params.updatedBefore)))
    .orderBy(asc(jobs.id))
    .limit(params.limit);
}

export async function countJobsByState(db: Executor): Promise<Record<JobState, number>> {
  const rows = await db.select({ state: jobs.state, count: sql<number>`count(*)::int` }).from(jobs).groupBy(jobs.state);
  const counts = { queued: 0, active: 0, completed: 0, failed: 0 };
  for (const row of rows) counts[row.state] = row.count;
  return counts;
}
