import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  ListPartsCommand,
  PutObjectCommand,
  UploadPartCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { StorageRequestError, StorageUnavailableError, UploadNotFoundError, translateS3Error } from './errors.js';
import type {
  AbortMultipartOptions,
  CompleteMultipartOptions,
  CreateMultipartOptions,
  PresignPartOptions,
  PresignPutOptions,
  PresignedRequest,
  PutObjectOptions,
} from './types.js';

/** SigV4 presigned URLs cannot live longer than 7 days. */
const MAX_PRESIGN_SECONDS = 7 * 24 * 3600;
const PUT_PART_SIZE = 8 * 1024 * 1024;
const PUT_QUEUE_SIZE = 2;

function checkPresignInput(contentLength: number, expiresInSeconds: number): void {
  if (!Number.isSafeInteger(contentLength) || contentLength < 0) {
    throw new StorageRequestError(`contentLength must be a non-negative integer, got ${contentLength}`);
  }
  if (!Number.isInteger(expiresInSeconds) || expiresInSeconds < 1 || expiresInSeconds > MAX_PRESIGN_SECONDS) {
    throw new StorageRequestError(`expiresInSeconds must be an integer from 1 to ${MAX_PRESIGN_SECONDS}, got ${expiresInSeconds}`);
  }
}

export async function presignPut(client: S3Client, options: PresignPutOptions): Promise<PresignedRequest> {
  const { bucket, key, contentType, contentLength, expiresInSeconds } = options;
  checkPresignInput(contentLength, expiresInSeconds);
  const command = new PutObjectCommand({ Bucket: bucket, Key: key, ContentType: contentType, ContentLength: contentLength });
  try {
    // Signing both headers makes the server refuse any other type or size (RGW answers 403 SignatureDoesNotMatch).
    const url = await getSignedUrl(client, command, {
      expiresIn: expiresInSeconds,
      signableHeaders: new Set(['content-type', 'content-length']),
    });
    // Browsers set content-length themselves and refuse to let scripts set it.
    return { url, headers: { 'content-type': contentType }, expiresAt: new Date(Date.now() + expiresInSeconds * 1000) };
  } catch (err) {
    throw translateS3Error(err, { operation: 'presignPut', bucket, key });
  }
}

export async function createMultipartUpload(client: S3Client, options: CreateMultipartOptions): Promise<{ uploadId: string }> {
  const { bucket, key, contentType } = options;
  try {
    const result = await client.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key, ContentType: contentType }));
    if (!result.UploadId) throw new StorageRequestError(`createMultipartUpload ${bucket}/${key}: server returned no UploadId`);
    return { uploadId: result.UploadId };
  } catch (err) {
    throw translateS3Error(err, { operation: 'createMultipartUpload', bucket, key });
  }
}

export async function presignUploadPart(client: S3Client, options: PresignPartOptions): Promise<PresignedRequest> {
  const { bucket, key, uploadId, partNumber, contentLength, expiresInSeconds } = options;
  checkPresignInput(contentLength, expiresInSeconds);
  if (!Number.isInteger(partNumber) || partNumber < 1 || partNumber > 10_000) {
    throw new StorageRequestError(`partNumber must be an integer from 1 to 10000, got ${partNumber}`);
  }
  const command = new UploadPartCommand({
    Bucket: bucket,
    Key: key,
    UploadId: uploadId,
    PartNumber: partNumber,
    ContentLength: contentLength,
  });
  try {
    const url = await getSignedUrl(client, command, { expiresIn: expiresInSeconds, signableHeaders: new Set(['content-length']) });
    return { url, headers: {}, expiresAt: new Date(Date.now() + expiresInSeconds * 1000) };
  } catch (err) {
    throw translateS3Error(err, { operation: 'presignUploadPart', bucket, key });
  }
}

/**
 * RGW answers CompleteMultipartUpload for an unknown or aborted upload id with
 * 500 "This multipart completion is already in progress" instead of 404 NoSuchUpload.
 * Asking for the upload's parts tells the two apart, so callers don't retry a dead upload forever.
 */
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

export async function putObject(client: S3Client, options: PutObjectOptions): Promise<void> {
  const { bucket, key, body, contentType, cacheControl } = options;
  const upload = new Upload({
    client,
    params: { Bucket: bucket, Key: key, Body: body, ContentType: contentType, CacheControl: cacheControl },
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
