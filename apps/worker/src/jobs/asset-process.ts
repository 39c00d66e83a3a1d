import { ASSET_BACKFILL_QUEUE, type AssetProcessPayload } from '@darkroom/core/queue';
import { completeJob } from '@darkroom/db/queries/jobs';
import { getAsset, lockAsset, markAssetFailed, markAssetReady, transitionAsset } from '@darkroom/db/queries/assets';
import { markAssetHeld, rendersHeld } from '@darkroom/db/queries/moderation';
import { getTenant } from '@darkroom/db/queries/tenants';
import type { Asset, Job, Variant } from '@darkroom/db/schema';
import type { Job as QueueJob } from 'bullmq';
import type { WorkerDeps } from '../deps.js';
import type { ChunkFlow } from '../render/video/chunk-objects.js';
import type { ChunkMode, RenderedAsset } from '../render/context.js';
import { fetchOriginal } from '../render/fetch-original.js';
import { renderAudio } from '../render/render-audio.js';
import { renderImageAsset } from '../render/render-image.js';
import { renderVideo } from '../render/video/index.js';
import { stageTimer } from '../render/stage-timer.js';
import { currentVariants, deleteSupersededObjects, replaceVariantRows } from '../render/store-variants.js';
import { presetOf } from './asset-preset.js';
import { checksOwed, policyOf, runChecks } from '../moderation/checks.js';
import { downloadScanner } from '../moderation/scanners.js';
import { releaseFromQuarantine } from '../sweeps/quarantine.js';
import { runAttempt, type Skipped } from './attempt.js';

/**
 * `chunked`: a long video's ladders were planned and their parts queued; the job's join step records the render.
 * `rejected`: its moderation checks rejected it before anything was rendered.
 */
export type AssetProcessResult = { outcome: 'ready' } | { outcome: 'chunked' } | { outcome: 'rejected' } | Skipped;

/**
 * AssetProcess: original → variants → `ready`, for an image (sharp), a video or audio (ffmpeg). Idempotent: a finished job is skipped, variant keys
 * are deterministic and rows upserted, so a redelivered or retried job overwrites its own output.
 */
export async function assetProcess(deps: WorkerDeps, job: QueueJob<AssetProcessPayload>): Promise<AssetProcessResult> {
  return runAttempt(deps, job, {
    skipReason: (asset) => (!asset ? 'asset deleted' : asset.status === 'rejected' ? 'asset rejected' : null),
    onFinalFailure: (asset) => (failure) => markAssetFailed(deps.db, { id: asset.id, errorCode: failure.code, errorMessage: failure.message }),
    async run(found, row) {
      const asset = await releaseFromQuarantine(deps, found);
      await transitionAsset(deps.db, { id: asset.id, from: ['queued', 'failed'], to: 'processing' });
      const chunks = deps.chunkQueue ? ({ mode: 'plan', row } as const) : undefined;
      return renderAndStore(deps, asset, { jobId: job.data.jobId, background: job.queueName === ASSET_BACKFILL_QUEUE, chunks });
    },
  });
}

/** The join step of a first render in chunks: the render as the job's entry would have made it, from the stored parts, recorded. */
export async function recordJoinedRender(deps: WorkerDeps, asset: Asset, row: Job, flow: ChunkFlow): Promise<AssetProcessResult> {
  return renderAndStore(deps, asset, { jobId: row.id, background: row.lane === 'backfill', chunks: { mode: 'join', row, flow } });
}

/** What one render of a job works with: its row's id, whether it renders as background work, how a long video's ladders go. */
interface JobRun {
  jobId: string;
  background: boolean;
  chunks?: ChunkMode | undefined;
}

/** Renders of a crop that moved on while they ran, before the attempt gives up and lets a retry take it. */
const MAX_RERENDERS = 3;

/**
 * Renders and records; when the asset's focus or crop changed meanwhile (`PATCH /v1/assets/:id`
 * while this job ran), renders again from the new one rather than recording the old.
 */
