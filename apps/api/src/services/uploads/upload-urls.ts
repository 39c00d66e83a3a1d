import { stagingKey } from '@darkroom/core/keys';
import type { PutUpload, UploadInstructions } from '@darkroom/core/contract/upload';
import type { Asset } from '@darkroom/db/schema';
import type { PresignedRequest } from '@darkroom/storage';
import type { AppDeps } from '../../deps.js';
import { choosePartSize, partLength } from './upload-rules.js';

/** Presigned URLs that write an asset's staging object: at the start of an upload, and again to resume one. */

function toPutUpload(signed: PresignedRequest): PutUpload {
  return { method: 'PUT', url: signed.url, headers: signed.headers, expiresAt: signed.expiresAt.toISOString() };
}

const stagingOf = (deps: AppDeps, asset: Asset) => ({ bucket: deps.config.storage.bucket, key: stagingKey(asset.tenantId, asset.id) });

/** One PUT of the whole file: its type and length are signed into the URL. */
export async function presignPutUpload(deps: AppDeps, asset: Asset): Promise<PutUpload> {
  const signed = await deps.storage.presignPut({
    ...stagingOf(deps, asset),
    contentType: asset.contentType,
    contentLength: asset.size,
    expiresInSeconds: deps.config.uploads.urlTtlSeconds,
  });
  return toPutUpload(signed);
}

/** An asset's part size and number of parts (the part size grows for files that would need more than S3_MAX_PARTS). */
export function partLayout(deps: AppDeps, asset: Asset): { partSize: number; count: number } {
  const partSize = choosePartSize(asset.size, deps.config.uploads.partSize);
  return { partSize, count: Math.ceil(asset.size / partSize) };
}

/** A URL per part number, each signed for that part's exact length (stated beside it), and when they expire. */
export async function presignParts(deps: AppDeps, asset: Asset, uploadId: string, partNumbers: number[]) {
  const { partSize } = partLayout(deps, asset);
  const expiresInSeconds = deps.config.uploads.urlTtlSeconds;
  const parts = await Promise.all(
    partNumbers.map(async (partNumber) => {
      const contentLength = partLength(partNumber, partSize, asset.size);
      const signed = await deps.storage.presignUploadPart({ ...stagingOf(deps, asset), uploadId, partNumber, contentLength, expiresInSeconds });
      return { partNumber, size: contentLength, url: signed.url };
    }),
  );
  return { partSize, parts, expiresAt: new Date(Date.now() + expiresInSeconds * 1000).toISOString() };
}

export async function presignMultipartUpload(deps: AppDeps, asset: Asset, uploadId: string): Promise<UploadInstructions> {
  const { count } = partLayout(deps, asset);
  const signed = await presignParts(
    deps,
    asset,
    uploadId,
    Array.from({ length: count }, (_, index) => index + 1),
  );
  return { method: 'MULTIPART', ...signed };
}
