import { DarkroomError, SNIFF_BYTES, sniffContentType } from '@darkroom/core';
import {
  getTenantAsset,
  insertJob,
  latestAssetJob,
  transitionAsset,
  type Asset,
  type Job,
} from '@darkroom/db';
import { ObjectNotFoundError, StorageRequestError, UploadNotFoundError, type CompletedPart } from '@darkroom/storage';
import type { FastifyBaseLogger } from 'fastify';
import type { AppDeps } from '../deps.js';
import { enqueueAfterCommit } from './enqueue-after-commit.js';

export interface CompleteUploadInput {
  parts?: CompletedPart[] | undefined;
}

const SETTLED: readonly Asset['status'][] = ['queued', 'processing', 'ready', 'failed'];

/**
 * Confirms an upload: the object exists, has the declared size, and its first bytes are what was
 * declared. Then the asset turns `queued` and its job row is written in one transaction; the queue
 * entry is added after the commit. A repeat (or a racing second call) returns the same job.
 */
export async function completeUpload(
  deps: AppDeps,
  log: FastifyBaseLogger,
  params: { tenantId: string; assetId: string; input: CompleteUploadInput },
): Promise<{ asset: Asset; job: Job }> {
  const asset = await getTenantAsset(deps.db, { tenantId: params.tenantId, id: params.assetId });
  if (!asset) throw new DarkroomError('not_found', 'No asset with that id.');
  if (SETTLED.includes(asset.status)) return existingJob(deps, asset);
  if (asset.status !== 'awaiting_upload') {
    throw new DarkroomError('invalid_state', `The upload was already ${asset.status}; start a new upload.`, {
      status: asset.status,
    });
  }

  await finishMultipart(deps, log, asset, params.input.parts);
  await verifyObject(deps, asset);

  const queued = await deps.db.transaction(async (tx) => {
    const moved = await transitionAsset(tx, { id: asset.id, from: ['awaiting_upload'], to: 'queued', set: { uploadId: null } });
    if (!moved) return null; // another call confirmed it first
    const job = await insertJob(tx, {
      assetId: asset.id,
      tenantId: asset.tenantId,
      kind: 'process',
      maxAttempts: deps.config.jobMaxAttempts,
    });
    return { asset: moved, job };
  });
  if (!queued) {
    // Another call confirmed it first, or a DELETE took it meanwhile (then it is simply gone).
    const now = await getTenantAsset(deps.db, { tenantId: asset.tenantId, id: asset.id });
    if (!now) throw new DarkroomError('not_found', 'No asset with that id.');
    if (!SETTLED.includes(now.status)) throw new DarkroomError('invalid_state', `The upload was already ${now.status}; start a new upload.`, { status: now.status });
    return existingJob(deps, now);
  }

  await enqueueAfterCommit(deps, log, [queued.job]);
  return queued;
}

async function existingJob(deps: AppDeps, asset: Asset): Promise<{ asset: Asset; job: Job }> {
  const job = await latestAssetJob(deps.db, { assetId: asset.id });
  if (!job) throw new DarkroomError('invalid_state', `The asset is ${asset.status} and has no job.`, { status: asset.status });
  return { asset, job };
}

async function finishMultipart(deps: AppDeps, log: FastifyBaseLogger, asset: Asset, parts: CompletedPart[] | undefined): Promise<void> {
  if (!asset.uploadId) {
    if (parts?.length) throw new DarkroomError('invalid_request', 'parts is only for multipart uploads; send {} for a PUT upload.');
    return;
  }
  if (!parts?.length) {
    throw new DarkroomError('invalid_request', 'parts is required for a multipart upload: send each partNumber with its ETag.');
  }
  const sorted = [...parts].sort((a, b) => a.partNumber - b.partNumber);
  try {
    await deps.storage.completeMultipartUpload({
      bucket: deps.config.storage.bucket,
      key: asset.originalKey,
      uploadId: asset.uploadId,
      parts: sorted,
    });
  } catch (error) {
    // A racing call may have completed it already; the HEAD that follows tells.
    if (error instanceof UploadNotFoundError) return;
    if (error instanceof StorageRequestError) {
      // The storage error names the bucket and key: the log gets it, the tenant the S3 code alone.
      log.warn({ assetId: asset.id, err: error }, 'the bucket refused to assemble the parts of an upload');
      throw new DarkroomError(
        'upload_missing',
        'The bucket could not assemble the parts: check that every part was uploaded and that each ETag is the one its PUT returned.',
        { reason: error.s3Code ?? null },
      );
    }
    throw error;
  }
}

async function verifyObject(deps: AppDeps, asset: Asset): Promise<void> {
  const location = { bucket: deps.config.storage.bucket, key: asset.originalKey };
  const head = await deps.storage.headObject(location).catch((error: unknown) => {
    if (error instanceof ObjectNotFoundError) {
      throw new DarkroomError('upload_missing', 'Nothing was uploaded yet: PUT the file to the upload URL first.');
    }
    throw error;
  });
  if (head.size !== asset.size) {
    throw new DarkroomError('size_mismatch', `The uploaded object is ${head.size} bytes, but ${asset.size} were declared.`, {
      declared: asset.size,
      actual: head.size,
    });
  }
  const firstBytes = await deps.storage.getRange({ ...location, start: 0, end: Math.min(SNIFF_BYTES, head.size) - 1 });
  const detected = sniffContentType(firstBytes);
  if (detected !== asset.contentType) {
    const what = detected ? `a ${detected} file` : 'not an image of a known type';
    throw new DarkroomError('content_mismatch', `The upload was declared ${asset.contentType}, but its content is ${what}.`, {
      declared: asset.contentType,
      detected,
    });
  }
}
