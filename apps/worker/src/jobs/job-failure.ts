import { ERRORS } from '@darkroom/core/error-factories';
import { retryDelayMs, type AssetProcessPayload } from '@darkroom/core/queue';
import { failJob, recordJobRetry, type JobFailure } from '@darkroom/db/queries/jobs';
import type { Job } from '@darkroom/db/schema';
import { UnrecoverableError, type Job as QueueJob } from 'bullmq';
import type { WorkerDeps } from '../deps.js';
import { discardJobChunks } from '../render/video/chunk-objects.js';
import { removeUnrecordedObjects } from '../render/unrecorded-objects.js';
import { classifyError, type ClassifiedError } from './classify-error.js';

/**
 * What else a job that failed for good changes: AssetProcess marks its asset failed, while a
 * backfill leaves its asset `ready` (its old variants are still served).
 */
export type OnFinalFailure = (failure: { code: string; message: string }) => Promise<unknown>;

/**
 * Whether this failure ends the job. The queue's own count decides for transient failures: it is
 * what schedules (or stops) the next delivery. A render timeout gets one more attempt at most (the
 * machine may have been busy), never the outage-sized retry schedule: a slow image would otherwise
 * cost JOB_TIMEOUT × JOB_MAX_ATTEMPTS of worker time.
 */
export function isFinalFailure(failure: ClassifiedError, params: { history: Job['history']; attemptsMade: number; attempts: number }): boolean {
  if (!failure.retryable || params.attemptsMade + 1 >= params.attempts) return true;
  return failure.code === 'render_timeout' && params.history.some((h) => h.errorCode === 'render_timeout');
}

/**
 * Records a failed attempt on the job row (a retry with the error kept, or the final failure),
 * then throws what tells BullMQ whether to try again: bad media never retries.
 */
export async function recordFailure(
  deps: WorkerDeps,
  job: QueueJob<AssetProcessPayload>,
  params: { row: Job; error: unknown; onFinal?: OnFinalFailure },
): Promise<never> {
  const { jobId, assetId } = job.data;
  const failure = classifyError(params.error);
  const final = isFinalFailure(failure, { history: params.row.history, attemptsMade: job.attemptsMade, attempts: job.opts.attempts ?? 1 });
  const record = { id: jobId, errorCode: failure.code, errorMessage: failure.message, errorDetail: failure.detail };
  deps.log.warn({ jobId, assetId, attempt: params.row.attempts, final, code: failure.code, err: params.error }, `${job.name} failed`);
  if (final) {
    await failForGood(deps, record, params.onFinal);
    throw new UnrecoverableError(`${failure.code}: ${failure.message}`);
  }
  await recordJobRetry(deps.db, record);
  throw params.error;
}

/**
 * A failed attempt whose job's entry had already ended (a chunked render's part or step failed),
 * recorded as `recordFailure` would, from the row alone (its attempts are counted at each start):
 * the final failure, or a retry queued after JOB_RETRY_SCHEDULE's delay for this many attempts.
 */
export async function recordFlowFailure(deps: WorkerDeps, row: Job, error: unknown, onFinal?: OnFinalFailure): Promise<void> {
  const failure = classifyError(error);
  const final = isFinalFailure(failure, { history: row.history, attemptsMade: row.attempts - 1, attempts: row.maxAttempts });
  const record = { id: row.id, errorCode: failure.code, errorMessage: failure.message, errorDetail: failure.detail };
  deps.log.warn({ jobId: row.id, assetId: row.assetId, attempt: row.attempts, final, code: failure.code, err: error }, 'chunked render failed');
  if (final) {
    await failForGood(deps, record, onFinal);
    return;
  }
  const retried = await recordJobRetry(deps.db, record);
  if (retried) await deps.assetQueue!.enqueue(retried, { delayMs: retryDelayMs(deps.config.retryScheduleMs, row.attempts) });
}

/**
 * Attempts count every start, including ones whose worker died: a file that kills workers
 * (a native crash, an out-of-memory kill) is failed here instead of taking down worker after worker.
 */
export async function failInterruptedTooOften(
  deps: WorkerDeps,
  params: { jobId: string; attempts: number; onFinal?: OnFinalFailure },
): Promise<never> {
  const { message } = ERRORS.interruptedTooOften(params.attempts);
  await failForGood(deps, { id: params.jobId, errorCode: 'internal_error', errorMessage: message }, params.onFinal);
  throw new UnrecoverableError(`internal_error: ${message}`);
}

/**
 * The job's failure recorded, with its chunked ladder's parts (a long video's) removed and what else
 * it changes (`onFinal`: a first render's asset failed); then the variant objects its render stored
 * before it failed, which no row points at, removed. That removal comes last, so a bucket slow to
 * answer never keeps the tenant from reading the failure, and one that fails is only logged.
 */
async function failForGood(deps: WorkerDeps, failure: JobFailure, onFinal?: OnFinalFailure): Promise<void> {
  const failed = await failJob(deps.db, failure);
  if (failed) await discardJobChunks(deps, failed);
  await onFinal?.({ code: failure.errorCode, message: failure.errorMessage });
  if (!failed) return;
  await removeUnrecordedObjects(deps, failed.assetId).catch((error: unknown) =>
    deps.log.warn({ jobId: failed.id, err: error }, "could not remove the objects of a failed job's render"),
  );
}
