import { createReadStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { BadMediaError, type BadMediaCode } from '@darkroom/core/errors';
import { ERRORS } from '@darkroom/core/error-factories';
import { scaledDurationMs } from '@darkroom/core/env';
import type { ChunkRenderPayload } from '@darkroom/core/queue';
import { getAsset } from '@darkroom/db/queries/assets';
import { getJob } from '@darkroom/db/queries/jobs';
import type { Asset } from '@darkroom/db/schema';
import { PROGRESS_INTERVAL_MS, renderHlsAudio, renderHlsChunk, type HlsFile } from '@darkroom/media';
import { UnrecoverableError, type Job as QueueJob } from 'bullmq';
import type { WorkerDeps } from '../deps.js';
import type { EntryEnd } from '../lanes.js';
import { advanceFlow } from '../render/video/chunk-flow.js';
import { abandonFlowForDeletion } from '../deletion.js';
import { failChunkedRender } from './chunk-flow-end.js';
import { chunkObjects, rangesOf, type ChunkFlow, type ChunkPlan, type LadderObjects } from '../render/video/chunk-objects.js';
import { classifyError } from './classify-error.js';

export type ChunkRenderResult = ({ outcome: 'rendered' } | { outcome: 'skipped'; reason: string }) & {
  /** Whose line the part was in: once its entry has completed, the tenant's next part is released (`landPart`). */
  tenantId?: string | undefined;
};

/** An asset a job renders: processing, or ready (a backfill's re-render); not deleted, failed or gone. */
const isRendered = (asset: Asset | undefined): asset is Asset => asset?.status === 'processing' || asset?.status === 'ready';

/** A presigned GET of the original lives this long past the part's own time limit: ffmpeg reads ranges of it throughout. */
const URL_SLACK_SECONDS = 600;

/**
 * ChunkRender: one part of a long video's ladder (a piece's lowest rung, its other rungs from one
 * decode, or the whole file's audio), read from the original through a presigned GET (ffmpeg asks
 * for the ranges it needs) and stored as chunk objects, then marked done; the flow then moves on
 * (`advanceFlow`: the job's progress, and its interim or join step once due) and the tenant's next
 * part is released. Idempotent: a part whose marker is stored is skipped; an asset deleted or failed
 * meanwhile, a job that ended, or a plan replaced by a retry's has nothing to render. A failure's
 * code and sentence travel in the entry's failed reason (`chunkFailure`): bad media fails at once,
 * anything else is retried as any job, and a part failed for good fails the job (`settleFailedPart`).
 */
export async function chunkRender(deps: WorkerDeps, job: QueueJob<ChunkRenderPayload>): Promise<ChunkRenderResult> {
  const asset = await getAsset(deps.db, { id: job.data.assetId });
  const result = isRendered(asset) ? await renderOwnPart(deps, job, asset) : await noAsset(deps, job.data, asset);
  return { ...result, tenantId: asset?.tenantId ?? (await getJob(deps.db, { id: job.data.jobId }))?.tenantId };
}

/**
 * After a part's entry ended (the lane's `completed` or `failed` event): `landPart` or
 * `settleFailedPart`. Never throws: what it could not settle, the reconciler settles.
 */
export async function settlePart(deps: WorkerDeps, job: QueueJob<ChunkRenderPayload>, ended: EntryEnd<ChunkRenderResult>): Promise<void> {
  try {
    await (ended.failed ? settleFailedPart(deps, job) : landPart(deps, job, ended.result));
  } catch (err) {
    deps.log.warn({ jobId: job.data.jobId, err }, 'could not settle a chunk part; the reconciler will');
  }
}

/**
 * A part's entry completed (the worker's `completed` event): it leaves its tenant's flight and the
 * next part of the tenant's line is released, so the tenant never has more than its cap in flight.
 */
async function landPart(deps: WorkerDeps, job: QueueJob<ChunkRenderPayload>, result: ChunkRenderResult): Promise<void> {
  if (result.tenantId) await deps.chunkQueue!.landed(result.tenantId, job.data);
}

async function noAsset(deps: WorkerDeps, payload: ChunkRenderPayload, asset: Asset | undefined): Promise<ChunkRenderResult> {
  // Deleted while the job's entry was over: the flow finishes the deletion (`finishDeletion` waits for an active job).
  if (asset?.status === 'deleting') await abandonFlowForDeletion(deps, asset, payload.jobId);
  return { outcome: 'skipped', reason: 'asset not being rendered' };
}

async function renderOwnPart(deps: WorkerDeps, job: QueueJob<ChunkRenderPayload>, asset: Asset): Promise<ChunkRenderResult> {
  const { jobId, ladder: name, planHash, part, chunk } = job.data;
  const objects = chunkObjects(deps, asset, jobId);
  const flow = await objects.readFlow();
  if (flow?.ladders.find((l) => l.name === name)?.planHash !== planHash) return { outcome: 'skipped', reason: 'its plan was replaced' };
  const ladder = objects.ladder(name, planHash);
  let result: ChunkRenderResult = { outcome: 'skipped', reason: 'already rendered' };
  if (!(await ladder.readDone(part, chunk))) {
    const plan = await ladder.readPlan();
    if (!plan) return { outcome: 'skipped', reason: 'no plan (its job ended)' };
    try {
      await renderAndStore(deps, job, asset, { plan, ladder });
      result = { outcome: 'rendered' };
    } catch (error) {
      if (await isOrphaned(deps, job.data)) return noAsset(deps, job.data, await getAsset(deps.db, { id: asset.id }));
      throw chunkFailure(error);
    } finally {
      await dropIfOrphaned(deps, job.data, objects.deleteAll);
    }
  }
  await moveFlowOn(deps, asset, jobId, flow);
  return result;
}

async function renderAndStore(
  deps: WorkerDeps,
  job: QueueJob<ChunkRenderPayload>,
  asset: Asset,
  { plan, ladder }: { plan: ChunkPlan; ladder: LadderObjects },
) {
  const watch = watchPart(deps, job.data);
  const dir = await mkdtemp(join(deps.config.tmpDir, 'darkroom-chunk-'));
  try {
    const files = await renderPart(deps, job, plan, asset.originalKey, dir, watch.signal);
    for (const file of files) {
      watch.signal.throwIfAborted();
      await deps.storage.putObject({ ...ladder.at(file.name), body: createReadStream(file.path), contentType: file.contentType });
    }
    await ladder.writeDone(
      job.data.part,
      job.data.chunk,
      files.map(({ name, size }) => ({ name, size })),
    );
    await job.updateProgress(1);
  } finally {
    watch.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

/** A stored part moves its job's flow on, while the job's attempt runs (a retry's parts wait for its own). */
async function moveFlowOn(deps: WorkerDeps, asset: Asset, jobId: string, flow: ChunkFlow): Promise<void> {
  const row = await getJob(deps.db, { id: jobId });
  if (row?.state === 'active') await advanceFlow(deps, asset, row, flow);
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
async function dropIfOrphaned(deps: WorkerDeps, payload: ChunkRenderPayload, deleteAll: () => Promise<void>): Promise<void> {
  if (await isOrphaned(deps, payload)) await deleteAll().catch(() => {});
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
  // A part, at the gate: it never holds a process's last slot against an upload (RenderGate's `part`).
  const release = await deps.renderGate.acquire(probe.width * probe.height, { part: true });
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

/**
 * A part's entry failed (the worker's `failed` event): once for good (bad media at once; anything
 * else after its own attempts, or a worker that kept dying under it), it leaves its tenant's flight
 * and fails its job's render with the part's code and sentence, as a single render's would.
 */
async function settleFailedPart(deps: WorkerDeps, job: QueueJob<ChunkRenderPayload>): Promise<void> {
  if ((await job.getState()) !== 'failed') return;
  const row = await getJob(deps.db, { id: job.data.jobId });
  if (row) await deps.chunkQueue!.landed(row.tenantId, job.data);
  await failChunkedRender(deps, job.data, errorOfChunkFailure(job.failedReason));
}

/** What a chunk's failure says, as its job reads it from the entry's failed reason. */
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

/** The error a chunk's final failure stands for, for its job to fail (or retry) with. */
export function errorOfChunkFailure(failedReason: string | undefined): Error {
  try {
    const failure = JSON.parse(failedReason ?? '') as ChunkFailure;
    if (typeof failure.code === 'string' && typeof failure.message === 'string') {
      // Bad media stays bad; a time limit stays one; anything else is the job's to try again.
      if (!failure.retryable) return new BadMediaError(failure.code as BadMediaCode, failure.message);
      if (failure.code === 'render_timeout') return ERRORS.chunkPartTimedOut(failure.message);
    }
  } catch {
    // Not one of ours (a stalled part's reason): a failure like any other.
  }
  return new Error(`a chunk failed: ${failedReason ?? 'no reason given'}`);
}
