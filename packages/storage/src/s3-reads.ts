import type { Readable } from 'node:stream';
import { GetObjectCommand, HeadBucketCommand, ListMultipartUploadsCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { boundResponseBody } from './bounded-body.js';
import { BucketNotFoundError, StorageError, StorageRequestError, translateS3Error } from './errors.js';
import type {
  GetRangeOptions,
  ListedMultipartUpload,
  ListedPage,
  ListObjectsOptions,
  ListPageOptions,
  ListedObject,
  ObjectLocation,
} from './types.js';

/** The first `length` bytes of a body; the rest is never read (a server that ignored the Range sends all of it). */
export async function readAtMost(body: Readable, length: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let read = 0;
  for await (const chunk of body) {
    chunks.push(chunk as Buffer);
    read += (chunk as Buffer).length;
    if (read >= length) break; // leaving the loop destroys the stream
  }
  return Buffer.concat(chunks).subarray(0, length);
}

export async function getRange(client: S3Client, options: GetRangeOptions): Promise<Buffer> {
  const { bucket, key, start, end } = options;
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || start < 0 || end < start) {
    throw new StorageRequestError(`getRange ${bucket}/${key}: invalid range ${start}-${end}`);
  }
  try {
    const response = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key, Range: `bytes=${start}-${end}` }));
    if (!response.Body) throw new StorageError('unknown', `getRange ${bucket}/${key}: response has no body`);
    const bytes = await response.Body.transformToByteArray();
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  } catch (err) {
    throw translateS3Error(err, { operation: 'getRange', bucket, key });
  }
}

export async function getBytes(client: S3Client, options: ObjectLocation): Promise<Buffer> {
  const { bucket, key } = options;
  try {
    const response = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    if (!response.Body) throw new StorageError('unknown', `getBytes ${bucket}/${key}: response has no body`);
    return Buffer.from(await response.Body.transformToByteArray());
  } catch (err) {
    throw translateS3Error(err, { operation: 'getBytes', bucket, key });
  }
}

export async function* listObjects(client: S3Client, options: ListObjectsOptions): AsyncGenerator<ListedObject> {
  const { bucket, prefix } = options;
  let continuationToken: string | undefined;
  do {
    let page;
    try {
      page = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: continuationToken }));
    } catch (err) {
      throw translateS3Error(err, { operation: 'listObjects', bucket });
    }
    for (const object of page.Contents ?? []) {
      if (object.Key === undefined) continue;
      yield { key: object.Key, size: object.Size ?? 0, lastModified: object.LastModified, etag: object.ETag };
    }
    continuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (continuationToken);
}

export async function listObjectsPage(client: S3Client, options: ListPageOptions): Promise<ListedPage> {
  const { bucket, prefix, startAfter, maxKeys, maxBodyBytes, signal } = options;
  const command = new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, StartAfter: startAfter, MaxKeys: maxKeys });
  if (maxBodyBytes !== undefined) boundResponseBody(command, maxBodyBytes, signal);
  try {
    const page = await client.send(command, { abortSignal: signal });
    const objects = (page.Contents ?? []).flatMap((o) =>
      o.Key === undefined ? [] : [{ key: o.Key, size: o.Size ?? 0, lastModified: o.LastModified, etag: o.ETag }],
    );
    return { objects, truncated: page.IsTruncated === true };
  } catch (err) {
    // Cut off by the caller: its reason, as it gave it.
    if (signal?.aborted) throw signal.reason;
    throw translateS3Error(err, { operation: 'listObjectsPage', bucket });
  }
}

export async function* listMultipartUploads(client: S3Client, options: ListObjectsOptions): AsyncGenerator<ListedMultipartUpload> {
  const { bucket, prefix } = options;
  let keyMarker: string | undefined;
  let uploadIdMarker: string | undefined;
  do {
    let page;
    try {
      page = await client.send(
        new ListMultipartUploadsCommand({ Bucket: bucket, Prefix: prefix, KeyMarker: keyMarker, UploadIdMarker: uploadIdMarker }),
      );
    } catch (err) {
      throw translateS3Error(err, { operation: 'listMultipartUploads', bucket });
    }
    for (const upload of page.Uploads ?? []) {
      if (upload.Key === undefined || upload.UploadId === undefined) continue;
      yield { key: upload.Key, uploadId: upload.UploadId, initiated: upload.Initiated };
    }
    keyMarker = page.IsTruncated ? page.NextKeyMarker : undefined;
    uploadIdMarker = page.IsTruncated ? page.NextUploadIdMarker : undefined;
  } while (keyMarker);
}

export async function checkBucket(client: S3Client, options: { bucket: string }): Promise<void> {
  const { bucket } = options;
  try {
    await client.send(new HeadBucketCommand({ Bucket: bucket }));
  } catch (err) {
    const error = translateS3Error(err, { operation: 'checkBucket', bucket });
    // HEAD responses have no body, so a missing bucket arrives as a bare 404.
    if (error.kind === 'object_not_found') throw new BucketNotFoundError(`checkBucket ${bucket}: bucket not found`, { httpStatus: 404, cause: err });
    throw error;
  }
}
