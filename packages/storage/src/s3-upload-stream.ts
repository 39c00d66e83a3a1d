import type { Readable } from 'node:stream';
import { PutObjectCommand, UploadPartCommand, type S3Client } from '@aws-sdk/client-s3';
import { ERRORS } from '@darkroom/core/error-factories';
import { S3_MAX_PART_BYTES, S3_MAX_PARTS, S3_MIN_PART_BYTES, MiB } from '@darkroom/core/limits';
import { StorageRequestError, translateS3Error } from './errors.js';
import { abortMultipartUpload, completeMultipartUpload, createMultipartUpload } from './s3-uploads.js';
import type { CompletedPart, UploadStreamOptions } from './types.js';

/**
 * The part size a body is cut into: the one asked for, grown (to whole MiB) when a body of the
 * expected size would need more than S3_MAX_PARTS parts. A body too large for that many of the
 * largest parts is `file_too_large` before anything is sent.
 */
export function streamPartSize(partSize: number, expectedSize?: number): number {
  if (!Number.isSafeInteger(partSize) || partSize < S3_MIN_PART_BYTES || partSize > S3_MAX_PART_BYTES) {
    throw new StorageRequestError(`stream part size must be from ${S3_MIN_PART_BYTES} to ${S3_MAX_PART_BYTES} bytes, got ${partSize}`);
  }
  if (expectedSize === undefined) return partSize;
  if (expectedSize > S3_MAX_PART_BYTES * S3_MAX_PARTS) throw ERRORS.fileTooLarge(expectedSize, S3_MAX_PART_BYTES * S3_MAX_PARTS);
  const needed = Math.ceil(Math.ceil(expectedSize / S3_MAX_PARTS) / MiB) * MiB;
  return Math.min(Math.max(partSize, needed), S3_MAX_PART_BYTES);
}

export interface PartLimits {
  partSize: number;
  maxBytes: number;
  /** Parts at most (S3_MAX_PARTS; smaller in tests). */
  maxParts?: number;
}

/**
 * The body cut into parts of `partSize` (the last one shorter, none for an empty body), each a
 * view of one of two buffers used in turn: a part stays intact until the part after it has been
 * taken, so the caller may upload one part while the next is read, and must be done with it
 * before asking for the one after that. Past `maxBytes`, or past `maxParts` full parts, the body
 * is destroyed and `file_too_large` thrown; a body's own error is thrown as it is.
 */
export async function* readParts(body: Readable, limits: PartLimits): AsyncGenerator<Buffer> {
  const { partSize, maxBytes } = limits;
  const capacity = partSize * (limits.maxParts ?? S3_MAX_PARTS);
  // Allocated on first use, never zero-filled: a page the body never reaches is never resident.
  const buffers: Buffer[] = [];
  let current = 0;
  let filled = 0;
  let total = 0;
  for await (const chunk of body) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    total += bytes.length;
    if (total > maxBytes) throw ERRORS.fileTooLarge(total, maxBytes);
    if (total > capacity) throw ERRORS.fileTooLarge(total, capacity);
    for (let at = 0; at < bytes.length; ) {
      buffers[current] ??= Buffer.allocUnsafeSlow(partSize);
      const copied = bytes.copy(buffers[current]!, filled, at);
      at += copied;
      filled += copied;
      if (filled === partSize) {
        yield buffers[current]!;
        current = 1 - current;
        filled = 0;
      }
    }
  }
  if (filled > 0) yield buffers[current]!.subarray(0, filled);
}

async function putWhole(client: S3Client, options: UploadStreamOptions, bytes: Buffer): Promise<void> {
  const { bucket, key, contentType, metadata } = options;
  try {
    await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: bytes, ContentType: contentType, Metadata: metadata }));
  } catch (err) {
    throw translateS3Error(err, { operation: 'uploadStream', bucket, key });
  }
}

async function uploadPart(client: S3Client, options: UploadStreamOptions, uploadId: string, partNumber: number, bytes: Buffer) {
  const { bucket, key } = options;
  try {
    const result = await client.send(new UploadPartCommand({ Bucket: bucket, Key: key, UploadId: uploadId, PartNumber: partNumber, Body: bytes }));
    if (!result.ETag) throw new StorageRequestError(`uploadPart ${bucket}/${key}: part ${partNumber} came back without an ETag`);
    return { partNumber, etag: result.ETag };
  } catch (err) {
    throw translateS3Error(err, { operation: 'uploadPart', bucket, key });
  }
}

/** One multipart upload as it goes: parts land in order, one in flight while the next is read. */
class PartSender {
  readonly parts: CompletedPart[] = [];
  private inFlight: Promise<void> = Promise.resolve();
  private stored = 0;

  constructor(
    private readonly client: S3Client,
    private readonly options: UploadStreamOptions,
    readonly uploadId: string,
  ) {}

  /** Waits for the part before (so its buffer is free again for the reader), then sends this one. */
  async send(bytes: Buffer): Promise<void> {
    await this.inFlight;
    const partNumber = this.parts.length + 1;
    this.inFlight = uploadPart(this.client, this.options, this.uploadId, partNumber, bytes).then((part) => {
      this.parts.push(part);
      this.stored += bytes.length;
      this.options.onBytes?.(this.stored);
    });
    // Seen by whoever awaits it next; until then it must not count as unhandled.
    this.inFlight.catch(() => {});
  }

  /** Resolves once no part is in flight, however the last one ended. */
  settle(): Promise<void> {
    return this.inFlight.catch(() => {});
  }

  async complete(): Promise<void> {
    await this.inFlight;
    const { bucket, key } = this.options;
    await completeMultipartUpload(this.client, { bucket, key, uploadId: this.uploadId, parts: this.parts });
  }
}

export async function uploadStream(client: S3Client, options: UploadStreamOptions): Promise<{ size: number }> {
  const { bucket, key, contentType, metadata, body, maxBytes, expectedSize } = options;
  if (expectedSize !== undefined && expectedSize > maxBytes) {
    body.destroy();
    throw ERRORS.fileTooLarge(expectedSize, maxBytes);
  }
  const partSize = streamPartSize(options.partSize, expectedSize);
  let sender: PartSender | undefined;
  let size = 0;
  try {
    for await (const bytes of readParts(body, { partSize, maxBytes })) {
      size += bytes.length;
      // A body shorter than one part has ended with its first: one PUT, no multipart upload.
      if (!sender && bytes.length < partSize) {
        await putWhole(client, options, bytes);
        options.onBytes?.(size);
        return { size };
      }
      sender ??= new PartSender(client, options, (await createMultipartUpload(client, { bucket, key, contentType, metadata })).uploadId);
      await sender.send(bytes);
    }
    if (!sender) {
      await putWhole(client, options, Buffer.alloc(0));
      return { size: 0 };
    }
    await sender.complete();
    return { size };
  } catch (error) {
    if (sender) {
      // A part still in flight could land after the abort and be kept: wait for it first.
      await sender.settle();
      await abortMultipartUpload(client, { bucket, key, uploadId: sender.uploadId }).catch(() => {});
    }
    throw error;
  } finally {
    if (!body.destroyed) body.destroy();
  }
}
