import { describeNoAnonymousReads } from '../support/no-anonymous-reads.js';

/**
 * The check in the one-bucket layout (S3_PUBLIC_BUCKET unset: variants public under
 * `variants/` by policy), on a bucket of its own; the two-bucket file runs beside it.
 */
describeNoAnonymousReads({ name: 'one bucket', env: { S3_BUCKET: 'darkroom-test-single', S3_PUBLIC_BUCKET: '' }, singleBucket: true });
