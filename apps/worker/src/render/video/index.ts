import { isHlsSpec, type VariantSpec } from '@darkroom/core/presets';
import type { VideoInfo } from '@darkroom/core/contract/asset';
import { probeVideo, type VideoProbe } from '@darkroom/media';
import { queueChunkedRender, rendersInChunks } from './chunk-flow.js';
import type { ChunksQueued, RenderContext, RenderedAsset } from '../context.js';
import { watchProgress, type ProgressWatch } from '../progress-watch.js';
import { renderLadders, type Rendered } from './ladders.js';
import { renderPoster, type VideoRenderOptions } from './poster.js';
import { progressShares } from './progress.js';
import { renderRenditions } from './renditions.js';
import { roundTo } from './round.js';
import { assertVideoQuota } from './video-quota.js';
import { renderStoryboardsOf } from './storyboards.js';

export type { VideoRenderOptions } from './poster.js';

/**
 * A video, one step a call, in order: the probe (its limits first, then the tenant's
 * videoSecondsPerMonth: video-quota.ts); then, for a long video's first
 * entry, its ladders planned in chunks across the workers, and the entry ends (`ChunksQueued`: its
 * join step comes back here with `ctx.chunks` to join them and render the rest); the poster frame
 * through the image pipeline; the HLS ladders, rendered or joined from their chunks; the renditions
 * a ladder does not already hold; the storyboards. Each encode holds a render slot while ffmpeg runs.
 * Progress (over all of them) is written once a second, and the asset's DELETE or the worker's stop
 * kills ffmpeg within about a second (`watchProgress`). Temporary files live beside the original,
 * in the directory its cleanup removes.
 */
export async function renderVideo(
  ctx: RenderContext,
  specs: readonly VariantSpec[],
  options: VideoRenderOptions,
): Promise<RenderedAsset | ChunksQueued> {
  const watch = watchProgress(ctx.deps, { jobId: ctx.jobId, assetId: ctx.asset.id });
  try {
    const probe = await probeWithinLimits(ctx, watch);
    // A join step's ladders were checked on its first entry, and their parts are encoded already.
    if (ctx.chunks?.mode !== 'join') await assertVideoQuota(ctx, probe, specs);
    if (await queuedInChunks(ctx, probe, specs, watch)) return { chunksQueued: true };
    const poster = await renderPoster(ctx, probe, specs, options, watch);
    const progress = progressShares(watch, probe, specs);
    const ladders = await renderLadders(ctx, probe, specs, { watch, progress });
    try {
      const renditions = await renderRenditions(ctx, probe, specs, ladders.made, { watch, progress });
      const storyboards = await renderStoryboardsOf(ctx, probe, specs, ladders.made, { watch, progress });
      const rendered = [...(await ladders.uploaded()), ...renditions];
      return { records: [...(poster?.records ?? []), ...rendered.map((r) => r.record), ...storyboards], asset: videoAsset(probe, poster, rendered) };
    } finally {
      await ladders.discard();
    }
  } finally {
    await watch.stop();
  }
}

function probeWithinLimits(ctx: RenderContext, watch: ProgressWatch): Promise<VideoProbe> {
  const { maxDurationSeconds, maxPixels } = ctx.deps.config.video;
  return probeVideo(ctx.original.path, { maxDurationSeconds, maxPixels, signal: watch.signal });
}

/** A long video's first entry: its ladders planned in chunks and their parts queued (chunk-flow.ts), if it renders so. */
async function queuedInChunks(ctx: RenderContext, probe: VideoProbe, specs: readonly VariantSpec[], watch: ProgressWatch): Promise<boolean> {
  if (ctx.chunks?.mode !== 'plan' || !specs.some(isHlsSpec) || !(await rendersInChunks(ctx, probe, specs, watch.signal))) return false;
  await queueChunkedRender(ctx, ctx.chunks.row, probe, specs);
  return true;
}

/** What the asset's row records of a video. */
function videoAsset(probe: VideoProbe, poster: Awaited<ReturnType<typeof renderPoster>>, rendered: readonly Rendered[]): RenderedAsset['asset'] {
  return {
    width: probe.width,
    height: probe.height,
    format: probe.container,
    placeholder: poster?.placeholder ?? null,
    dominantColor: poster?.dominantColor ?? null,
    faces: poster?.faces,
    // Focus and crop are for images: a video's poster is its whole first frame, opaque.
    hasAlpha: false,
    duration: roundTo(probe.durationSeconds, 3),
    video: videoInfo(probe, rendered),
  };
}

function videoInfo(probe: VideoProbe, results: readonly { hdrKept: boolean }[]): NonNullable<VideoInfo> {
  // A poster is 8-bit: an HDR video with no rendition that kept it shows only mapped pictures.
  const hdr = probe.hdr === null ? null : results.some((r) => r.hdrKept) ? 'kept' : 'tone_mapped';
  return { codec: probe.codec, fps: roundTo(probe.fps, 3), audio: probe.audio, hdr };
}
