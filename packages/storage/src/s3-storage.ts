import type { StorageConfig } from './config.js';
import { clientSettings, createS3Client, type S3ClientOptions } from './s3-client.js';
import { copyObject } from './s3-copy.js';
import { deleteObject, deleteObjectVersion, deletePrefix } from './s3-deletes.js';
import { checkBucket, getRange, getBytes, listMultipartUploads, listObjects, listObjectsPage } from './s3-reads.js';
import { abortMultipartUpload, completeMultipartUpload, createMultipartUpload, listParts, putObject } from './s3-uploads.js';
import { uploadStream } from './s3-upload-stream.js';
import { createPresigner } from './presigner.js';
import { createDirectRequests } from './s3-direct.js';
import { observeStorage } from './s3-observed.js';
import type { ObjectStorage } from './types.js';

export type S3StorageOptions = S3ClientOptions;

/**
 * `ObjectStorage` over any S3-compatible server (Backblaze B2, Ceph RGW, AWS S3, MinIO…).
 * Each method throws only `StorageError`s (see errors.ts), but for the observer's own failures.
 * With `options.observer`, every request attempt, presigned URL, write and delete is told to it.
 */
export function createS3Storage(config: StorageConfig, options: S3StorageOptions = {}): ObjectStorage {
  const { observer } = options;
  const client = createS3Client(config, options);
  const presigner = createPresigner(config);
  const direct = createDirectRequests(config.endpoint, presigner, { ...clientSettings(options), observer });
  const { headObject, getStream, openObject } = direct;
  const storage: ObjectStorage = {
    presignPut: async (o) => presigner.presignPut(o),
    createMultipartUpload: (o) => createMultipartUpload(client, o),
    presignUploadPart: async (o) => presigner.presignUploadPart(o),
    presignMultipartRequest: async (o) => presigner.presignMultipartRequest(o),
    presignGet: async (o) => presigner.presignGet(o),
    completeMultipartUpload: (o) => completeMultipartUpload(client, o),
    abortMultipartUpload: (o) => abortMultipartUpload(client, o),
    listParts: (o) => listParts(client, o),
    headObject,
    readStart: direct.readStart,
    getRange: (o) => getRange(client, o),
    getBytes: (o) => getBytes(client, o),
    getStream,
    openObject,
    copyObject: (o) => copyObject(client, o, direct.copyObject),
    putObject: (o) => putObject(client, o),
    uploadStream: (o) => uploadStream(client, o),
    deleteObject: (o) => deleteObject(client, o),
    deleteObjectVersion: (o) => deleteObjectVersion(client, o),
    deletePrefix: (o) => deletePrefix(client, o, observer && ((keys) => observer.deleted(keys.map((key) => ({ bucket: o.bucket, key }))))),
    listObjects: (o) => listObjects(client, o),
    listObjectsPage: (o) => listObjectsPage(client, o),
    listMultipartUploads: (o) => listMultipartUploads(client, o),
    checkBucket: (o) => checkBucket(client, o),
  };
  return observer ? observeStorage(storage, observer) : storage;
}
