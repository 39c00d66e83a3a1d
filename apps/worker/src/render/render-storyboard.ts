import { basename } from 'node:path';
import {
  scaledDurationMs,
  STORYBOARD_MAX_TILES,
  STORYBOARD_VTT,
  storyboardSpriteKey,
  variantKey,
  variantSpecHash,
  VARIANT_CACHE_CONTROL,
  type StoryboardVariantSpec,
} from '@darkroom/core';
import type { VariantRecord } from '@darkroom/db';
import { renderStoryboard, type StoryboardResult, type VideoProbe } from '@darkroom/media';
import { assetObject } from './asset-object.js';
import type { RenderContext } from './context.js';
import type { ProgressWatch } from './progress-watch.js';

/** How a WebVTT file is served; browsers read it as UTF-8 whatever the header says. */
export const VTT_CONTENT_TYPE = 'text/vtt';

/**
 * Each storyboard spec: one ffmpeg pass in a render slot, then its sprite and WebVTT file into the
 * public bucket, the sprite first so that no cue ever points at a missing object.
 * `report(i, fraction)` moves the job's progress for the i-th of them.
 */
export async function renderStoryboards(
  ctx: RenderContext,
  probe: VideoProbe,
  specs: readonly StoryboardVariantSpec[],
  watch: ProgressWatch,
  report: (index: number, fraction: number) => void,
): Promise<VariantRecord[]> {
  const { deps, asset, original } = ctx;
  const records: VariantRecord[] = [];
  for (const [index, spec] of specs.entries()) {
    const specHash = variantSpecHash(spec);
    const key = variantKey(asset.tenantId, asset.id, spec.name, specHash, STORYBOARD_VTT);
    const spriteKey = storyboardSpriteKey(key);
    const release = await deps.renderGate.acquire(probe.width * probe.height);
    let result: StoryboardResult;
    try {
      result = await renderStoryboard(original.path, probe, {
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
