import { createReadStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { BadMediaError, DarkroomError, scaledDurationMs, type BadMediaCode, type ChunkRenderPayload } from '@darkroom/core';
import { getAsset, getJob, type Asset } from '@darkroom/db';
import { PROGRESS_INTERVAL_MS, renderHlsAudio, renderHlsChunk, type HlsFile } from '@darkroom/media';
import { UnrecoverableError, type Job as QueueJob } from 'bullmq';
import type { WorkerDeps } from '../deps.js';
import { chunkObjects, rangesOf, type ChunkObjects, type ChunkPlan } from '../render/chunk-objects.js';
import { classifyError } from './classify-error.js';

export type ChunkRenderResult = { outcome: 'rendered' } | { outcome: 'skipped'; reason: string };

/** An asset a job renders: processing, or ready (a backfill's re-render); not deleted, failed or gone. */
const isRendered = (asset: Asset | undefined): asset is Asset => asset?.status === 'processing' || asset?.status === 'ready';

/** A presigned GET of the original lives this long past the part's own time limit: ffmpeg reads ranges of it throughout. */
const URL_SLACK_SECONDS = 600;

/**
 * ChunkRender: one part of a long video's ladder (a piece's lowest rung, its other rungs from one
 * decode, or the whole file's audio), read from the original through a presigned GET (ffmpeg asks
 * for the ranges it needs) and stored as chunk objects, then marked done. Idempotent: a part whose
 * marker is stored is skipped; an asset deleted or failed meanwhile, or a job that ended, has
 * nothing to render. A failure's code and sentence travel in the entry's failed reason
 * (`chunkFailure`): bad media fails at once, anything else is retried as any job.
 */
export async function chunkRender(deps: WorkerDeps, job: QueueJob<ChunkRenderPayload>): Promise<ChunkRenderResult> {
  const { jobId, assetId, ladder, chunk, part } = job.data;
  const asset = await getAsset(deps.db, { id: assetId });
  if (!isRendered(asset)) return { outcome: 'skipped', reason: 'asset not being rendered' };
  const objects = chunkObjects(deps, asset, jobId, ladder);
  if (await objects.readDone(part, chunk)) return { outcome: 'skipped', reason: 'already rendered' };
  const plan = await objects.readPlan();
  if (!plan) return { outcome: 'skipped', reason: 'no plan (its job ended)' };
  const watch = watchPart(deps, job.data);
  const dir = await mkdtemp(join(deps.config.tmpDir, 'darkroom-chunk-'));
  try {
    const files = await renderPart(deps, job, plan, asset.originalKey, dir, watch.signal);
    await storePart(deps, objects, files, watch.signal);
    await objects.writeDone(part, chunk, { files: files.map(({ name, size }) => ({ name, size })) });
    await job.updateProgress(1);
    return { outcome: 'rendered' };
  } catch (error) {
    throw chunkFailure(error);
  } finally {
    watch.stop();
    await rm(dir, { recursive: true, force: true });
    await dropIfOrphaned(deps, job.data, objects);
  }
}

/**
 * Whether the part's work is no longer wanted: its asset deleted or failed, or its job ended (failed
 * for good, or closed by a DELETE); false when that could not be read (the next read, or the job, decides).
 */
async function isOrphaned(deps: WorkerDeps, { jobId, assetId }: ChunkRenderPayload): Promise<boolean> {
  try {
    const [asset, row] = await Promise.all([getAsset(deps.db, { id: assetId }), getJob(deps.db, { id: jobId })]);
    return !isRendered(asset) || row === undefined || row.state === 'completed' || row.state === 'failed';
  } catch {
    return false;
  }
}

/**
 * A part that ends after its job did may have stored files once the job had already removed the
 * chunks. The job removes them again once its end is recorded (discardJobChunks, or the asset's
 * purge), and this reads that record after every store, so one of the two removes them.
 */
async function dropIfOrphaned(deps: WorkerDeps, payload: ChunkRenderPayload, objects: ChunkObjects): Promise<void> {
  if (await isOrphaned(deps, payload)) await objects.deleteAll().catch(() => {});
}

async function renderPart(
  deps: WorkerDeps,
  job: QueueJob<ChunkRenderPayload>,
  plan: ChunkPlan,
  originalKey: string,
  outputDir: string,
  signal: AbortSignal,
): Promise<HlsFile[]> {
  const { probe, spec } = plan;
  const { chunkTimeout } = deps.config.video;
  const { part } = job.data;
  const chunk = rangesOf(plan, part)[job.data.chunk];
  if (!chunk) throw new UnrecoverableError(`chunk ${job.data.chunk} is not in its plan`);
  const rungs = part === 'lowest' ? [plan.lowest] : plan.rungs.filter((r) => r !== plan.lowest);
  const seconds = part === 'audio' ? probe.durationSeconds : (chunk.endSeconds - chunk.startSeconds) * Math.max(1, rungs.length);
  const timeoutMs = scaledDurationMs(chunkTimeout, seconds);
  const { url } = await deps.storage.presignGet({
    bucket: deps.config.storage.bucket,
    key: originalKey,
    expiresInSeconds: Math.ceil(timeoutMs / 1000) + URL_SLACK_SECONDS,
  });
  const release = await deps.renderGate.acquire(probe.width * probe.height);
  try {
    if (part === 'audio') {
      const audio = await renderHlsAudio(url, probe, spec, { outputDir, timeoutMs, signal });
      return audio ? [audio] : [];
    }
    if (rungs.length === 0) return [];
    const onProgress = (fraction: number) => void job.updateProgress(fraction).catch(() => {});
    const threads = deps.config.video.threadsPerRender;
    return (await renderHlsChunk(url, probe, spec, chunk, rungs, { outputDir, threads, timeoutMs, signal, onProgress })).files;
  } finally {
    release();
  }
}

async function storePart(deps: WorkerDeps, objects: ChunkObjects, files: readonly HlsFile[], signal: AbortSignal): Promise<void> {
  for (const file of files) {
    signal.throwIfAborted();
    await deps.storage.putObject({ ...objects.at(file.name), body: createReadStream(file.path), contentType: file.contentType });
  }
}

/**
 * Reads the asset and the job once a second: a DELETE, the asset failing or the job ending
 * meanwhile aborts the part's ffmpeg within about a second, as a whole ladder's is
 * (watchProgress), and so does the worker's stop.
 */
function watchPart(deps: WorkerDeps, payload: ChunkRenderPayload) {
  const gone = new AbortController();
  const timer = setInterval(() => {
    void isOrphaned(deps, payload).then((orphaned) => {
      if (orphaned) gone.abort(new Error('the part is no longer wanted'));
    });
  }, PROGRESS_INTERVAL_MS);
  return { signal: AbortSignal.any([gone.signal, deps.stopSignal]), stop: () => clearInterval(timer) };
}

/** What a chunk's failure says, as its AssetProcess job reads it from the entry's failed reason. */
export interface ChunkFailure {
  code: string;
  message: string;
  retryable: boolean;
}

/** The failure classified (never a key, host or stack in `message`); bad media is not tried again. */
function chunkFailure(error: unknown): Error {
  if (error instanceof UnrecoverableError) return error;
  const { code, message, retryable } = classifyError(error);
  const reason = JSON.stringify({ code, message, retryable } satisfies ChunkFailure);
  return retryable ? new Error(reason) : new UnrecoverableError(reason);
}

/** The error a chunk's final failure stands for, for its AssetProcess job to fail (or retry) with. */
export function errorOfChunkFailure(failedReason: string | undefined): Error {
  try {
    const failure = JSON.parse(failedReason ?? '') as ChunkFailure;
    if (typeof failure.code === 'string' && typeof failure.message === 'string') {
      // Bad media stays bad; a time limit stays one; anything else is the job's to try again.
      if (!failure.retryable) return new BadMediaError(failure.code as BadMediaCode, failure.message);
      if (failure.code === 'render_timeout') return new DarkroomError('render_timeout', failure.message);
    }
  } catch {
    // Not one of ours (a stalled part's reason): a failure like any other.
  }
  return new Error(`a chunk failed: ${failedReason ?? 'no reason given'}`);
}
