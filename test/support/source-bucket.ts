import { createSourceBucket as createSourceBucketOn, type SourceBucket } from '../../scripts/source-bucket.js';

export {
  ensureSourceUser,
  SOURCE_USER,
  type SnapshotEntry,
  type SourceBucket,
  type SourceCredentials,
  tinyJpegs,
} from '../../scripts/source-bucket.js';

/**
 * A source bucket (scripts/source-bucket.ts, which the bench shares) on the tests' S3 server, with
 * a policy naming the user behind the tests' deployment key.
 */
export function createSourceBucket(options: { photos: number; prefix?: string }): Promise<SourceBucket> {
  const server = {
    endpoint: process.env.S3_ENDPOINT!,
    region: process.env.S3_REGION ?? 'us-east-1',
    deploymentAccessKeyId: process.env.S3_ACCESS_KEY_ID!,
  };
  return createSourceBucketOn(server, options);
}
