import { createReadStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { isHlsSpec, isRenditionSpec, variantSpecHash, type VariantSpec, type VideoVariantSpec } from '@darkroom/core/presets';
import { scaledDurationMs } from '@darkroom/core/env';
import { variantKey, VARIANT_CACHE_CONTROL } from '@darkroom/core/keys';
import type { VariantRecord } from '@darkroom/db/queries/variants';
import { remuxRung, transcodeVideo, type HlsLadderResult, type TranscodeResult, type VideoProbe } from '@darkroom/media';
import { assetObject } from '../asset-object.js';
import type { RenderContext } from '../context.js';
import { sharedRung } from './hls.js';
import { roundTo } from './round.js';
import type { Rendered } from './ladders.js';
import type { VideoStep } from './progress.js';
import { REMUX_TIMEOUT_MS } from './storyboards.js';

/**
 * The MP4 renditions, one after another, each holding a render slot only while ffmpeg runs (not
 * while it uploads). One that is a ladder's rung (`sharedRung`) is remuxed from it, not encoded again.
 */
export async function renderRenditions(
  ctx: RenderContext,
  probe: VideoProbe,
  specs: readonly VariantSpec[],
  made: readonly HlsLadderResult[],
  step: VideoStep,
): Promise<Rendered[]> {
  const ladders = specs.filter(isHlsSpec);
  const rendered: Rendered[] = [];
  for (const spec of specs.filter(isRenditionSpec)) {
    const shared = sharedRung(probe, ladders, spec);
    const onProgress = step.progress.next();
    const result = shared
      ? await remuxRung(made[shared.ladder]!, shared.rung, {
          outputPath: outputPathOf(ctx, spec),
          timeoutMs: REMUX_TIMEOUT_MS,
          signal: step.watch.signal,
        })
      : await transcodeRendition(ctx, probe, spec, step.watch.signal, onProgress);
    rendered.push({ record: await uploadRendition(ctx, spec, result), hdrKept: result.hdrKept });
  }
  return rendered;
}

const outputPathOf = (ctx: RenderContext, spec: VideoVariantSpec) => join(dirname(ctx.original.path), `${spec.name}.${spec.format}`);

async function transcodeRendition(
  ctx: RenderContext,
  probe: VideoProbe,
  spec: VideoVariantSpec,
  signal: AbortSignal,
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
      signal,
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
