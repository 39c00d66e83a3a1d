import { listRunningBackfillIds } from '@darkroom/db/queries/backfills';
import { takeBackfillWindow } from '@darkroom/db/queries/backfill-window';
import type { AssetQueue } from '@darkroom/queue';
import type { WorkerDeps } from './deps.js';

/**
 * Queues the backfill's next jobs, up to its window, once the ones before them start finishing.
 * Never throws: a feed that fails (Postgres or Redis away) is logged, and the reconciler's next
 * pass tops the window up, or enqueues the jobs whose rows were committed.
 */
export async function feedBackfill(deps: WorkerDeps, queue: AssetQueue, backfillId: string): Promise<number> {
  try {
    const jobs = await takeBackfillWindow(deps.db, { id: backfillId });
    if (jobs.length > 0) await queue.enqueueNew(jobs);
    return jobs.length;
  } catch (err) {
    deps.log.warn({ backfillId, err }, 'could not queue the next backfill window; the reconciler will');
    return 0;
  }
}

/** The reconciler's safety net: tops up every running backfill (a lost feed, a crashed worker). */
export async function feedRunningBackfills(deps: WorkerDeps, queue: AssetQueue): Promise<number> {
  let queued = 0;
  for (const id of await listRunningBackfillIds(deps.db)) queued += await feedBackfill(deps, queue, id);
  return queued;
}
