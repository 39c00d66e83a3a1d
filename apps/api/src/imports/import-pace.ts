import type { Limiter } from '../services/limiter.js';

/** The shortest spacing between two files' transfers that is kept: below it the import is not held back. */
const MIN_INTERVAL_MS = 5;
/** The longest: however busy the API, an import still moves a file a second. */
const MAX_INTERVAL_MS = 1000;
/** Files a second an import's pace gains each calm report: it comes back gradually, not all at once. */
const RATE_STEP = 10;

/**
 * How fast a runner's imports may start their files' transfers: unpaced while the API's requests
 * are answered on time; each report that they are not (`congested`) halves the rate, each that they
 * are (`calm`) adds RATE_STEP files a second, until the pace is lifted (additive increase,
 * multiplicative decrease, as a congestion window). An import is background work: where the API,
 * the bucket, the worker and Postgres share the machine, its requests take the cores that live
 * requests wait for (docs/performance.md#uploads-while-an-import-runs).
 */
export interface ImportPace {
  /** Resolves when the next transfer may start; the starts of every import of the runner are spaced by the pace. */
  wait(): Promise<void>;
  congested(): void;
  calm(): void;
  /** The spacing between starts now, in ms (0: unpaced). */
  intervalMs(): number;
}

export function createImportPace(): ImportPace {
  let interval = 0;
  let next = 0;
  return {
    async wait() {
      if (interval === 0) return;
      const at = Math.max(Date.now(), next);
      next = at + interval;
      const ms = at - Date.now();
      if (ms > 0) await new Promise((resolve) => setTimeout(resolve, ms));
    },
    congested() {
      interval = Math.min(MAX_INTERVAL_MS, interval === 0 ? MIN_INTERVAL_MS : interval * 2);
    },
    calm() {
      if (interval === 0) return;
      const faster = 1000 / (1000 / interval + RATE_STEP);
      interval = faster < MIN_INTERVAL_MS ? 0 : faster;
    },
    intervalMs: () => interval,
  };
}

/** `lane`, each task started no sooner than `pace` allows once it has its slot (no pace: `lane` itself). */
export function pacedLane(lane: Limiter, pace: ImportPace | undefined): Limiter {
  if (!pace) return lane;
  return (task) =>
    lane(async () => {
      await pace.wait();
      return task();
    });
}
