import { createReadStream } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import {
  isHlsSpec,
  isImageSpec,
  isRenditionSpec,
  isStoryboardSpec,
  scaledDurationMs,
  variantKey,
  variantSpecHash,
  VARIANT_CACHE_CONTROL,
  type HlsVariantSpec,
  type VariantSpec,
  type VideoInfo,
  type VideoVariantSpec,
} from '@darkroom/core';
import type { VariantRecord } from '@darkroom/db';
import { extractPoster, probeVideo, remuxRung, transcodeVideo, type HlsLadderResult, type TranscodeResult, type VideoProbe } from '@darkroom/media';
import { assetObject } from './asset-object.js';
import type { ChunksQueued, RenderContext, RenderedAsset } from './context.js';
import { watchProgress, type ProgressWatch } from './progress-watch.js';
import { queueChunkedRender, rendersInChunks } from './chunk-flow.js';
import { joinChunkedLadder } from './chunk-join.js';
import { discardLadder, renderLadder, sharedRung, uploadLadder } from './render-hls.js';
import { renderWeights } from './render-weights.js';
import { renderImageVariants } from './render-image.js';
import { REMUX_TIMEOUT_MS, renderStoryboards, storyboardSource } from './render-storyboard.js';
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
 * placeholder and dominant colour all come from it), then one ffmpeg per HLS ladder, one per
 * rendition a ladder does not already hold and one frame pass per storyboard (render-storyboard.ts),
 * each in a render slot. Progress (over all of them) is written once a second, and the asset's
 * DELETE or the worker's stop kills ffmpeg within about a second (`watchProgress`). Temporary files
 * live beside the original, in the directory its cleanup removes. A long video's ladders are
 * rendered in chunks across the workers: planned here by the job's entry, which then ends
 * (`ChunksQueued`), and joined from their parts by its join step, which renders the rest as above.
 */
