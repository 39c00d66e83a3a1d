import { isHlsSpec, isRenditionSpec, isStoryboardSpec, type VariantSpec, type VideoVariantSpec } from '@darkroom/core/presets';
import { planFrame, type VideoProbe } from '@darkroom/media';
import { ladderPixels, sharedRung } from './hls.js';

/**
 * How a video job's progress is shared among its renders, in the order renderVideo makes them: each
 * HLS ladder by the pixels of its rungs, each rendition a ladder does not hold by its frame's
 * pixels over its length (one remuxed from a rung weighs nothing), each storyboard as a quarter of
 * an encode at the source's size (it decodes the video and encodes one small sprite).
 */
export function renderWeights(probe: VideoProbe, specs: readonly VariantSpec[]): { ladders: number[]; renditions: number[]; storyboards: number[] } {
  const ladders = specs.filter(isHlsSpec);
  return {
    ladders: ladders.map((spec) => ladderPixels(probe, spec)),
    renditions: specs.filter(isRenditionSpec).map((spec) => (sharedRung(probe, ladders, spec) ? 0 : renditionPixels(probe, spec))),
    storyboards: specs.filter(isStoryboardSpec).map(() => (probe.width * probe.height) / 4),
  };
}

/** The share of the job's progress its ladders stand for: what a chunked render's parts move it through. */
export function ladderShare(probe: VideoProbe, specs: readonly VariantSpec[]): number {
  const { ladders, renditions, storyboards } = renderWeights(probe, specs);
  const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
  const total = sum(ladders) + sum(renditions) + sum(storyboards);
  return total > 0 ? sum(ladders) / total : 1;
}

function renditionPixels(probe: VideoProbe, spec: VideoVariantSpec): number {
  const { output } = planFrame(spec, probe);
  const clip = Math.min(probe.durationSeconds, spec.maxDuration ?? Infinity) / Math.max(probe.durationSeconds, 1e-3);
  return output.width * output.height * clip;
}
