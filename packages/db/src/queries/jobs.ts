import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import type { Executor } from '../client.js';
import { newId } from '../ids.js';
import { jobs, type AttemptRecord, type Job, type JobKind, type JobState } from '../schema.js';

export async function insertJob(
  db: Executor,
  params: { assetId: string; tenantId: string; kind: JobKind; maxAttempts: number },
): Promise<Job> {
  const [job] = await db
    .insert(jobs)
    .values({ id: newId(), ...params, state: 'queued', attempts: 0, history: [] })
    .returning();
  return job!;
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
 * Marks a job active for the given attempt number. Returns undefined when the job is already
 * finished (completed or failed): the handler then skips it, which makes redelivery harmless.
 * An `active` job may start again: that is a stalled attempt (a killed worker) being picked up.
 */
export async function startJobAttempt(db: Executor, params: { id: string; attempt: number }): Promise<Job | undefined> {
  return updateJobIfIn(db, params.id, ['queued', 'active'], (job) => ({
    state: 'active',
    attempts: Math.max(job.attempts, params.attempt),
    startedAt: job.startedAt ?? new Date(),
    history: [
      ...closeLastAttempt(job.history, { code: 'interrupted', message: 'The attempt stopped before it finished.' }),
      { attempt: params.attempt, startedAt: nowIso(), finishedAt: null, errorCode: null, errorMessage: null },
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
