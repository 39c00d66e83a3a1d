export type * from './types.js';
export { parseStorageConfig, isSingleBucket, type StorageConfig } from './config.js';
export { regionFromEndpoint } from '@darkroom/core/s3-endpoint';
export {
  StorageError,
  ObjectNotFoundError,
  BucketNotFoundError,
  UploadNotFoundError,
  StorageUnavailableError,
  StorageAccessDeniedError,
  StorageRequestError,
  ObjectRangeError,
  ResponseTooLargeError,
  translateS3Error,
  type StorageErrorKind,
  type StorageErrorDetails,
  type StorageErrorContext,
} from './errors.js';
export { createS3Storage, type S3StorageOptions } from './s3-storage.js';
export { DEFAULT_MAX_ATTEMPTS as DEFAULT_S3_MAX_ATTEMPTS } from './s3-client.js';
export { createPublicUrlBuilder, encodeObjectKey } from './cdn.js';
export {
  setupBuckets,
  parseCorsOrigins,
  publicReadResource,
  SINGLE_BUCKET_VARIANT_PREFIX,
  type SetupBucketsOptions,
  type SetupSummary,
  type PublicReadGrant,
  type VerifiedPublicReadGrant,
} from './setup.js';
export {
  purgeAssetObjects,
  purgeRenderedObjects,
  assetObjectPrefixes,
  purgeUploadObjects,
  abortStaleMultipartUploads,
  type PurgedAsset,
  type PurgeUploadOptions,
  type PurgeAssetOptions,
} from './purge.js';
export { assetObjectBucket, assetObjectLocation, type AssetBuckets } from './visibility.js';
export { collect, collectYoung, collectYoungEvery, createYoungCollector, type YoungCollector } from './garbage.js';
