import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  ERRORS,
  INTERIM_PLAYLIST_CACHE_CONTROL,
  scaledDurationMs,
  type ChunkPart,
  type ChunkRenderPayload,
  type HlsVariantSpec,
} from '@darkroom/core';
import { markAssetPlayable, upsertVariants } from '@darkroom/db';
import { halveHlsChunks, joinHlsLadder, lowestRung, planHlsChunks, planHlsLadder, type HlsLadderResult, type VideoProbe } from '@darkroom/media';
import { piecesDecodeNearTheirRange } from '@darkroom/media';
import type { ChunkQueue } from '../deps.js';
import { errorOfChunkFailure } from '../jobs/chunk-render.js';
import { chunkObjects, rangesOf, type ChunkObjects, type ChunkPlan, type PartDone } from './chunk-objects.js';
import type { RenderContext } from './context.js';
import { discardLadder, ladderSpecOf, uploadLadder } from './render-hls.js';

/** How often the job looks at its parts while they render elsewhere. */
const POLL_MS = 500;

/**
 * Whether a ladder of this video is rendered in chunks: longer than VIDEO_CHUNK_SECONDS, where a chunk
 * queue runs, and with keyframes near enough that no piece decodes far outside its range (media's
 * piecesDecodeNearTheirRange); else in one pass, which decodes it once.
 */
export async function rendersInChunks(ctx: RenderContext, probe: VideoProbe, spec: HlsVariantSpec, signal: AbortSignal): Promise<boolean> {
  if (ctx.deps.chunkQueue === undefined || probe.durationSeconds <= ctx.deps.config.video.chunkSeconds) return false;
  return piecesDecodeNearTheirRange(ctx.original.path, probe, rangesOf(planOf(ctx, probe, spec), 'upper'), { signal });
}

interface Part {
  payload: ChunkRenderPayload;
  /** Its share of the ladder's encoding (pixels × seconds). */
  weight: number;
  done: PartDone | null;
  progress: number;
}

/** The BullMQ id of a part's entry: one per (job, ladder, chunk, part), so adding it again is a no-op. */
const entryId = ({ jobId, ladder, chunk, part }: ChunkRenderPayload) => `${jobId}-${ladder}-${part}-${chunk}`;

/** Lower runs first: the lowest rung's pieces and the audio, so the video is playable early, then the rest. */
const PRIORITY: Readonly<Record<ChunkPart, number>> = { audio: 1, lowest: 1, upper: 2 };

/**
 * A long video's ladder across the workers: the plan is stored beside the chunks, one ChunkRender
 * entry is queued per part (the audio and the lowest rung first, then the other rungs from one
 * decode, every rung in pieces of half a chunk), and this job waits for them, holding no render slot. Once
 * every piece of the lowest rung and the audio are stored, they are joined and published (the master playlist
 * listing that rung alone, briefly cached) and the asset turns playable; once every part is, the
 * whole ladder is joined here, without encoding, and returned as a single render's. Its time limit
 * is VIDEO_JOB_TIMEOUT for the duration times the rungs, as a single render's.
 */
export async function renderLadderInChunks(
  ctx: RenderContext,
  probe: VideoProbe,
  spec: HlsVariantSpec,
  run: { signal: AbortSignal; onProgress: (fraction: number) => void },
): Promise<HlsLadderResult> {
  const { deps, asset, jobId } = ctx;
  const plan = planOf(ctx, probe, spec);
  const objects = chunkObjects(deps, asset, jobId, spec.name);
  const parts = partsOf(ctx, plan, spec.name);
  try {
    await objects.writePlan(plan);
    await queueParts(deps.chunkQueue!, parts);
    return await joinWhenRendered(ctx, probe, spec, { plan, objects, parts }, run);
  } finally {
    await discardParts(ctx, objects, parts);
  }
}

interface Flow {
  plan: ChunkPlan;
  objects: ChunkObjects;
  parts: Part[];
}

