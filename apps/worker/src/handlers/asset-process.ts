import type { AssetProcessPayload, Preset } from '@darkroom/core';
import { completeJob, markAssetFailed, markAssetReady, transitionAsset, type Asset } from '@darkroom/db';
import type { Job as QueueJob } from 'bullmq';
import type { WorkerDeps } from '../deps.js';
import { processImageFile } from '@darkroom/media';
import { presetOfAsset } from './asset-preset.js';
import { stageTimer, type StageTimer } from './stage-timer.js';
import { fetchOriginal, type LocalOriginal } from './fetch-original.js';
import { collectRenderGarbage } from './garbage.js';
import { runAttempt, type Skipped } from './attempt.js';
import { renderVideo, type RenderedAsset } from './render-video.js';
import { currentVariants, deleteSupersededObjects, replaceVariantRows, uploadVariants } from './store-variants.js';

export type AssetProcessResult = { outcome: 'ready' } | Skipped;

/**
 * AssetProcess: original → variants → `ready`, for an image (sharp) or a video (ffmpeg). Idempotent: a finished job is skipped, variant keys
 * are deterministic and rows upserted, so a redelivered or retried job overwrites its own output.
 */
export async function assetProcess(deps: WorkerDeps, job: QueueJob<AssetProcessPayload>): Promise<AssetProcessResult> {
  return runAttempt(deps, job, {
    skipReason: (asset) => (asset ? null : 'asset deleted'),
    onFinalFailure: (asset) => (failure) => markAssetFailed(deps.db, { id: asset.id, errorCode: failure.code, errorMessage: failure.message }),
    async run(asset) {
      await transitionAsset(deps.db, { id: asset.id, from: ['queued', 'failed'], to: 'processing' });
      await renderAndStore(deps, asset, job);
      return { outcome: 'ready' as const };
    },
  });
}

async function renderAndStore(deps: WorkerDeps, asset: Asset, job: QueueJob<AssetProcessPayload>): Promise<void> {
  const preset = await presetOfAsset(deps, asset);
  const stages = stageTimer(deps, asset.kind);
  const original = await stages.time('download', () => fetchOriginal(deps, asset));
  try {
    await job.updateProgress(20);
    const rendered =
      asset.kind === 'video'
        ? await stages.time('render', () => renderVideo(deps, asset, original, preset.variants, { jobId: job.data.jobId, poster: true }))
        : await renderImageAsset(deps, asset, original, preset, stages);
    await job.updateProgress(70);
    await stages.time('record', () => storeVariants(deps, asset, rendered, job.data.jobId));
    await job.updateProgress(100);
  } finally {
    await original.cleanup();
  }
}

/** An image: one decode for every image spec of the preset (a video spec is skipped: no variant, no error). */
async function renderImageAsset(deps: WorkerDeps, asset: Asset, original: LocalOriginal, preset: Preset, stages: StageTimer): Promise<RenderedAsset> {
  const image = await stages.timeRender((admit) =>
    processImageFile(original.path, preset, {
      maxInputPixels: deps.config.maxInputPixels,
      timeoutSeconds: deps.config.jobTimeoutMs / 1000,
      admit,
      spareEncodes: () => deps.renderGate.idleSlots(),
    }),
  );
  collectRenderGarbage();
  const { width, height, format } = image.probe;
  return {
    records: await stages.time('upload', () => uploadVariants(deps, asset, image.variants)),
    asset: { width, height, format, placeholder: image.placeholder, dominantColor: image.dominantColor },
  };
}

async function storeVariants(deps: WorkerDeps, asset: Asset, rendered: RenderedAsset, jobId: string): Promise<void> {
  const { records } = rendered;
  const previous = await currentVariants(deps, asset.id);
  // Rows of names the preset no longer has go too (their objects are deleted below with the rest).
  const kept = new Set(records.map((r) => r.name));
  const removedNames = previous.filter((v) => !kept.has(v.name)).map((v) => v.name);
  await deps.db.transaction(async (tx) => {
    await replaceVariantRows(tx, { assetId: asset.id, records, removedNames });
    const ready = await markAssetReady(tx, { id: asset.id, ...rendered.asset });
    // Deleted meanwhile (`deleting`): nothing is recorded; the attempt finishes the deletion instead.
    if (!ready) throw new Error('the asset changed while it was rendered');
    // In the same transaction: nobody may see the asset ready while its job still looks open.
    await completeJob(tx, { id: jobId });
  });
  await deleteSupersededObjects(
    deps,
    previous,
    records.map((r) => r.key),
  );
}