async function renderAndStore(deps: WorkerDeps, first: Asset, run: JobRun): Promise<AssetProcessResult> {
  let asset = first;
  for (let round = 0; ; round++) {
    const outcome = await renderOnce(deps, asset, run);
    if (outcome === 'rejected') return { outcome: 'rejected' };
    if (outcome === 'queued') return { outcome: 'chunked' };
    if (outcome === 'recorded') return { outcome: 'ready' };
    const now = await getAsset(deps.db, { id: asset.id });
    if (!now || now.revision === asset.revision || round + 1 >= MAX_RERENDERS) throw new Error('the asset changed while it was rendered');
    asset = now;
  }
}

/**
 * One render of the asset as it is: recorded, its ladders queued in chunks, or its revision moved
 * before it was recorded; first, unless they ran, the checks of its moderation policy, which may
 * reject it (nothing rendered) or hold it (rendered to the private place).
 */
async function renderOnce(deps: WorkerDeps, first: Asset, run: JobRun): Promise<'recorded' | 'queued' | 'changed' | 'rejected'> {
  // One read of its tenant: its presets, and its moderation policy while the checks are owed.
  const tenant = await getTenant(deps.db, { id: first.tenantId });
  const preset = presetOf(deps, first, tenant);
  const policy = checksOwed(first) ? policyOf(deps, tenant) : null;
  // An asset first rendered on the backfill lane (imported, recovered) renders as background work.
  const stages = stageTimer(deps, first.kind, 'process', run.background);
  const scanner = policy ? downloadScanner(deps, policy) : undefined;
  const original = await stages.time('download', () => fetchOriginal(deps, first, { scanner }));
  try {
    let asset = first;
    if (policy) {
      const checked = await stages.time('moderate', () =>
        runChecks({ deps, asset: first, original, jobId: run.jobId, signal: deps.stopSignal, admit: stages.admit }, policy),
      );
      if (checked === 'rejected') return 'rejected';
      asset = checked;
    }
    const ctx = { deps, asset, original, jobId: run.jobId, stages, chunks: run.chunks };
    const rendered =
      asset.kind === 'video'
        ? await stages.time('render', () => renderVideo(ctx, preset.variants, { poster: true }))
        : asset.kind === 'audio'
          ? await stages.time('render', () => renderAudio(ctx, preset.variants, { firstRender: true }))
          : await renderImageAsset(ctx, preset.variants);
    if ('chunksQueued' in rendered) return 'queued';
    return (await stages.time('record', () => storeVariants(deps, asset, rendered, run.jobId))) ? 'recorded' : 'changed';
  } finally {
    await original.cleanup();
  }
}

/** Records the render unless the asset's revision moved meanwhile (false: this render's objects are removed). */
async function storeVariants(deps: WorkerDeps, asset: Asset, rendered: RenderedAsset, jobId: string): Promise<boolean> {
  const { records } = rendered;
  const previous = await currentVariants(deps, asset.id);
  // Rows of names the preset no longer has go too (their objects are deleted below with the rest).
  const kept = new Set(records.map((r) => r.name));
  const removedNames = previous.filter((v) => !kept.has(v.name)).map((v) => v.name);
  const recorded = await deps.db.transaction(async (tx) => {
    // Locked first: a render of an older crop must never replace the rows of a newer one.
    const current = await lockAsset(tx, { id: asset.id });
    if (current && current.revision !== asset.revision) return false;
    // The rows before the transition: its ready (or updated) event lists them.
    await replaceVariantRows(tx, deps, { asset, jobId, records, removedNames });
    const facts = { id: asset.id, ...rendered.asset };
    const ready = current && rendersHeld(current) ? await markAssetHeld(tx, facts) : await markAssetReady(tx, facts);
    // Deleted meanwhile (`deleting`): nothing is recorded; the attempt finishes the deletion instead.
    if (!ready) throw new Error('the asset changed while it was rendered');
    // In the same transaction: nobody may see the asset ready while its job still looks open.
    await completeJob(tx, { id: jobId });
    return true;
  });
  if (!recorded) {
    // This render's objects, unless a row points at one (a revision's keys are its own, so none does).
    await deleteSupersededObjects(
      deps,
      asset,
      records.map(asVariantKey),
      previous.map((v) => v.key),
    );
    return false;
  }
  deps.announceAsset?.(asset.id);
  await deleteSupersededObjects(
    deps,
    asset,
    previous,
    records.map((r) => r.key),
  );
  return true;
}

const asVariantKey = (record: { key: string }) => ({ key: record.key }) as Variant;
