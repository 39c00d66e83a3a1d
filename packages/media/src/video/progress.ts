import { lineReader } from './lines.js';

/** The least time between two progress reports, here and in the worker's writes of them: the contract's "at most once a second". */
export const PROGRESS_INTERVAL_MS = 1000;

export interface ProgressReporterOptions {
  /** Seconds the output will last: what `out_time_us` is a fraction of. */
  totalSeconds: number;
  onProgress: (fraction: number) => void;
  /** For tests. */
  now?: () => number;
}

/**
 * Reads ffmpeg's `-progress pipe:1` stream (blocks of `key=value` lines, arriving in arbitrary
 * chunks) and reports `out_time_us` as a 0..1 fraction: at most once a second, never backwards,
 * never above 1. ffmpeg prints `out_time_us=N/A` before the first frame; those lines are skipped.
 */
export function progressReporter(options: ProgressReporterOptions): (chunk: Buffer | string) => boolean {
  const now = options.now ?? (() => performance.now()); // monotonic: wall clocks get adjusted
  let reported = 0;
  let lastAt = -Infinity;
  const consider = (microseconds: number): void => {
    if (!(options.totalSeconds > 0) || !Number.isFinite(microseconds)) return;
    const fraction = Math.min(1, Math.max(0, microseconds / 1e6 / options.totalSeconds));
    const at = now();
    if (fraction <= reported || at - lastAt < PROGRESS_INTERVAL_MS) return;
    reported = fraction;
    lastAt = at;
    options.onProgress(fraction);
  };
  return lineReader((line) => {
    const match = /^out_time_us=(-?\d+)\s*$/.exec(line);
    if (match) consider(Number(match[1]));
  });
}
