import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { INTERIM_PLAYLIST_CACHE_CONTROL } from '@darkroom/core/keys';
import { scaledDurationMs } from '@darkroom/core/env';
import { variantSpecHash, type HlsVariantSpec } from '@darkroom/core/presets';
import { markAssetPlayable } from '@darkroom/db/queries/assets';
import { upsertVariants } from '@darkroom/db/queries/variants';
import type { Asset, Job } from '@darkroom/db/schema';
import { joinHlsLadder, type HlsLadderParts, type HlsLadderResult, type VideoProbe } from '@darkroom/media';
import type { WorkerDeps } from '../../deps.js';
import { lowestStored, readFlowState, type FlowLadder, type FlowPart } from './chunk-flow.js';
import type { ChunkFlow } from './chunk-objects.js';
import type { RenderContext } from '../context.js';
import { discardLadder, uploadLadder } from './hls.js';
import { currentVariants, deleteSupersededObjects } from '../store-variants.js';

/** Parts' files fetched at once: many small segments, a few requests in flight. */
const DOWNLOAD_CONCURRENCY = 6;

/** One ladder of the flow as stored, its parts' markers read. */
async function ladderOf(deps: WorkerDeps, asset: Pick<Asset, 'tenantId' | 'id'>, jobId: string, name: string, planHash: string): Promise<FlowLadder> {
  const flow: ChunkFlow = { ladders: [{ name, planHash }], interim: false, progressShare: 1 };
  return (await readFlowState(deps, asset, jobId, flow)).ladders[0]!;
}

/**
 * A chunked ladder joined from its stored parts (a copy of streams, no encode) in the join step,
 * then stored and used (an MP4 remuxed from a rung, a storyboard decoding one) as a single render's.
 * Its plan must be of the spec the job renders now: parts of another plan are never joined.
 */
export async function joinChunkedLadder(
  ctx: RenderContext,
  spec: HlsVariantSpec,
  planHash: string,
  run: { signal: AbortSignal; onProgress: (fraction: number) => void },
): Promise<HlsLadderResult> {
  const ladder = await ladderOf(ctx.deps, ctx.asset, ctx.jobId, spec.name, planHash);
  if (variantSpecHash(ladder.plan.variant) !== variantSpecHash(spec)) throw new Error(`ladder ${spec.name} changed since its parts were planned`);
  if (!ladder.parts.every((p) => p.done)) throw new Error(`ladder ${spec.name} has parts still to render`);
  const dir = join(dirname(ctx.original.path), `${spec.name}.chunks`);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const parts = await downloadParts(ctx.deps, ladder, ladder.parts, dir);
  const { probe } = ladder.plan;
  const options = joinOptions(ctx.deps, probe, join(dirname(ctx.original.path), `${spec.name}.hls`), run.signal);
  const joined = await joinHlsLadder(parts, probe, ladder.plan.spec, ladder.plan.rungs, options);
  await rm(dir, { recursive: true, force: true });
  run.onProgress(1);
  return joined;
}

/**
 * The interim step: a ladder's lowest rung of every piece joined with the audio and stored where
 * the ladder will be (its files immutable as any variant's, the master playlist, listing that rung
 * alone, briefly cached); then the `hls` variant's row and the asset's `playable`, with its event.
 * Once per plan: a marker says it is published (an earlier plan's interim objects go).
 */
export async function publishInterim(deps: WorkerDeps, asset: Asset, row: Job, name: string, planHash: string): Promise<'published' | 'skipped'> {
  const ladder = await ladderOf(deps, asset, row.id, name, planHash);
  if (asset.status !== 'processing' || !lowestStored(ladder) || (await ladder.objects.readInterim())) return 'skipped';
  const dir = await mkdtemp(join(deps.config.tmpDir, 'darkroom-interim-'));
  try {
    const first = ladder.parts.filter((p) => p.payload.part !== 'upper');
    const parts = await downloadParts(deps, ladder, first, join(dir, 'parts'));
    const { plan } = ladder;
    const joined = await joinHlsLadder(parts, plan.probe, plan.spec, [plan.lowest], joinOptions(deps, plan.probe, join(dir, 'hls'), deps.stopSignal));
    try {
      const previous = (await currentVariants(deps, asset.id)).filter((v) => v.name === name);
      const record = await uploadLadder({ deps, asset }, plan.variant, joined, deps.stopSignal, INTERIM_PLAYLIST_CACHE_CONTROL);
      await upsertVariants(deps.db, { assetId: asset.id, variants: [record] });
      await markAssetPlayable(deps.db, { id: asset.id });
      deps.announceAsset?.(asset.id);
      // An earlier plan's interim stream (a retry after the preset changed): its row now points here.
      await deleteSupersededObjects(deps, asset, previous, [record.key]);
    } finally {
      await discardLadder(joined);
    }
    await ladder.objects.writeInterim();
    return 'published';
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function joinOptions(deps: WorkerDeps, probe: VideoProbe, outputDir: string, signal: AbortSignal) {
  // A copy of streams, no encode: the duration's share of the job's limit, and never less than ten minutes.
  const timeoutMs = Math.max(10 * 60_000, scaledDurationMs(deps.config.video.jobTimeout, probe.durationSeconds) / 3);
  return { outputDir, timeoutMs, signal };
}

/** The parts' files, fetched into `dir` a few at a time: `chunkFiles[rung][chunk]` and the audio, as the join takes them. */
async function downloadParts(deps: WorkerDeps, ladder: FlowLadder, parts: readonly FlowPart[], dir: string): Promise<HlsLadderParts> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const chunkFiles: string[][] = [];
  let audio: string | null = null;
  const fetches: { name: string; path: string }[] = [];
  for (const { payload } of parts) {
    const done = await ladder.objects.readDone(payload.part, payload.chunk);
    if (!done) throw new Error(`chunk part ${payload.part} ${payload.chunk} of ladder ${ladder.name} has no files`);
    for (const file of done.files) {
      const path = join(dir, file.name);
      fetches.push({ name: file.name, path });
      const name = /^chunk-(\d+)-r(\d+)\./.exec(file.name);
      if (payload.part === 'audio') audio = path;
      else if (name) {
        const rung = Number(name[2]);
        chunkFiles[rung] ??= [];
        chunkFiles[rung][Number(name[1])] = path;
      }
    }
  }
  const workers = Array.from({ length: DOWNLOAD_CONCURRENCY }, async () => {
    for (let next = fetches.shift(); next; next = fetches.shift()) {
      await pipeline(await deps.storage.getStream(ladder.objects.at(next.name)), createWriteStream(next.path, { mode: 0o600 }));
    }
  });
  await Promise.all(workers);
  return { chunkFiles, audio };
}