/** Waits for the parts, publishes the lowest rung as soon as it covers the video, and joins the whole ladder at the end. */
async function joinWhenRendered(
  ctx: RenderContext,
  probe: VideoProbe,
  spec: HlsVariantSpec,
  { plan, objects, parts }: Flow,
  run: { signal: AbortSignal; onProgress: (fraction: number) => void },
): Promise<HlsLadderResult> {
  const { deps, asset } = ctx;
  const limitMs = scaledDurationMs(deps.config.video.jobTimeout, probe.durationSeconds * plan.rungs.length);
  const deadline = Date.now() + limitMs;
  const local = { dir: join(dirname(ctx.original.path), `${spec.name}.chunks`), fetched: new Set<string>() };
  await mkdir(local.dir, { recursive: true, mode: 0o700 });
  // A reprocess of a playable asset keeps its ladder until the new one is whole.
  let published = asset.playable;
  for (;;) {
    run.signal.throwIfAborted();
    if (Date.now() > deadline) throw ERRORS.videoRenderTimeout(limitMs, 'chunked ladder');
    await readParts(deps.chunkQueue!, objects, parts);
    const total = parts.reduce((sum, p) => sum + p.weight, 0);
    run.onProgress(parts.reduce((sum, p) => sum + p.weight * (p.done ? 1 : p.progress), 0) / total);
    // Each part's files are fetched as soon as it is done, so the join at the end waits only for the last one's.
    const files = await download(ctx, objects, parts, local);
    if (!published && parts.every((p) => p.payload.part === 'upper' || p.done)) {
      await publishInterim(ctx, probe, spec, plan, files, run.signal);
      published = true;
    }
    if (parts.every((p) => p.done)) return joinHlsLadder(files, probe, plan.spec, plan.rungs, joinOptions(ctx, probe, spec, run.signal));
    await sleep(POLL_MS, undefined, { signal: run.signal });
  }
}

function planOf(ctx: RenderContext, probe: VideoProbe, spec: HlsVariantSpec): ChunkPlan {
  const ladder = ladderSpecOf(spec);
  const chunks = planHlsChunks(probe.durationSeconds, ladder.segmentSeconds, ctx.deps.config.video.chunkSeconds);
  const rungs = planHlsLadder(spec, probe).map((_, index) => index);
  const pieces = halveHlsChunks(chunks, ladder.segmentSeconds);
  return { probe, spec: ladder, chunks, lowestPieces: pieces, upperPieces: pieces, lowest: lowestRung(ladder, probe), rungs };
}

function partsOf(ctx: RenderContext, plan: ChunkPlan, ladder: string): Part[] {
  const frames = planHlsLadder(plan.spec, plan.probe).map((r) => r.output.width * r.output.height);
  const lowestPixels = frames[plan.lowest] ?? 0;
  const upperPixels = frames.reduce((sum, pixels) => sum + pixels, 0) - lowestPixels;
  const base = { jobId: ctx.jobId, assetId: ctx.asset.id, ladder };
  const part = (chunk: number, kind: ChunkPart, weight: number): Part => ({
    payload: { ...base, chunk, part: kind },
    weight,
    done: null,
    progress: 0,
  });
  const seconds = (c: { startSeconds: number; endSeconds: number }) => c.endSeconds - c.startSeconds;
  // Audio is weighed as a small share: one AAC encode of the whole file is quick beside any rung.
  const audio = part(0, 'audio', (lowestPixels * plan.probe.durationSeconds) / 10);
  const lowest = rangesOf(plan, 'lowest').map((c) => part(c.index, 'lowest', lowestPixels * seconds(c)));
  const upper = upperPixels > 0 ? rangesOf(plan, 'upper').map((c) => part(c.index, 'upper', upperPixels * seconds(c))) : [];
  return [audio, ...lowest, ...upper];
}

/** Adds each part's entry; one that failed in an earlier attempt of the job is dropped first, so it runs again. */
async function queueParts(queue: ChunkQueue, parts: readonly Part[]): Promise<void> {
  for (const { payload } of parts) {
    const id = entryId(payload);
    const existing = await queue.getJob(id);
    if (existing && (await existing.isFailed())) await existing.remove();
  }
  await queue.addBulk(
    parts.map(({ payload }) => ({
      name: 'ChunkRender',
      data: payload,
      opts: { jobId: entryId(payload), priority: PRIORITY[payload.part], attempts: 3, backoff: { type: 'fixed', delay: 1000 } },
    })),
  );
}

/**
 * Where each part is: done when its marker is stored (whatever the queue says: an entry lost with
 * Redis is queued again), else its entry's progress; an entry failed for good fails the job with
 * the part's code and sentence.
 */
