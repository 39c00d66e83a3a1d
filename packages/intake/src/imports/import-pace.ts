import type { Limiter } from '@darkroom/core/limiter';

/** The shortest spacing between two files' transfers that is kept: below it the import is not held back. */
const MIN_INTERVAL_MS = 5;
/** The longest: however busy the API, an import still moves a file a second. */
const MAX_INTERVAL_MS = 1000;
/** Files a second an import's pace gains for each second of calm reports: it comes back gradually, not all at once. */
const RATE_GAIN_PER_SECOND = 40;
/** The spacing of transfers that start from none among live requests (an import's first, or the first after a report in which none started or waited): 20 files a second. */
const START_INTERVAL_MS = 50;

/**
 * How fast a runner's imports may start their files' transfers: unpaced while the API has no live
 * requests (`idle`); among live requests, transfers that start from none (the runner's first, or
 * the first after a report in which none started or waited to start) go at START_INTERVAL_MS, calm
 * reports in which files started or waited add RATE_GAIN_PER_SECOND for the time they cover until
 * the pace is lifted (time with nothing to move earns nothing), and each report that the
 * requests are late (`congested`) halves the rate the files started at since the report before
 * (paced or not: an unpaced import's first late report halves what it was doing, not a spacing
 * that holds nothing back): additive increase, multiplicative decrease, from a slow start, as a
 * congestion window. An import is background work: where the API, the bucket, the worker and
 * Postgres share the machine, its requests take the cores that live requests wait for
 * (docs/design/imports.md#uploads-while-an-import-runs). `now`: the clock (tests).
 */
export interface ImportPace {
  /** Resolves when the next transfer may start; the starts of every import of the runner are spaced by the pace. */
  wait(): Promise<void>;
  congested(): void;
  calm(): void;
  idle(): void;
  /** The spacing between starts now, in ms (0: unpaced). */
  intervalMs(): number;
}

export function createImportPace(now: () => number = Date.now): ImportPace {
  let interval = START_INTERVAL_MS;
  let next = 0;
  let starts = 0;
  /** Transfers held by the pace now. */
  let waiting = 0;
  let reportedAt = now();
  /** The time since the last report, and the spacing of the starts within it (0: none started); the next report counts from here. */
  const sinceReport = () => {
    const elapsed = now() - reportedAt;
    const spacing = starts === 0 ? 0 : elapsed / starts;
    starts = 0;
    reportedAt += elapsed;
    return { elapsed, spacing };
  };
  return {
    async wait() {
      if (interval > 0) {
        const at = Math.max(now(), next);
        next = at + interval;
        const ms = at - now();
        if (ms > 0) {
          waiting++;
          await new Promise((resolve) => setTimeout(resolve, ms)).finally(() => waiting--);
        }
      }
      starts++;
    },
    congested() {
      const ran = Math.max(interval, sinceReport().spacing);
      interval = Math.min(MAX_INTERVAL_MS, Math.max(MIN_INTERVAL_MS, ran * 2));
    },
    calm() {
      const { elapsed, spacing } = sinceReport();
      // Nothing started since the report before and nothing waits: no import is moving, so its next transfer starts gently.
      if (spacing === 0 && waiting === 0) {
        interval = Math.max(interval, START_INTERVAL_MS);
        return;
      }
      if (interval === 0) return;
      const faster = 1000 / (1000 / interval + (RATE_GAIN_PER_SECOND * elapsed) / 1000);
      interval = faster < MIN_INTERVAL_MS ? 0 : faster;
    },
    idle() {
      sinceReport();
      interval = 0;
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
