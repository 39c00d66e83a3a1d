import { CopyObjectCommand, UploadPartCopyCommand, type S3Client } from '@aws-sdk/client-s3';
import { encodeObjectKey } from './cdn.js';
import { StorageRequestError, translateS3Error } from './errors.js';
import { abortMultipartUpload, completeMultipartUpload, createMultipartUpload } from './s3-uploads.js';
import type { CompletedPart, CopyObjectOptions, CopyResult } from './types.js';

const MiB = 1024 * 1024;
/** The largest object one CopyObject may copy, and the largest part. */
export const MAX_COPY_OBJECT_BYTES = 5 * 1024 * MiB;
/** The smallest part S3 accepts (but for the last one). */
export const MIN_COPY_PART_BYTES = 5 * MiB;
/**
 * Each part is one request the server works through without sending anything back until it is done,
 * so parts stay well below the 5 GiB maximum: the client's socket timeout must not run out first.
 */
const DEFAULT_COPY_PART_SIZE = 256 * MiB;
const MAX_PARTS = 10_000;
const COPY_QUEUE_SIZE = 4;

export interface CopyPartRange {
  partNumber: number;
  /** Inclusive byte offsets, as in x-amz-copy-source-range. */
  start: number;
  end: number;
}

/** The byte ranges of a copy in parts: `partSize` each (grown to stay within 10,000 parts), the last one shorter. */
export function copyPartRanges(size: number, partSize: number): CopyPartRange[] {
  if (!Number.isSafeInteger(partSize) || partSize < MIN_COPY_PART_BYTES || partSize > MAX_COPY_OBJECT_BYTES) {
    throw new StorageRequestError(`copy part size must be from ${MIN_COPY_PART_BYTES} to ${MAX_COPY_OBJECT_BYTES} bytes, got ${partSize}`);
  }
  const part = Math.max(partSize, Math.ceil(size / MAX_PARTS));
  const ranges: CopyPartRange[] = [];
  for (let start = 0; start < size; start += part) {
    ranges.push({ partNumber: ranges.length + 1, start, end: Math.min(start + part, size) - 1 });
  }
  return ranges;
}

function copySource(bucket: string, key: string): string {
  return `${encodeURIComponent(bucket)}/${encodeObjectKey(key)}`;
}

export async function copyObject(client: S3Client, options: CopyObjectOptions): Promise<CopyResult> {
  const threshold = Math.min(options.multipartThreshold ?? MAX_COPY_OBJECT_BYTES, MAX_COPY_OBJECT_BYTES);
  if (options.size > threshold) return copyInParts(client, options);
  const { bucket, key, sourceKey, metadata } = options;
  // REPLACE sets the copy's metadata, Content-Type included, in the same request.
  const replace = metadata
    ? { MetadataDirective: 'REPLACE' as const, Metadata: metadata, ContentType: options.contentType }
    : { MetadataDirective: 'COPY' as const };
  try {
    const result = await client.send(
      new CopyObjectCommand({
        Bucket: bucket,
        Key: key,
        CopySource: copySource(options.sourceBucket ?? bucket, sourceKey),
        CopySourceIfMatch: options.sourceIfMatch,
        ...replace,
      }),
    );
    return { sourceVersionId: result.CopySourceVersionId };
  } catch (err) {
    throw translateS3Error(err, { operation: 'copyObject', bucket: options.sourceBucket ?? bucket, key: sourceKey });
  }
}

/** The version every part read, or undefined when they name none or not the same one (the source changed mid-copy). */
function sourceVersionOf(parts: readonly CopiedPart[]): string | undefined {
  const versions = new Set(parts.map((p) => p.sourceVersionId));
  return versions.size === 1 ? [...versions][0] : undefined;
}

interface CopiedPart extends CompletedPart {
  sourceVersionId: string | undefined;
}

async function copyInParts(client: S3Client, options: CopyObjectOptions): Promise<CopyResult> {
  const { bucket, key, contentType, metadata } = options;
  const ranges = copyPartRanges(options.size, options.partSize ?? DEFAULT_COPY_PART_SIZE);
  const { uploadId } = await createMultipartUpload(client, { bucket, key, contentType, metadata });
  try {
    const parts: CopiedPart[] = [];
    for (let at = 0; at < ranges.length; at += COPY_QUEUE_SIZE) {
      const batch = ranges.slice(at, at + COPY_QUEUE_SIZE);
      parts.push(...(await Promise.all(batch.map((range) => copyPart(client, options, uploadId, range)))));
    }
    await completeMultipartUpload(client, { bucket, key, uploadId, parts: parts.map(({ partNumber, etag }) => ({ partNumber, etag })) });
    return { sourceVersionId: sourceVersionOf(parts) };
  } catch (error) {
    // The parts copied so far use space until the upload is aborted (the worker's sweep would, later).
    await abortMultipartUpload(client, { bucket, key, uploadId }).catch(() => {});
    throw error;
  }
}

async function copyPart(client: S3Client, options: CopyObjectOptions, uploadId: string, range: CopyPartRange): Promise<CopiedPart> {
  const { bucket, key, sourceKey } = options;
  try {
    const result = await client.send(
      new UploadPartCopyCommand({
        Bucket: bucket,
        Key: key,
        UploadId: uploadId,
        PartNumber: range.partNumber,
        CopySource: copySource(options.sourceBucket ?? bucket, sourceKey),
        CopySourceIfMatch: options.sourceIfMatch,
        CopySourceRange: `bytes=${range.start}-${range.end}`,
      }),
    );
    const etag = result.CopyPartResult?.ETag;
    if (!etag) throw new StorageRequestError(`uploadPartCopy ${bucket}/${key}: part ${range.partNumber} came back without an ETag`);
    return { partNumber: range.partNumber, etag, sourceVersionId: result.CopySourceVersionId };
  } catch (err) {
    throw translateS3Error(err, { operation: 'uploadPartCopy', bucket, key: sourceKey });
  }
}
