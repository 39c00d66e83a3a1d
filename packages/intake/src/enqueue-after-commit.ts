import type { Job } from '@darkroom/db/schema';
import type { IntakeDeps, IntakeLog } from './deps.js';

/**
 * Adds the queue entries of jobs Postgres has just committed as `queued`. A failure (Redis down) is
 * logged, not thrown: the jobs are safe in Postgres, and the worker's reconciler adds any entry that
 * is missing. A retried job's old, finished entry must be dropped first (`replaceFinished`); new
 * jobs go in one bulk add per lane.
 */
export async function enqueueAfterCommit(
  deps: Pick<IntakeDeps, 'queue'>,
  log: Pick<IntakeLog, 'warn'>,
  jobs: Job[],
  options: { replaceFinished?: boolean } = {},
): Promise<void> {
  try {
    if (options.replaceFinished) for (const job of jobs) await deps.queue.enqueue(job);
    else await deps.queue.enqueueNew(jobs);
  } catch (error) {
    log.warn({ err: error, jobIds: jobs.map((j) => j.id) }, 'enqueue failed; the reconciler will pick the jobs up');
  }
}
