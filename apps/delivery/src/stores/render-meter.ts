import { setTimeout as sleep } from 'node:timers/promises';
import type { Database } from '@darkroom/db/client';
import { deliveryRenderUsage, recordWork } from '@darkroom/db/queries/usage';
import type { Logger } from 'pino';

/** Meters the renders this process stored (`image_renders`): one per object key, however often it is stored. */
export interface RenderMeter {
  /** Called once the render's PUT has landed, awaited before its lock turns into the stored mark. Never throws. */
  stored(render: { tenantId: string; key: string }): Promise<void>;
}

/** Tries at these delays before the count is given up (and logged): Postgres away for longer loses it. */
const RETRY_DELAYS_MS = [200, 1000, 5000];

/**
 * A stored render counts once it is in the bucket: a render served but not stored (its PUT failed,
 * or its guard kept it out) is made again on a later request and counted then. Its source is its
 * object's key, so two processes that stored the same render (Redis away) count it once. A failure
 * to record is retried here rather than thrown: the object is stored, and a throw would only make
 * the next request find it in the bucket, where nothing would count it again.
 */
export function createRenderMeter(options: { db: Database; metering: boolean; log: Pick<Logger, 'error'> }): RenderMeter {
  const { db, metering, log } = options;
  return {
    async stored(render) {
      if (!metering) return;
      for (const delay of [...RETRY_DELAYS_MS, null]) {
        try {
          await recordWork(db, [deliveryRenderUsage(render)], true);
          return;
        } catch (err) {
          if (delay === null) {
            log.error({ ...render, err }, 'a stored render could not be metered: image_renders misses it');
            return;
          }
          await sleep(delay);
        }
      }
    },
  };
}
