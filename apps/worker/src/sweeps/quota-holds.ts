import { expireQuotaHolds } from '@darkroom/db/queries/usage';
import type { WorkerDeps } from '../deps.js';
import { runEvery, type RunningPasses } from '../run-every.js';

/** Every minute: holds expire with their uploads' URLs (UPLOAD_URL_TTL), to the minute. */
export const QUOTA_SWEEP_INTERVAL_MS = 60_000;

/**
 * Gives back what expired quota holds still hold (docs/api.md#quotas): uploads whose URLs expired
 * unrenewed, and the credit of an API process killed before it gave it back, so neither holds a
 * tenant's quota past UPLOAD_URL_TTL. Pages of 1000 until none is left; two workers sweeping at
 * once skip each other's rows.
 */
export async function expireQuotaHoldsNow(deps: Pick<WorkerDeps, 'db'>, now = new Date()): Promise<number> {
  let ended = 0;
  for (;;) {
    const page = await expireQuotaHolds(deps.db, { now, limit: 1000 });
    ended += page;
    if (page < 1000) return ended;
  }
}

export function startQuotaSweep(deps: WorkerDeps): RunningPasses {
  return runEvery(deps, { intervalMs: QUOTA_SWEEP_INTERVAL_MS, name: 'quota holds' }, async () => {
    const ended = await expireQuotaHoldsNow(deps);
    if (ended > 0) deps.log.info({ holds: ended }, 'gave back what expired quota holds held');
  });
}
