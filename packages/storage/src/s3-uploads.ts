import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  ListPartsCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { StorageRequestError, StorageUnavailableError, UploadNotFoundError, translateS3Error } from './errors.js';
import type {
  AbortMultipartOptions,
  CompleteMultipartOptions,
  CreateMultipartOptions,
  ListPartsOptions,
  PutObjectOptions,
  UploadedPart,
} from './types.js';
import { MiB } from '@darkroom/core/limits';

const PUT_PART_SIZE = 8 * MiB;
const PUT_QUEUE_SIZE = 2;

export async function createMultipartUpload(client: S3Client, options: CreateMultipartOptions): Promise<{ uploadId: string }> {
  const { bucket, key, contentType, cacheControl, metadata } = options;
  try {
    const result = await client.send(
      new CreateMultipartUploadCommand({ Bucket: bucket, Key: key, ContentType: contentType, CacheControl: cacheControl, Metadata: metadata }),
    );
    if (!result.UploadId) throw new StorageRequestError(`createMultipartUpload ${bucket}/${key}: server returned no UploadId`);
    return { uploadId: result.UploadId };
  } catch (err) {
    throw translateS3Error(err, { operation: 'createMultipartUpload', bucket, key });
  }
}

async function explainCompletionFailure(client: S3Client, options: CompleteMultipartOptions, error: StorageUnavailableError) {
  const { bucket, key, uploadId } = options;
  try {
    await client.send(new ListPartsCommand({ Bucket: bucket, Key: key, UploadId: uploadId, MaxParts: 1 }));
  } catch (probeError) {
    const probe = translateS3Error(probeError);
    if (probe.kind === 'upload_not_found' || probe.kind === 'object_not_found') {
      return new UploadNotFoundError(`completeMultipartUpload ${bucket}/${key}: multipart upload not found`, { cause: error });
    }
  }
  return error;
}

export async function completeMultipartUpload(client: S3Client, options: CompleteMultipartOptions): Promise<void> {
  const { bucket, key, uploadId, parts } = options;
  const sortedParts = [...parts].sort((a, b) => a.partNumber - b.partNumber);
  try {
    await client.send(
      new CompleteMultipartUploadCommand({
        Bucket: bucket,
        Key: key,
        UploadId: uploadId,
        MultipartUpload: { Parts: sortedParts.map((part) => ({ PartNumber: part.partNumber, ETag: part.etag })) },
      }),
    );
  } catch (err) {
    const error = translateS3Error(err, { operation: 'completeMultipartUpload', bucket, key });
    if (error instanceof StorageUnavailableError && error.httpStatus === 500) {
      throw await explainCompletionFailure(client, options, error);
    }
    throw error;
  }
}

/** Idempotent: aborting an upload that is already gone succeeds. */
export async function abortMultipartUpload(client: S3Client, options: AbortMultipartOptions): Promise<void> {
  const { bucket, key, uploadId } = options;
  try {
    await client.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: uploadId }));
  } catch (err) {
    const error = translateS3Error(err, { operation: 'abortMultipartUpload', bucket, key });
    if (error.kind !== 'upload_not_found') throw error;
  }
}

/** One ListParts page after another (a server returns at most 1,000 parts a page), following the part-number marker. */
export async function listParts(client: S3Client, options: ListPartsOptions): Promise<UploadedPart[]> {
  const { bucket, key, uploadId } = options;
  const parts: UploadedPart[] = [];
  let marker: string | undefined;
  do {
    let page;
    try {
      page = await client.send(new ListPartsCommand({ Bucket: bucket, Key: key, UploadId: uploadId, PartNumberMarker: marker }));
    } catch (err) {
      const error = translateS3Error(err, { operation: 'listParts', bucket, key });
      // Ceph RGW answers NoSuchKey rather than NoSuchUpload for an upload that is gone.
      if (error.kind === 'object_not_found')
        throw new UploadNotFoundError(`listParts ${bucket}/${key}: multipart upload not found`, { cause: error });
      throw error;
    }
    for (const part of page.Parts ?? []) {
      if (part.PartNumber === undefined || part.ETag === undefined) continue;
      parts.push({ partNumber: part.PartNumber, etag: part.ETag, size: part.Size ?? 0 });
    }
    // A server that says truncated without a marker would loop forever: stop instead.
    marker = page.IsTruncated && page.NextPartNumberMarker && page.NextPartNumberMarker !== marker ? page.NextPartNumberMarker : undefined;
  } while (marker);
  return parts.sort((a, b) => a.partNumber - b.partNumber);
}

export async function putObject(client: S3Client, options: PutObjectOptions): Promise<void> {
  const { bucket, key, body, contentType, cacheControl, metadata } = options;
  const upload = new Upload({
    client,
    params: { Bucket: bucket, Key: key, Body: body, ContentType: contentType, CacheControl: cacheControl, Metadata: metadata },
    partSize: PUT_PART_SIZE,
    queueSize: PUT_QUEUE_SIZE,
    // Abort a failed multipart put, so no orphaned parts keep using space.
    leavePartsOnError: false,
  });
  try {
    await upload.done();
  } catch (err) {
    throw translateS3Error(err, { operation: 'putObject', bucket, key });
  }
}
