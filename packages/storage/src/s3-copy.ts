import { CopyObjectCommand, HeadObjectCommand, UploadPartCopyCommand, type S3Client } from '@aws-sdk/client-s3';
import { encodeObjectKey } from './cdn.js';
import { StorageRequestError, translateS3Error } from './errors.js';
import { abortMultipartUpload, completeMultipartUpload, createMultipartUpload } from './s3-uploads.js';
import { DEFAULT_COPY_PART_BYTES, S3_MAX_COPY_OBJECT_BYTES, S3_MAX_PART_BYTES, S3_MAX_PARTS, S3_MIN_PART_BYTES } from '@darkroom/core/limits';
import type { CompletedPart, CopyObjectOptions, CopyResult, CreateMultipartOptions } from './types.js';

const COPY_QUEUE_SIZE = 4;

export interface CopyPartRange {
  partNumber: number;
  /** Inclusive byte offsets, as in x-amz-copy-source-range. */
  start: number;
  end: number;
}

/** The byte ranges of a copy in parts: `partSize` each (grown to stay within S3_MAX_PARTS), the last one shorter. */
export function copyPartRanges(size: number, partSize: number): CopyPartRange[] {
  if (!Number.isSafeInteger(partSize) || partSize < S3_MIN_PART_BYTES || partSize > S3_MAX_PART_BYTES) {
    throw new StorageRequestError(`copy part size must be from ${S3_MIN_PART_BYTES} to ${S3_MAX_PART_BYTES} bytes, got ${partSize}`);
  }
  const part = Math.max(partSize, Math.ceil(size / S3_MAX_PARTS));
  const ranges: CopyPartRange[] = [];
  for (let start = 0; start < size; start += part) {
    ranges.push({ partNumber: ranges.length + 1, start, end: Math.min(start + part, size) - 1 });
  }
  return ranges;
}

/** `x-amz-copy-source`: the bucket and key, encoded (the SDK's copies and the direct one, s3-direct.ts). */
export function copySource(bucket: string, key: string): string {
  return `${encodeURIComponent(bucket)}/${encodeObjectKey(key)}`;
}

/**
 * One CopyObject, or a copy in parts past the threshold. `direct`: the one request sent without the
 * SDK (s3-direct.ts), which answers null where it cannot send it, and the SDK sends it then.
 */
export async function copyObject(
  client: S3Client,
  options: CopyObjectOptions,
  direct?: (options: CopyObjectOptions) => Promise<CopyResult | null>,
): Promise<CopyResult> {
  const threshold = Math.min(options.multipartThreshold ?? S3_MAX_COPY_OBJECT_BYTES, S3_MAX_COPY_OBJECT_BYTES);
  if (options.size > threshold) return copyInParts(client, options);
  const copied = await direct?.(options);
  if (copied) return copied;
  const { bucket, key, sourceKey, metadata } = options;
  // REPLACE sets the copy's metadata, Content-Type included, in the same request; COPY keeps the source's headers.
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

/**
 * What a copy in parts is created with: the caller's type and metadata, or else the source's own
 * headers, which a multipart upload does not take from its parts (a one-request COPY keeps them),
 * read with the version the parts then copy (its ETag), so headers and bytes are of one version.
 */
async function headersOfCopy(
  client: S3Client,
  options: CopyObjectOptions,
): Promise<{ headers: Omit<CreateMultipartOptions, 'bucket' | 'key'>; sourceIfMatch: string | undefined }> {
  if (options.metadata) return { headers: { contentType: options.contentType, metadata: options.metadata }, sourceIfMatch: options.sourceIfMatch };
  const Bucket = options.sourceBucket ?? options.bucket;
  try {
    const head = await client.send(new HeadObjectCommand({ Bucket, Key: options.sourceKey, IfMatch: options.sourceIfMatch }));
    const headers = { contentType: head.ContentType ?? 'application/octet-stream', cacheControl: head.CacheControl, metadata: head.Metadata };
    return { headers, sourceIfMatch: options.sourceIfMatch ?? head.ETag };
  } catch (err) {
    throw translateS3Error(err, { operation: 'headObject', bucket: Bucket, key: options.sourceKey });
  }
}

async function copyInParts(client: S3Client, options: CopyObjectOptions): Promise<CopyResult> {
  const { bucket, key } = options;
  const ranges = copyPartRanges(options.size, options.partSize ?? DEFAULT_COPY_PART_BYTES);
  const { headers, sourceIfMatch } = await headersOfCopy(client, options);
  const { uploadId } = await createMultipartUpload(client, { bucket, key, ...headers });
  try {
    const parts: CopiedPart[] = [];
    for (let at = 0; at < ranges.length; at += COPY_QUEUE_SIZE) {
      const batch = ranges.slice(at, at + COPY_QUEUE_SIZE);
      parts.push(...(await Promise.all(batch.map((range) => copyPart(client, { ...options, sourceIfMatch }, uploadId, range)))));
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
