import { createReadStream } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import {
  isImageSpec,
  isRenditionSpec,
  isStoryboardSpec,
  scaledDurationMs,
  variantKey,
  variantSpecHash,
  VARIANT_CACHE_CONTROL,
  type VariantSpec,
  type VideoInfo,
  type VideoVariantSpec,
} from '@darkroom/core';
import type { VariantRecord } from '@darkroom/db';
import { extractPoster, probeVideo, transcodeVideo, type TranscodeResult, type VideoProbe } from '@darkroom/media';
import type { RenderContext, RenderedAsset } from './context.js';
import { watchProgress, type ProgressWatch } from './progress-watch.js';
import { renderImageVariants } from './render-image.js';
import { renderStoryboards } from './render-storyboard.js';
import { untimedStages } from './stage-timer.js';

export interface VideoRenderOptions {
  /**
   * Render the poster even when no image spec asks for it: a first render needs its placeholder and
   * dominant colour, a backfill of renditions alone does not.
   */
  poster: boolean;
}

/**
 * A video: probe (limits first), the poster frame through the image pipeline (so image variants,
 * placeholder and dominant colour all come from it), then one transcode per rendition spec and one
 * frame pass per storyboard (render-storyboard.ts), each in a render slot. Progress (over all of
 * them) is written once a second, and the asset's DELETE or the worker's stop kills ffmpeg within
 * about a second (`watchProgress`). Temporary files live beside the original, in the directory its
 * cleanup removes.
 */
export async function renderVideo(ctx: RenderContext, specs: readonly VariantSpec[], options: VideoRenderOptions): Promise<RenderedAsset> {
  const watch = watchProgress(ctx.deps, { jobId: ctx.jobId, assetId: ctx.asset.id });
  try {
    const { maxDurationSeconds, maxPixels } = ctx.deps.config.video;
    const probe = await probeVideo(ctx.original.path, { maxDurationSeconds, maxPixels, signal: watch.signal });
    const imageSpecs = specs.filter(isImageSpec);
    const poster = options.poster || imageSpecs.length > 0 ? await renderPoster(ctx, probe, imageSpecs, watch) : null;
    const renditionSpecs = specs.filter(isRenditionSpec);
    const storyboardSpecs = specs.filter(isStoryboardSpec);
    // The job's progress runs over all of them: step i of the whole, `fraction` of it done.
    const steps = renditionSpecs.length + storyboardSpecs.length;
    const step = (offset: number) => (index: number, fraction: number) => watch.report((offset + index + fraction) / steps);
    const renditions = await renderRenditions(ctx, probe, renditionSpecs, watch, step(0));
    const storyboards = await renderStoryboards(ctx, probe, storyboardSpecs, watch, step(renditionSpecs.length));
    return {
      records: [...(poster?.records ?? []), ...renditions.map((r) => r.record), ...storyboards],
      asset: {
        width: probe.width,
        height: probe.height,
        format: probe.container,
        placeholder: poster?.placeholder ?? null,
        dominantColor: poster?.dominantColor ?? null,
        // Focus and crop are for images: a video's poster is its whole first frame, opaque.
        hasAlpha: false,
        duration: roundTo(probe.durationSeconds, 3),
        video: videoInfo(
          probe,
          renditions.map((r) => r.result),
        ),
      },
    };
  } finally {
    await watch.stop();
  }
}

/** The first frame through the image render path, whole (no crop or focus), within the video's own `render` stage. */
async function renderPoster(ctx: RenderContext, probe: VideoProbe, specs: readonly VariantSpec[], watch: ProgressWatch) {
  const path = join(dirname(ctx.original.path), 'poster.png');
  await writeFile(path, await extractPoster(ctx.original.path, probe, { signal: watch.signal }), { mode: 0o600 });
  const { records, image } = await renderImageVariants({ ...ctx, stages: untimedStages(ctx.deps) }, { specs, path, framed: false });
  return { records, placeholder: image.placeholder, dominantColor: image.dominantColor };
}

/** One after another, each holding a render slot only while ffmpeg runs (not while its output uploads). */
async function renderRenditions(
  ctx: RenderContext,
  probe: VideoProbe,
  specs: readonly VideoVariantSpec[],
  watch: ProgressWatch,
  report: (index: number, fraction: number) => void,
): Promise<{ record: VariantRecord; result: TranscodeResult }[]> {
  const { deps, original } = ctx;
  const done: { record: VariantRecord; result: TranscodeResult }[] = [];
  for (const [index, spec] of specs.entries()) {
    const release = await deps.renderGate.acquire(probe.width * probe.height);
    let result: TranscodeResult;
    try {
      result = await transcodeVideo(original.path, probe, spec, {
        outputPath: join(dirname(original.path), `${spec.name}.${spec.format}`),
        threads: deps.config.video.threadsPerRender,
        // Counted from when ffmpeg starts, not while the job waited for a slot.
        timeoutMs: scaledDurationMs(deps.config.video.jobTimeout, Math.min(probe.durationSeconds, spec.maxDuration ?? Infinity)),
        signal: watch.signal,
        onProgress: (fraction) => report(index, fraction),
      });
    } finally {
      release();
    }
    done.push({ record: await uploadRendition(ctx, spec, result), result });
    report(index, 1);
  }
  return done;
}

/** Streams a rendition from disk to the public bucket (long cache, as every variant), then deletes the file. */
async function uploadRendition({ deps, asset }: RenderContext, spec: VideoVariantSpec, result: TranscodeResult): Promise<VariantRecord> {
  const specHash = variantSpecHash(spec);
  const key = variantKey(asset.tenantId, asset.id, spec.name, specHash, spec.format);
  await deps.storage.putObject({
    bucket: deps.config.storage.publicBucket,
    key,
    body: createReadStream(result.path),
    contentType: result.contentType,
    cacheControl: VARIANT_CACHE_CONTROL,
  });
  await rm(result.path, { force: true });
  const { width, height, size } = result;
  return { name: spec.name, kind: 'video', format: spec.format, width, height, duration: roundTo(result.durationSeconds, 3), size, key, specHash };
}

function videoInfo(probe: VideoProbe, results: readonly TranscodeResult[]): NonNullable<VideoInfo> {
  // A poster is 8-bit: an HDR video with no rendition that kept it shows only mapped pictures.
  const hdr = probe.hdr === null ? null : results.some((r) => r.hdrKept) ? 'kept' : 'tone_mapped';
  return { codec: probe.codec, fps: roundTo(probe.fps, 3), audio: probe.audio, hdr };
}

const roundTo = (value: number, digits: number) => Math.round(value * 10 ** digits) / 10 ** digits;