async function readParts(queue: ChunkQueue, objects: ChunkObjects, parts: Part[]): Promise<void> {
  for (const part of parts) {
    if (part.done) continue;
    const entry = await queue.getJob(entryId(part.payload));
    if (entry && (await entry.isFailed())) throw errorOfChunkFailure(entry.failedReason);
    if (!entry || (await entry.isCompleted())) {
      part.done = await objects.readDone(part.payload.part, part.payload.chunk);
      if (!part.done && !entry) await queueParts(queue, [part]);
      // Done without its files: its plan or asset was gone when it ran. This attempt gives up; a retry queues it anew.
      if (!part.done && entry) throw new Error(`chunk part ${entryId(part.payload)} ended without its files`);
      continue;
    }
    if (typeof entry.progress === 'number') part.progress = Math.max(part.progress, Math.min(1, entry.progress));
  }
}

/**
 * Once the ladder is joined, or its render ended otherwise: the parts' entries that are not running
 * (a running one cannot be removed: it ends by itself, its asset deleted or failed, or its files
 * swept) and the ladder's chunk objects. A failure here leaves them to the orphan sweep.
 */
async function discardParts(ctx: RenderContext, objects: ChunkObjects, parts: readonly Part[]): Promise<void> {
  const queue = ctx.deps.chunkQueue!;
  await Promise.all(parts.map((p) => queue.remove(entryId(p.payload)).catch(() => 0)));
  await objects.deleteAll().catch((error: unknown) => ctx.deps.log.warn({ jobId: ctx.jobId, err: error }, "could not remove a ladder's chunks"));
}

type Parts = Parameters<typeof joinHlsLadder>[0];

/** Where a ladder's parts are fetched to, and the names already there. */
interface LocalParts {
  dir: string;
  fetched: Set<string>;
}

/** The finished parts' files, fetched to local disk once each: `chunkFiles[rung][chunk]` and the audio, as the join takes them. */
async function download(ctx: RenderContext, objects: ChunkObjects, parts: readonly Part[], { dir, fetched }: LocalParts): Promise<Parts> {
  const chunkFiles: string[][] = [];
  let audio: string | null = null;
  for (const part of parts) {
    for (const file of part.done?.files ?? []) {
      const path = join(dir, file.name);
      if (!fetched.has(file.name)) {
        await pipeline(await ctx.deps.storage.getStream(objects.at(file.name)), createWriteStream(path, { mode: 0o600 }));
        fetched.add(file.name);
      }
      const name = /^chunk-(\d+)-r(\d+)\./.exec(file.name);
      if (part.payload.part === 'audio') audio = path;
      else if (name) {
        const rung = Number(name[2]);
        chunkFiles[rung] ??= [];
        chunkFiles[rung][Number(name[1])] = path;
      }
    }
  }
  return { chunkFiles, audio };
}

function joinOptions(ctx: RenderContext, probe: VideoProbe, spec: HlsVariantSpec, signal: AbortSignal) {
  const outputDir = join(dirname(ctx.original.path), `${spec.name}.hls`);
  // A copy of streams, no encode: the duration's share of the job's limit, and never less than ten minutes.
  const timeoutMs = Math.max(10 * 60_000, scaledDurationMs(ctx.deps.config.video.jobTimeout, probe.durationSeconds) / 3);
  return { outputDir, timeoutMs, signal };
}

/**
 * The lowest rung of every chunk joined with the audio and stored where the ladder will be: its
 * files immutable as any variant's, the master playlist (listing that rung alone) briefly cached;
 * then the `hls` variant's row and the asset's `playable`, with its event.
 */
async function publishInterim(ctx: RenderContext, probe: VideoProbe, spec: HlsVariantSpec, plan: ChunkPlan, files: Parts, signal: AbortSignal) {
  const options = joinOptions(ctx, probe, spec, signal);
  const ladder = await joinHlsLadder(files, probe, plan.spec, [plan.lowest], { ...options, outputDir: `${options.outputDir}.interim` });
  try {
    const record = await uploadLadder(ctx, spec, ladder, signal, INTERIM_PLAYLIST_CACHE_CONTROL);
    await upsertVariants(ctx.deps.db, { assetId: ctx.asset.id, variants: [record] });
    await markAssetPlayable(ctx.deps.db, { id: ctx.asset.id });
    ctx.deps.announceAsset?.(ctx.asset.id);
  } finally {
    await discardLadder(ladder);
  }
}
