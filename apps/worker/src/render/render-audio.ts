import { createReadStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { BadMediaError } from '@darkroom/core/errors';
import {
  DEFAULT_AUDIO_BITRATE,
  DEFAULT_WAVEFORM_POINTS,
  isAudioRenditionSpec,
  isImageSpec,
  isWaveformSpec,
  variantSpecHash,
  type AudioVariantSpec,
  type VariantSpec,
  type WaveformVariantSpec,
} from '@darkroom/core/presets';
import { ERRORS } from '@darkroom/core/error-factories';
import { scaledDurationMs } from '@darkroom/core/env';
import { variantKey, VARIANT_CACHE_CONTROL } from '@darkroom/core/keys';
import type { AudioInfo } from '@darkroom/core/contract/asset';
import type { VariantRecord } from '@darkroom/db/queries/variants';
import {
  analyseAudio,
  extractCoverArt,
  probeAudio,
  renderAudioRendition,
  type AudioProbe,
  type LoudnessMeasure,
  type WaveformJson,
} from '@darkroom/media';
import { assetObject } from './asset-object.js';
import type { RenderContext, RenderedAsset } from './context.js';
import { watchProgress, type ProgressWatch } from './progress-watch.js';
import { renderImageVariants } from './render-image.js';
import { untimedStages } from './stage-timer.js';

export interface AudioRenderOptions {
  /**
   * A first render: the cover art is looked for even when no image spec asks (the placeholder and
   * dominant colour come from it) and the loudness is measured for the asset's row; a backfill of
   * some variants does neither unless its specs need it.
   */
  firstRender: boolean;
}

/**
 * Audio: probe (limits first), the cover art through the image pipeline (image variants,
 * placeholder, dominant colour; a picture the image limits refuse fails the job with their code),
 * one decode for the loudness and every waveform, then one ffmpeg pass per rendition, normalised
 * with that loudness. Every ffmpeg pass holds a render slot; progress counts the passes, written
 * once a second, and the asset's DELETE or the worker's stop kills ffmpeg within about a second.
 */
export async function renderAudio(ctx: RenderContext, specs: readonly VariantSpec[], options: AudioRenderOptions): Promise<RenderedAsset> {
  const watch = watchProgress(ctx.deps, { jobId: ctx.jobId, assetId: ctx.asset.id });
  try {
    const { maxDurationSeconds } = ctx.deps.config.audio;
    const probe = await probeAudio({ path: ctx.original.path }, { maxDurationSeconds, signal: watch.signal });
    const imageSpecs = specs.filter(isImageSpec);
    const cover = options.firstRender || imageSpecs.length > 0 ? await renderCover(ctx, imageSpecs, watch, options.firstRender) : null;
    const renditions = specs.filter(isAudioRenditionSpec);
    const waveforms = specs.filter(isWaveformSpec);
    const normalised = renditions.some((s) => s.loudness !== undefined);
    const analyse = options.firstRender || normalised || waveforms.length > 0;
    // The passes over the audio: the analysis, then one per rendition.
    const done = analyse ? 1 : 0;
    const passes = done + renditions.length;
    const analysis = analyse ? await analyseOnce(ctx, probe, waveforms, watch, passes) : null;
    const waveformRecords = analysis ? await uploadWaveforms(ctx, waveforms, analysis.waveforms) : [];
    const renditionRecords = await renderRenditions(ctx, probe, renditions, analysis?.loudness ?? null, { watch, passes, done });
    return {
      records: [...(cover?.records ?? []), ...waveformRecords, ...renditionRecords],
      asset: {
        width: null,
        height: null,
        // As `complete` recorded it from the same probe.
        format: ctx.asset.format ?? probe.container,
        placeholder: cover?.placeholder ?? null,
        dominantColor: cover?.dominantColor ?? null,
        faces: cover?.faces,
        hasAlpha: false,
        duration: roundTo(probe.durationSeconds, 3),
        audio: audioInfo(probe, analysis?.loudness),
      },
    };
  } finally {
    await watch.stop();
  }
}

/** The embedded picture, whole, through the image render path (a first render's searched for faces); null when there is none. */
async function renderCover(ctx: RenderContext, specs: readonly VariantSpec[], watch: ProgressWatch, searchFaces: boolean) {
  const path = await extractCoverArt(ctx.original.path, { outputPath: join(dirname(ctx.original.path), 'cover'), signal: watch.signal });
  if (!path) return null;
  try {
    const { records, image, faces } = await renderImageVariants(
      { ...ctx, stages: untimedStages(ctx.deps) },
      { specs, path, framed: false, faces: searchFaces },
    );
    return { records, placeholder: image.placeholder, dominantColor: image.dominantColor, faces };
  } catch (error) {
    // The image pipeline's code (too_many_pixels, corrupt_image, …), in a sentence that says it is the cover art.
    if (error instanceof BadMediaError) throw ERRORS.coverArtRefused(error);
    throw error;
  } finally {
    await rm(path, { force: true });
  }
}

/** The loudness and every waveform, in one decode holding one render slot. */
async function analyseOnce(ctx: RenderContext, probe: AudioProbe, waveforms: readonly WaveformVariantSpec[], watch: ProgressWatch, passes: number) {
  const release = await ctx.deps.renderGate.acquire(0);
  try {
    return await analyseAudio(ctx.original.path, probe, {
      waveformPoints: waveforms.map((s) => s.points ?? DEFAULT_WAVEFORM_POINTS),
      timeoutMs: timeoutFor(ctx, probe),
      signal: watch.signal,
      onProgress: (fraction) => watch.report(fraction / passes),
    });
  } finally {
    release();
  }
}

const timeoutFor = (ctx: RenderContext, probe: AudioProbe) => scaledDurationMs(ctx.deps.config.audio.jobTimeout, probe.durationSeconds);

/** Each waveform as JSON in the public bucket (long cache, as every variant). */
async function uploadWaveforms(
  ctx: RenderContext,
  specs: readonly WaveformVariantSpec[],
  waveforms: readonly WaveformJson[],
): Promise<VariantRecord[]> {
  const { deps, asset } = ctx;
  return Promise.all(
    specs.map(async (spec, i) => {
      const body = Buffer.from(JSON.stringify(waveforms[i]));
      const specHash = variantSpecHash(spec);
      const key = variantKey(asset.tenantId, asset.id, spec.name, specHash, 'json');
      await deps.storage.putObject({ ...assetObject(deps, asset, key), body, contentType: 'application/json', cacheControl: VARIANT_CACHE_CONTROL });
      const duration = roundTo((waveforms[i]!.length * waveforms[i]!.samples_per_pixel) / waveforms[i]!.sample_rate, 3);
      return { name: spec.name, kind: 'audio', format: spec.format, width: 0, height: 0, duration, size: body.length, key, specHash };
    }),
  );
}

interface PassProgress {
  watch: ProgressWatch;
  passes: number;
  /** Passes finished before the renditions. */
  done: number;
}

/** One after another, each holding a render slot only while ffmpeg runs (not while its output uploads). */
async function renderRenditions(
  ctx: RenderContext,
  probe: AudioProbe,
  specs: readonly AudioVariantSpec[],
  measure: LoudnessMeasure | null,
  { watch, passes, done }: PassProgress,
): Promise<VariantRecord[]> {
  const { deps, original, asset } = ctx;
  const records: VariantRecord[] = [];
  for (const [index, spec] of specs.entries()) {
    const release = await deps.renderGate.acquire(0);
    let result: Awaited<ReturnType<typeof renderAudioRendition>>;
    try {
      const rendition = { format: spec.format, bitrate: spec.bitrate ?? DEFAULT_AUDIO_BITRATE, loudness: spec.loudness };
      result = await renderAudioRendition(original.path, probe, rendition, measure, {
        outputPath: join(dirname(original.path), `${spec.name}.${spec.format}`),
        timeoutMs: timeoutFor(ctx, probe),
        signal: watch.signal,
        onProgress: (fraction) => watch.report((done + index + fraction) / passes),
      });
    } finally {
      release();
    }
    const specHash = variantSpecHash(spec);
    const key = variantKey(asset.tenantId, asset.id, spec.name, specHash, spec.format);
    const body = createReadStream(result.path);
    await deps.storage.putObject({
      ...assetObject(deps, asset, key),
      body,
      contentType: result.contentType,
      cacheControl: VARIANT_CACHE_CONTROL,
    });
    await rm(result.path, { force: true });
    const duration = roundTo(result.durationSeconds, 3);
    records.push({ name: spec.name, kind: 'audio', format: spec.format, width: 0, height: 0, duration, size: result.size, key, specHash });
    watch.report((done + index + 1) / passes);
  }
  return records;
}

function audioInfo(probe: AudioProbe, loudness: LoudnessMeasure | null | undefined): NonNullable<AudioInfo> {
  return { codec: probe.codec, sampleRate: probe.sampleRate, channels: probe.channels, loudness: loudness ? roundTo(loudness.integrated, 1) : null };
}

const roundTo = (value: number, digits: number) => Math.round(value * 10 ** digits) / 10 ** digits;
