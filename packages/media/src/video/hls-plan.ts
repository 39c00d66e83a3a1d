import type { Size } from '../geometry.js';
import { planFrame } from './filters.js';
import type { HlsLadderSpec } from './types.js';

/** The ladder's rungs, by lines (the shorter side of the frame), highest first. */
export const HLS_RUNG_LINES = [1080, 720, 480, 360, 240] as const;

/** `segmentSeconds` when a preset leaves it out, and its bounds. */
export const HLS_SEGMENT_SECONDS = { default: 4, min: 2, max: 10 } as const;

export interface HlsRungPlan {
  /** The lines this rung was planned for (its output may have fewer: the box's or the original's). */
  lines: number;
  output: Size;
}

/**
 * The rungs of a ladder for an upright `source`: one per line count in `HLS_RUNG_LINES` that the
 * original reaches, each inside the spec's box, even-sided as every rendition (`planFrame`); two
 * line counts that come out the same size are one rung. A source below the lowest rung gets one
 * rung, its own size inside the box. Highest first.
 */
export function planHlsLadder(spec: Pick<HlsLadderSpec, 'width' | 'height'>, source: Size): HlsRungPlan[] {
  const portrait = source.height > source.width;
  const shorter = Math.min(source.width, source.height);
  const rungs: HlsRungPlan[] = [];
  for (const lines of HLS_RUNG_LINES) {
    if (lines > shorter) continue;
    const box = portrait ? { width: Math.min(spec.width, lines), height: spec.height } : { width: spec.width, height: Math.min(spec.height, lines) };
    const { output } = planFrame({ fit: 'inside', ...box }, source);
    if (!rungs.some((r) => r.output.width === output.width && r.output.height === output.height)) rungs.push({ lines, output });
  }
  if (rungs.length > 0) return rungs;
  const { output } = planFrame({ fit: 'inside', width: spec.width, height: spec.height }, source);
  return [{ lines: Math.min(output.width, output.height), output }];
}
