import { readFile, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { hlsVariantPrefix, VARIANT_CACHE_CONTROL } from '@darkroom/core/keys';
import { scaledDurationMs } from '@darkroom/core/env';
import { variantSpecHash, type HlsVariantSpec, type VideoVariantSpec } from '@darkroom/core/presets';
import {
  HLS_SEGMENT_SECONDS,
  planFrame,
  planHlsLadder,
  renderHlsLadder,
  type HlsFile,
  type HlsLadderResult,
  type HlsLadderSpec,
  type VideoProbe,
} from '@darkroom/media';
import { assetObject } from '../asset-object.js';
import type { RenderContext } from '../context.js';
import type { StoredVariant } from '../usage.js';

/** Files of a ladder uploaded at once: hundreds of small segments, a few requests in flight. */
const UPLOAD_CONCURRENCY = 6;

export function ladderSpecOf(spec: HlsVariantSpec): HlsLadderSpec {
  return {
    width: spec.width,
    height: spec.height,
    quality: spec.quality,
    segmentSeconds: spec.segmentSeconds ?? HLS_SEGMENT_SECONDS.default,
    audio: spec.audio,
  };
}

/** Pixels of a ladder's frames, all rungs together: how much of the job's encoding it is. */
export function ladderPixels(probe: VideoProbe, spec: HlsVariantSpec): number {
  return planHlsLadder(spec, probe).reduce((sum, r) => sum + r.output.width * r.output.height, 0);
}

/**
 * The rung of one of `ladders` that is this MP4 rendition's picture, so it is remuxed from the
 * rung instead of encoded again: the same frame (size, no crop), quality and audio, the whole video.
 */
export function sharedRung(probe: VideoProbe, ladders: readonly HlsVariantSpec[], spec: VideoVariantSpec): { ladder: number; rung: number } | null {
  if (spec.format !== 'mp4' || (spec.maxDuration !== undefined && spec.maxDuration < probe.durationSeconds)) return null;
  const frame = planFrame(spec, probe);
  if (frame.scaled.width !== frame.output.width || frame.scaled.height !== frame.output.height) return null;
  for (const [ladder, candidate] of ladders.entries()) {
    if (candidate.quality !== spec.quality || (candidate.audio ?? true) !== (spec.audio ?? true)) continue;
    const rung = planHlsLadder(candidate, probe).findIndex((r) => r.output.width === frame.output.width && r.output.height === frame.output.height);
    if (rung >= 0) return { ladder, rung };
  }
  return null;
}

/**
 * Renders a ladder in one render slot, into a directory beside the original (removed with it).
 * The time limit is VIDEO_JOB_TIMEOUT scaled by the duration times the rungs: one ffmpeg encodes them all.
 */
export async function renderLadder(
  ctx: RenderContext,
  probe: VideoProbe,
  spec: HlsVariantSpec,
  run: { signal: AbortSignal; onProgress: (fraction: number) => void },
): Promise<HlsLadderResult> {
  const { deps, original } = ctx;
  const rungs = planHlsLadder(spec, probe).length;
  const release = await deps.renderGate.acquire(probe.width * probe.height);
  try {
    return await renderHlsLadder(original.path, probe, ladderSpecOf(spec), {
      outputDir: join(dirname(original.path), `${spec.name}.hls`),
      threads: deps.config.video.threadsPerRender,
      timeoutMs: scaledDurationMs(deps.config.video.jobTimeout, probe.durationSeconds * rungs),
      signal: run.signal,
      onProgress: run.onProgress,
    });
  } finally {
    release();
  }
}

/**
 * Puts every file of a ladder under its own prefix in the public bucket (long cache, as every
 * variant; an interim master, listing the rungs done so far, `masterCacheControl`), the master playlist last, and returns its row: the master playlist is its key, its
 * rungs are its `renditions`. The local files stay (a rendition may be remuxed from a rung); the
 * caller removes them with `discardLadder`.
 */
export async function uploadLadder(
  { deps, asset }: Pick<RenderContext, 'deps' | 'asset'>,
  spec: HlsVariantSpec,
  ladder: HlsLadderResult,
  signal: AbortSignal,
  masterCacheControl = VARIANT_CACHE_CONTROL,
): Promise<StoredVariant> {
  const specHash = variantSpecHash(spec);
  const prefix = hlsVariantPrefix(asset.tenantId, asset.id, spec.name, specHash);
  const put = async (file: HlsFile, cacheControl = VARIANT_CACHE_CONTROL) =>
    deps.storage.putObject({
      ...assetObject(deps, asset, `${prefix}${file.name}`),
      body: await readFile(file.path),
      contentType: file.contentType,
      cacheControl,
    });
  const queue = ladder.files.filter((f) => f.name !== ladder.master);
  const workers = Array.from({ length: UPLOAD_CONCURRENCY }, async () => {
    for (let file = queue.shift(); file; file = queue.shift()) {
      signal.throwIfAborted();
      await put(file);
    }
  });
  await Promise.all(workers);
  await put(ladder.files.find((f) => f.name === ladder.master)!, masterCacheControl);
  const [top] = ladder.rungs;
  return {
    name: spec.name,
    kind: 'video',
    format: 'hls',
    width: top!.width,
    height: top!.height,
    duration: Math.round(ladder.durationSeconds * 1000) / 1000,
    size: ladder.size,
    key: `${prefix}${ladder.master}`,
    specHash,
    renditions: ladder.rungs.map(({ width, height, bandwidth }) => ({ width, height, bandwidth })),
    rungSeconds: ladder.rungs.map((r) => r.seconds),
  };
}

export async function discardLadder(ladder: HlsLadderResult): Promise<void> {
  await rm(ladder.dir, { recursive: true, force: true });
}
