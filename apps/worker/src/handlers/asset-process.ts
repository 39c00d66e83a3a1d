import { findPreset, variantKey, variantPrefix, VARIANT_CACHE_CONTROL, type AssetProcessPayload } from '@darkroom/core';
import {
  completeJob,
  failJob,
  getAsset,
  listVariantsByAsset,
  markAssetFailed,
  markAssetReady,
  recordJobRetry,
  startJobAttempt,
  transitionAsset,
  upsertVariants,
  type Asset,
} from '@darkroom/db';
import { UnrecoverableError, type Job as QueueJob } from 'bullmq';
import type { WorkerDeps } from '../deps.js';
import { processImageFile, type ProcessedImage } from '../media/index.js';
import { classifyError } from './classify-error.js';
import { fetchOriginal } from './fetch-original.js';

export type AssetProcessResult = { outcome: 'ready' | 'skipped'; reason?: string };

/**
 * AssetProcess: original → variants → `ready`. Idempotent: a finished job is skipped, variant keys
 * are deterministic and rows upserted, so a redelivered or retried job overwrites its own output.
 */
export async function assetProcess(deps: WorkerDeps, job: QueueJob<AssetProcessPayload>): Promise<AssetProcessResult> {
  const { jobId, assetId } = job.data;
  const row = await startJobAttempt(deps.db, { id: jobId });
  if (!row) return { outcome: 'skipped', reason: 'job already finished' };
  const asset = await getAsset(deps.db, { id: assetId });
  if (!asset) {
    await completeJob(deps.db, { id: jobId });
    return { outcome: 'skipped', reason: 'asset deleted' };
  }
  // Attempts count every start, including ones whose worker died: a file that kills workers
  // (a native crash, an out-of-memory kill) stops here instead of taking down worker after worker.
  if (row.attempts > row.maxAttempts) return failInterruptedTooOften(deps, asset, jobId, row.attempts - 1);
  await transitionAsset(deps.db, { id: asset.id, from: ['queued', 'failed'], to: 'processing' });

  try {
    await renderAndStore(deps, asset, job);
    return { outcome: 'ready' };
  } catch (error) {
    if (!(await getAsset(deps.db, { id: asset.id }))) return discardDeletedAsset(deps, asset);
    const failure = classifyError(error);
    // The queue's own count decides: it is what schedules (or stops) the next delivery.
    const final = !failure.retryable || job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    const record = { id: jobId, errorCode: failure.code, errorMessage: failure.message };
    deps.log.warn({ jobId, assetId, attempt: row.attempts, final, code: failure.code, err: error }, 'AssetProcess failed');
    if (final) {
      await failJob(deps.db, record);
      await markAssetFailed(deps.db, { id: asset.id, errorCode: failure.code, errorMessage: failure.message });
    } else {
      await recordJobRetry(deps.db, record);
    }
    if (!failure.retryable) throw new UnrecoverableError(`${failure.code}: ${failure.message}`);
    throw error;
  }
}

async function failInterruptedTooOften(deps: WorkerDeps, asset: Asset, jobId: string, attempts: number): Promise<never> {
  const errorMessage = `Processing stopped ${attempts} times without finishing (a worker died while rendering this file); not retrying.`;
  await failJob(deps.db, { id: jobId, errorCode: 'internal_error', errorMessage });
  await markAssetFailed(deps.db, { id: asset.id, errorCode: 'internal_error', errorMessage });
  throw new UnrecoverableError(`internal_error: ${errorMessage}`);
}

/** The asset was deleted while it rendered: remove what this attempt wrote; its rows went with it. */
async function discardDeletedAsset(deps: WorkerDeps, asset: Asset): Promise<AssetProcessResult> {
  const prefix = variantPrefix(asset.tenantId, asset.id);
  await deps.storage.deletePrefix({ bucket: deps.config.storage.publicBucket, prefix });
  return { outcome: 'skipped', reason: 'asset deleted while processing' };
}

async function renderAndStore(deps: WorkerDeps, asset: Asset, job: QueueJob<AssetProcessPayload>): Promise<void> {
  const preset = findPreset(asset.preset);
  if (!preset) throw new Error(`preset "${asset.preset}" no longer exists`);
  const original = await fetchOriginal(deps, asset);
  try {
    await job.updateProgress(20);
    const image = await processImageFile(original.path, preset, {
      maxInputPixels: deps.config.maxInputPixels,
      timeoutSeconds: Math.ceil(deps.config.jobTimeoutMs / 1000),
    });
    await job.updateProgress(70);
    await storeVariants(deps, asset, image, job.data.jobId);
    await job.updateProgress(100);
  } finally {
    await original.cleanup();
  }
}

async function storeVariants(deps: WorkerDeps, asset: Asset, image: ProcessedImage, jobId: string): Promise<void> {
  const bucket = deps.config.storage.publicBucket;
  const records = image.variants.map((v) => ({
    name: v.spec.name,
    format: v.format,
    width: v.width,
    height: v.height,
    size: v.size,
    specHash: v.specHash,
    key: variantKey(asset.tenantId, asset.id, v.spec.name, v.specHash, v.format),
  }));
  await Promise.all(
    image.variants.map((v, i) =>
      deps.storage.putObject({ bucket, key: records[i]!.key, body: v.data, contentType: v.contentType, cacheControl: VARIANT_CACHE_CONTROL }),
    ),
  );
  const previous = (await listVariantsByAsset(deps.db, { assetIds: [asset.id] })).get(asset.id) ?? [];
  await deps.db.transaction(async (tx) => {
    await upsertVariants(tx, { assetId: asset.id, variants: records });
    await markAssetReady(tx, {
      id: asset.id,
      width: image.probe.width,
      height: image.probe.height,
      format: image.probe.format,
      placeholder: image.placeholder,
      dominantColor: image.dominantColor,
    });
    // In the same transaction: nobody may see the asset ready while its job still looks open.
    await completeJob(tx, { id: jobId });
  });
  // Objects of a superseded spec go only after the new rows point elsewhere, so no URL ever dangles.
  const current = new Set(records.map((r) => r.key));
  const stale = previous.filter((v) => !current.has(v.key));
  await Promise.all(stale.map((v) => deps.storage.deleteObject({ bucket, key: v.key })));
}
