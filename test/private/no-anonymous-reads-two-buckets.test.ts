import { describeNoAnonymousReads } from '../support/no-anonymous-reads.js';

/** The check in the two-bucket layout (S3_PUBLIC_BUCKET set: the test buckets); the one-bucket file runs beside it. */
describeNoAnonymousReads({ name: 'two buckets', env: {}, singleBucket: false });
