import { rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { isStoryboardSpec, STORYBOARD_MAX_TILES, variantSpecHash, type StoryboardVariantSpec, type VariantSpec } from '@darkroom/core/presets';
import { scaledDurationMs } from '@darkroom/core/env';
import { STORYBOARD_VTT, storyboardSpriteKey, variantKey, VARIANT_CACHE_CONTROL } from '@darkroom/core/keys';
import type { VariantRecord } from '@darkroom/db/queries/variants';
import { probeVideo, remuxRung, renderStoryboard, type HlsLadderResult, type StoryboardResult, type VideoProbe } from '@darkroom/media';
import { assetObject } from '../asset-object.js';
import type { RenderContext } from '../context.js';
import type { ProgressWatch } from '../progress-watch.js';
import { partsOf, type VideoStep } from './progress.js';

/**
 * The storyboards of a video's specs, after its ladders and renditions: from the source
 * `storyboardSource` picks (a rung of `made`, or the original), removed once they are stored.
 */
export async function renderStoryboardsOf(
  ctx: RenderContext,
  probe: VideoProbe,
  specs: readonly VariantSpec[],
  made: readonly HlsLadderResult[],
  step: VideoStep,
): Promise<VariantRecord[]> {
  const storyboardSpecs = specs.filter(isStoryboardSpec);
  const source = await storyboardSource(ctx, probe, made, storyboardSpecs, step.watch.signal);
  try {
    const storyboards = await renderStoryboards(ctx, source, storyboardSpecs, step.watch, partsOf(step.progress));
    step.progress.next();
    return storyboards;
  } finally {
    await source.discard();
  }
}

/** How a WebVTT file is served; browsers read it as UTF-8 whatever the header says. */
export const VTT_CONTENT_TYPE = 'text/vtt';

/** What a storyboard's frames are decoded from: the original, or a ladder's rung remuxed to one file. */
export interface StoryboardSource {
  path: string;
  /** The video's own probe (its size and duration plan the tiles), with the stream and HDR of `path`. */
  probe: VideoProbe;
  /** Removes the remuxed rung, if one was made. */
  discard(): Promise<void>;
}

/** A rung this many times a tile's width or more is decoded instead of the original: its tiles are still downscaled. */
const RUNG_WIDTH_PER_TILE = 2;

/**
 * Where the storyboards read frames from: the smallest rung of a ladder the job has just made that is
 * at least twice the widest tile (remuxed, no encode), else the original. A rung holds the same
 * pictures, upright and already scaled, at a fraction of the original's pixels to decode, and a long
 * video's rungs come from its chunks, rendered across the workers.
 */
export async function storyboardSource(
  ctx: RenderContext,
  probe: VideoProbe,
  ladders: readonly HlsLadderResult[],
  specs: readonly StoryboardVariantSpec[],
  signal: AbortSignal,
): Promise<StoryboardSource> {
  const original: StoryboardSource = { path: ctx.original.path, probe, discard: async () => {} };
  const chosen = storyboardRung(ladders, specs, probe.width);
  if (!chosen) return original;
  const outputPath = join(dirname(ctx.original.path), 'storyboard-source.mp4');
  const remuxed = await remuxRung(chosen.ladder, chosen.index, { outputPath, timeoutMs: REMUX_TIMEOUT_MS, signal });
  const discard = () => rm(remuxed.path, { force: true });
  try {
    const { maxDurationSeconds, maxPixels } = ctx.deps.config.video;
    const rung = await probeVideo(remuxed.path, { maxDurationSeconds, maxPixels, signal });
    return { path: remuxed.path, probe: { ...probe, videoStreamIndex: rung.videoStreamIndex, hdr: rung.hdr }, discard };
  } catch (error) {
    await discard();
    throw error;
  }
}

/** The smallest rung of `ladders` at least RUNG_WIDTH_PER_TILE times the widest tile (never wider than the video), if any. */
export function storyboardRung(
  ladders: readonly HlsLadderResult[],
  specs: readonly Pick<StoryboardVariantSpec, 'width'>[],
  videoWidth: number,
): { ladder: HlsLadderResult; index: number } | undefined {
  if (specs.length === 0) return undefined;
  const widest = Math.max(...specs.map((s) => Math.min(s.width, videoWidth)));
  const candidates = ladders.flatMap((ladder) => ladder.rungs.map((rung, index) => ({ ladder, rung, index })));
  const chosen = candidates
    .filter(({ rung }) => rung.width >= widest * RUNG_WIDTH_PER_TILE)
    .sort((a, b) => a.rung.width * a.rung.height - b.rung.width * b.rung.height)[0];
  return chosen && { ladder: chosen.ladder, index: chosen.index };
}

/** A copy of streams, no encode: minutes would mean a stuck disk. */
export const REMUX_TIMEOUT_MS = 10 * 60_000;

/**
 * Each storyboard spec: one ffmpeg pass over `source` in a render slot, then its sprite and WebVTT
 * file into the public bucket, the sprite first so that no cue ever points at a missing object.
 * `report(i, fraction)` moves the job's progress for the i-th of them.
 */
export async function renderStoryboards(
  ctx: RenderContext,
  source: Pick<StoryboardSource, 'path' | 'probe'>,
  specs: readonly StoryboardVariantSpec[],
  watch: ProgressWatch,
  report: (index: number, fraction: number) => void,
): Promise<VariantRecord[]> {
  const { deps, asset } = ctx;
  const { probe } = source;
  const records: VariantRecord[] = [];
  for (const [index, spec] of specs.entries()) {
    const specHash = variantSpecHash(spec);
    const key = variantKey(asset.tenantId, asset.id, spec.name, specHash, STORYBOARD_VTT);
    const spriteKey = storyboardSpriteKey(key);
    const release = await deps.renderGate.acquire(probe.width * probe.height);
    let result: StoryboardResult;
    try {
      result = await renderStoryboard(source.path, probe, {
        tileWidth: spec.width,
        maxTiles: STORYBOARD_MAX_TILES,
        spriteUrl: basename(spriteKey),
        threads: deps.config.video.threadsPerRender,
        timeoutMs: scaledDurationMs(deps.config.video.jobTimeout, probe.durationSeconds),
        signal: watch.signal,
        onProgress: (fraction) => report(index, fraction),
      });
    } finally {
      release();
    }
    const vtt = Buffer.from(result.vtt, 'utf8');
    const put = (objectKey: string, body: Buffer, contentType: string) =>
      deps.storage.putObject({ ...assetObject(deps, asset, objectKey), body, contentType, cacheControl: VARIANT_CACHE_CONTROL });
    await put(spriteKey, result.sprite, 'image/webp');
    await put(key, vtt, VTT_CONTENT_TYPE);
    const { tileWidth: width, tileHeight: height } = result;
    const duration = Math.round(probe.durationSeconds * 1000) / 1000;
    records.push({
      name: spec.name,
      kind: 'video',
      format: spec.format,
      width,
      height,
      duration,
      size: result.sprite.length + vtt.length,
      key,
      specHash,
    });
    report(index, 1);
  }
  return records;
}
