import { Transform, type Readable } from 'node:stream';
import type { ObjectStorage, PresignedRequest, PutObjectOptions, StorageObserver } from './types.js';

/** A put's body with its length known once it is read: a buffer's own, a stream's counted as it passes. */
function countedBody(body: PutObjectOptions['body']): { body: PutObjectOptions['body']; bytes: () => number } {
  if (!('pipe' in body)) return { body, bytes: () => body.byteLength };
  let bytes = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      bytes += chunk.length;
      done(null, chunk);
    },
  });
  // The source's error must fail the put, as it would have without the count.
  (body as Readable).once('error', (error) => counter.destroy(error));
  return { body: (body as Readable).pipe(counter), bytes: () => bytes };
}

/**
 * The storage's writes, deletes and presigned URLs told to the observer (its request attempts are
 * told by the client's middleware and the direct requests). The ledger is written after the bucket
 * answered and before the call returns: an object stored is recorded before anyone is told it is
 * there. `headSize` reads a completed upload's size when its caller did not give it.
 */
export function observeStorage(storage: ObjectStorage, observer: StorageObserver): ObjectStorage {
  const written = (bucket: string, key: string, bytes: number) => observer.written([{ bucket, key, bytes }]);
  const presigning =
    <O extends { key: string }>(kind: 'upload' | 'read', sign: (options: O) => Promise<PresignedRequest>) =>
    (options: O) => {
      observer.presigned(kind, options.key);
      return sign(options);
    };
  return {
    ...storage,
    presignPut: presigning('upload', storage.presignPut),
    presignUploadPart: presigning('upload', storage.presignUploadPart),
    presignMultipartRequest: presigning('upload', storage.presignMultipartRequest),
    presignGet: presigning('read', storage.presignGet),
    async completeMultipartUpload(o) {
      await storage.completeMultipartUpload(o);
      const size = o.size ?? (await storage.headObject({ bucket: o.bucket, key: o.key })).size;
      await written(o.bucket, o.key, size);
    },
    async copyObject(o) {
      const result = await storage.copyObject(o);
      await written(o.bucket, o.key, o.size);
      return result;
    },
    async putObject(o) {
      const counted = countedBody(o.body);
      await storage.putObject({ ...o, body: counted.body });
      await written(o.bucket, o.key, counted.bytes());
    },
    async uploadStream(o) {
      const result = await storage.uploadStream(o);
      await written(o.bucket, o.key, result.size);
      return result;
    },
    async deleteObject(o) {
      await storage.deleteObject(o);
      await observer.deleted([{ bucket: o.bucket, key: o.key }]);
    },
    async deleteObjectVersion(o) {
      await storage.deleteObjectVersion(o);
      await observer.deleted([{ bucket: o.bucket, key: o.key }]);
    },
  };
}
