import { releaseExpiredReservations } from '@darkroom/db/queries/usage';
import type { WorkerDeps } from '../deps.js';
import { runEvery, type RunningPasses } from '../run-every.js';

/** Every minute: reservations expire with their upload's URLs (UPLOAD_URL_TTL), to the minute. */
export const QUOTA_SWEEP_INTERVAL_MS = 60_000;

/**
 * Gives back the quota reservations of uploads whose URLs expired unrenewed (docs/api.md#quotas),
 * so an upload nobody finishes holds a tenant's quota no longer than its URLs. Pages of 1000 until
 * none is left; two workers sweeping at once skip each other's rows.
 */
export async function releaseExpiredQuotaReservations(deps: Pick<WorkerDeps, 'db'>, now = new Date()): Promise<number> {
  let released = 0;
  for (;;) {
    const page = await releaseExpiredReservations(deps.db, { now, limit: 1000 });
    released += page;
    if (page < 1000) return released;
  }
}

export function startQuotaSweep(deps: WorkerDeps): RunningPasses {
  return runEvery(deps, { intervalMs: QUOTA_SWEEP_INTERVAL_MS, name: 'quota reservations' }, async () => {
    const released = await releaseExpiredQuotaReservations(deps);
    if (released > 0) deps.log.info({ released }, 'released the quota reservations of uploads whose URLs expired');
  });
}