export async function renderVideo(
  ctx: RenderContext,
  specs: readonly VariantSpec[],
  options: VideoRenderOptions,
): Promise<RenderedAsset | ChunksQueued> {
  const watch = watchProgress(ctx.deps, { jobId: ctx.jobId, assetId: ctx.asset.id });
  try {
    const { maxDurationSeconds, maxPixels } = ctx.deps.config.video;
    const probe = await probeVideo(ctx.original.path, { maxDurationSeconds, maxPixels, signal: watch.signal });
    if (ctx.chunks?.mode === 'plan' && specs.some(isHlsSpec) && (await rendersInChunks(ctx, probe, specs, watch.signal))) {
      await queueChunkedRender(ctx, ctx.chunks.row, probe, specs);
      return { chunksQueued: true };
    }
    const imageSpecs = specs.filter(isImageSpec);
    const poster = options.poster || imageSpecs.length > 0 ? await renderPoster(ctx, probe, imageSpecs, watch) : null;
    const { rendered, storyboards } = await renderRenditions(ctx, probe, specs, watch);
    return {
      records: [...(poster?.records ?? []), ...rendered.map((r) => r.record), ...storyboards],
      asset: {
        width: probe.width,
        height: probe.height,
        format: probe.container,
        placeholder: poster?.placeholder ?? null,
        dominantColor: poster?.dominantColor ?? null,
        // Focus and crop are for images: a video's poster is its whole first frame, opaque.
        hasAlpha: false,
        duration: roundTo(probe.durationSeconds, 3),
        video: videoInfo(probe, rendered),
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

interface Rendered {
  record: VariantRecord;
  /** Whether HDR was kept as is (for `video.hdr`). */
  hdrKept: boolean;
}

/**
 * Ladders first, then renditions, then storyboards, one after another, each holding a render slot
 * only while ffmpeg runs (not while its output uploads). An MP4 rendition that is a ladder's rung
 * (`sharedRung`) is remuxed from it, not encoded again, and storyboards decode a small rung rather
 * than the original where one is large enough (`storyboardSource`). Progress is the share of the
 * job's pixels encoded.
 */
async function renderRenditions(
  ctx: RenderContext,
  probe: VideoProbe,
  specs: readonly VariantSpec[],
  watch: ProgressWatch,
): Promise<{ rendered: Rendered[]; storyboards: VariantRecord[] }> {
  const ladders = specs.filter(isHlsSpec);
  const renditions = specs.filter(isRenditionSpec).map((spec) => ({ spec, shared: sharedRung(probe, ladders, spec) }));
  const storyboardSpecs = specs.filter(isStoryboardSpec);
  const weights = renderWeights(probe, specs);
  const progress = progressShares(watch, [...weights.ladders, ...weights.renditions, ...weights.storyboards]);
  const rendered: Rendered[] = [];
  const made: HlsLadderResult[] = [];
  // Each ladder uploads while what follows renders (the MP4 remuxed from its rung, the storyboard
  // decoding a rung): the bucket's writes and this worker's encoding overlap instead of taking turns.
  const uploads: Promise<Rendered>[] = [];
  try {
    for (const spec of ladders) {
      const run = { signal: watch.signal, onProgress: progress.next() };
      const chunked = ctx.chunks?.mode === 'join' ? ctx.chunks.flow.ladders.find((l) => l.name === spec.name) : undefined;
      const ladder = chunked ? await joinChunkedLadder(ctx, spec, chunked.planHash, run) : await renderLadder(ctx, probe, spec, run);
      made.push(ladder);
      uploads.push(uploadInBackground(ctx, spec, ladder, watch.signal));
    }
    for (const { spec, shared } of renditions) {
      const onProgress = progress.next();
      const result = shared
        ? await remuxRung(made[shared.ladder]!, shared.rung, {
            outputPath: outputPathOf(ctx, spec),
            timeoutMs: REMUX_TIMEOUT_MS,
            signal: watch.signal,
          })
        : await transcodeRendition(ctx, probe, spec, watch, onProgress);
      rendered.push({ record: await uploadRendition(ctx, spec, result), hdrKept: result.hdrKept });
    }
    const source = await storyboardSource(ctx, probe, made, storyboardSpecs, watch.signal);
    try {
      const storyboards = await renderStoryboards(ctx, source, storyboardSpecs, watch, partsOf(progress));
      progress.next();
      return { rendered: [...(await Promise.all(uploads)), ...rendered], storyboards };
    } finally {
      await source.discard();
    }
  } finally {
    // A ladder's files are removed only once its upload has ended, whichever way.
    await Promise.allSettled(uploads);
    await Promise.all(made.map(discardLadder));
  }
}

/** A ladder's upload, started now and awaited later; its failure is the job's when awaited, never an unhandled rejection meanwhile. */
function uploadInBackground(ctx: RenderContext, spec: HlsVariantSpec, ladder: HlsLadderResult, signal: AbortSignal): Promise<Rendered> {
  const upload = uploadLadder(ctx, spec, ladder, signal).then((record) => ({ record, hdrKept: ladder.hdrKept }));
  upload.catch(() => {});
  return upload;
}

/** `report(index, fraction)` over consecutive parts of `progress`, for a loop that numbers its parts. */
function partsOf(progress: ReturnType<typeof progressShares>): (index: number, fraction: number) => void {
  let current = -1;
  let report: (fraction: number) => void = () => {};
  return (index, fraction) => {
    for (; current < index; current++) report = progress.next();
    report(fraction);
  };
}

const outputPathOf = (ctx: RenderContext, spec: VideoVariantSpec) => join(dirname(ctx.original.path), `${spec.name}.${spec.format}`);

/** Reports the job's progress as each part's share of `weights` (in order): `next()` moves on to the next part. */
function progressShares(watch: ProgressWatch, weights: readonly number[]) {
  const total = weights.reduce((sum, w) => sum + w, 0) || 1;
  let part = -1;
  let before = 0;
  return {
    next(): (fraction: number) => void {
      if (part >= 0) before += weights[part] ?? 0;
      part++;
      watch.report(before / total);
      const weight = weights[part] ?? 0;
      const start = before;
      return (fraction) => watch.report((start + fraction * weight) / total);
    },
  };
}

async function transcodeRendition(
  ctx: RenderContext,
  probe: VideoProbe,
  spec: VideoVariantSpec,
  watch: ProgressWatch,
  onProgress: (fraction: number) => void,
): Promise<TranscodeResult> {
  const { deps, original } = ctx;
  const release = await deps.renderGate.acquire(probe.width * probe.height);
  try {
    return await transcodeVideo(original.path, probe, spec, {
      outputPath: outputPathOf(ctx, spec),
      threads: deps.config.video.threadsPerRender,
      // Counted from when ffmpeg starts, not while the job waited for a slot.
      timeoutMs: scaledDurationMs(deps.config.video.jobTimeout, Math.min(probe.durationSeconds, spec.maxDuration ?? Infinity)),
      signal: watch.signal,
      onProgress,
    });
  } finally {
    release();
  }
}

/** Streams a rendition from disk to the public bucket (long cache, as every variant), then deletes the file. */
async function uploadRendition({ deps, asset }: RenderContext, spec: VideoVariantSpec, result: TranscodeResult): Promise<VariantRecord> {
  const specHash = variantSpecHash(spec);
  const key = variantKey(asset.tenantId, asset.id, spec.name, specHash, spec.format);
  await deps.storage.putObject({
    ...assetObject(deps, asset, key),
    body: createReadStream(result.path),
    contentType: result.contentType,
    cacheControl: VARIANT_CACHE_CONTROL,
  });
  await rm(result.path, { force: true });
  const { width, height, size } = result;
  return { name: spec.name, kind: 'video', format: spec.format, width, height, duration: roundTo(result.durationSeconds, 3), size, key, specHash };
}

function videoInfo(probe: VideoProbe, results: readonly { hdrKept: boolean }[]): NonNullable<VideoInfo> {
  // A poster is 8-bit: an HDR video with no rendition that kept it shows only mapped pictures.
  const hdr = probe.hdr === null ? null : results.some((r) => r.hdrKept) ? 'kept' : 'tone_mapped';
  return { codec: probe.codec, fps: roundTo(probe.fps, 3), audio: probe.audio, hdr };
}

const roundTo = (value: number, digits: number) => Math.round(value * 10 ** digits) / 10 ** digits;
