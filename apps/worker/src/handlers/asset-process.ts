import type { AssetProcessPayload } from '@darkroom/core';
import { completeJob, markAssetFailed, markAssetReady, transitionAsset, type Asset } from '@darkroom/db';
import type { Job as QueueJob } from 'bullmq';
import type { WorkerDeps } from '../deps.js';
import { processImageFile, type ProcessedImage } from '@darkroom/media';
import { presetOfAsset } from './asset-preset.js';
import { fetchOriginal } from './fetch-original.js';
import { runAttempt, type Skipped } from './attempt.js';
import { currentVariants, deleteSupersededObjects, replaceVariantRows, uploadVariants } from './store-variants.js';

export type AssetProcessResult = { outcome: 'ready' } | Skipped;

/**
 * AssetProcess: original → variants → `ready`. Idempotent: a finished job is skipped, variant keys
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
  const original = await fetchOriginal(deps, asset);
  try {
    await job.updateProgress(20);
    const image = await processImageFile(original.path, preset, {
      maxInputPixels: deps.config.maxInputPixels,
      timeoutSeconds: deps.config.jobTimeoutMs / 1000,
      admit: (pixels) => deps.renderGate.acquire(pixels),
    });
    await job.updateProgress(70);
    await storeVariants(deps, asset, image, job.data.jobId);
    await job.updateProgress(100);
  } finally {
    await original.cleanup();
  }
}

async function storeVariants(deps: WorkerDeps, asset: Asset, image: ProcessedImage, jobId: string): Promise<void> {
  const records = await uploadVariants(deps, asset, image.variants);
  const previous = await currentVariants(deps, asset.id);
  // Rows of names the preset no longer has go too (their objects are deleted below with the rest).
  const rendered = new Set(records.map((r) => r.name));
  const removedNames = previous.filter((v) => !rendered.has(v.name)).map((v) => v.name);
  await deps.db.transaction(async (tx) => {
    await replaceVariantRows(tx, { assetId: asset.id, records, removedNames });
    const ready = await markAssetReady(tx, {
      id: asset.id,
      width: image.probe.width,
      height: image.probe.height,
      format: image.probe.format,
      placeholder: image.placeholder,
      dominantColor: image.dominantColor,
    });
    // Deleted meanwhile (`deleting`): nothing is recorded; the attempt finishes the deletion instead.
    if (!ready) throw new Error('the asset changed while it was rendered');
    // In the same transaction: nobody may see the asset ready while its job still looks open.
    await completeJob(tx, { id: jobId });
  });
  await deleteSupersededObjects(deps, previous, records.map((r) => r.key));
}
