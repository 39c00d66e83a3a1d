import type { QuotaName } from '../contract/usage.js';
import { DarkroomError } from '../errors.js';

/**
 * A tenant past one of its quotas (docs/api.md#quotas): an upload start or a URL renewal, an import
 * item, or a video the worker probed. `used` counts what is reserved by uploads in flight too.
 */
export const USAGE_ERRORS = {
  quotaExceeded: (quota: QuotaName, limit: number, used: number) =>
    new DarkroomError('quota_exceeded', `This would pass the tenant's ${quota} quota: ${used} of ${limit} is used.`, { quota, limit, used }),
  /** A video whose renders would pass `videoSecondsPerMonth`: failed after its probe, never retried. */
  videoQuotaExceeded: (seconds: number, limit: number, used: number) =>
    new DarkroomError(
      'quota_exceeded',
      `Encoding this video takes ${seconds} seconds of output, more than the ${limit - Math.min(used, limit)} left of the tenant's videoSecondsPerMonth quota this month.`,
      { quota: 'videoSecondsPerMonth', limit, used, seconds },
    ),
};
