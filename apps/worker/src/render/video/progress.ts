import type { VariantSpec } from '@darkroom/core/presets';
import type { VideoProbe } from '@darkroom/media';
import type { ProgressWatch } from '../progress-watch.js';
import { renderWeights } from './weights.js';

/** A video job's progress, the steps' shares of it in their order (weights.ts): `next()` moves on to the next part. */
export interface ProgressShares {
  next(): (fraction: number) => void;
}

/** What each step of the video render reports through. */
export interface VideoStep {
  watch: ProgressWatch;
  progress: ProgressShares;
}

export function progressShares(watch: ProgressWatch, probe: VideoProbe, specs: readonly VariantSpec[]): ProgressShares {
  const shares = renderWeights(probe, specs);
  const weights = [...shares.ladders, ...shares.renditions, ...shares.storyboards];
  const total = weights.reduce((sum, w) => sum + w, 0) || 1;
  let part = -1;
  let before = 0;
  return {
    next() {
      if (part >= 0) before += weights[part] ?? 0;
      part++;
      watch.report(before / total);
      const weight = weights[part] ?? 0;
      const start = before;
      return (fraction) => watch.report((start + fraction * weight) / total);
    },
  };
}

/** `report(index, fraction)` over consecutive parts of `progress`, for a loop that numbers its parts. */
export function partsOf(progress: ProgressShares): (index: number, fraction: number) => void {
  let current = -1;
  let report: (fraction: number) => void = () => {};
  return (index, fraction) => {
    for (; current < index; current++) report = progress.next();
    report(fraction);
  };
}
