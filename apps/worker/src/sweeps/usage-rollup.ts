import { expireUsage, rollupUsage } from '@darkroom/db/queries/usage';
import type { WorkerDeps } from '../deps.js';
import { runEvery, type RunningPasses } from '../run-every.js';

/** The expiry drops whole months and a week's old events: once an hour is plenty. */
const EXPIRY_INTERVAL_MS = 3_600_000;

/**
 * The usage rollup (USAGE_ROLLUP_SECONDS): metered events into usage_hourly and usage_daily, and
 * the expiry of what is past its retention (USAGE_HOURLY_DAYS); null when off. Every worker may run
 * it: an advisory lock lets one rollup run at a time, and the others' passes return at once.
 */
export function startUsageRollup(deps: Pick<WorkerDeps, 'db' | 'log' | 'config'>): RunningPasses | null {
  const { rollupIntervalMs, hourlyDays } = deps.config.usage;
  if (rollupIntervalMs === null || !deps.config.usage.metering) return null;
  const rollup = runEvery(deps, { intervalMs: rollupIntervalMs, name: 'usage rollup' }, async () => {
    await rollupUsage(deps.db, { hourlyDays });
  });
  const expiry = runEvery(deps, { intervalMs: EXPIRY_INTERVAL_MS, name: 'usage expiry' }, async () => {
    const { droppedPartitions, deletedEvents } = await expireUsage(deps.db, { hourlyDays });
    if (droppedPartitions.length > 0 || deletedEvents > 0) deps.log.info({ droppedPartitions, deletedEvents }, 'expired usage past its retention');
  });
  return {
    async stop() {
      await rollup.stop();
      await expiry.stop();
    },
  };
}
