/**
 * Settings every test process runs with. Each falls back to the local services that
 * `scripts/services-up.sh` starts (Postgres and Redis already on the machine, Ceph RGW for S3).
 */
export const testEnv: Record<string, string> = {
  DATABASE_URL: process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/darkroom_test',
  REDIS_URL: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379',
  S3_ENDPOINT: process.env.TEST_S3_ENDPOINT ?? 'http://127.0.0.1:7480',
  S3_REGION: 'us-east-1',
  S3_ACCESS_KEY_ID: process.env.TEST_S3_ACCESS_KEY_ID ?? 'darkroom',
  S3_SECRET_ACCESS_KEY: process.env.TEST_S3_SECRET_ACCESS_KEY ?? 'darkroom-secret',
  S3_BUCKET: 'darkroom-test-originals',
  S3_PUBLIC_BUCKET: 'darkroom-test-variants',
  CORS_ORIGINS: 'http://localhost:5173',
  // Test files share one database: a reconciler in one file's worker would take other files' jobs.
  // Tests of the reconciler turn it on in their own harness, in the sequential suite.
  RECONCILE_INTERVAL: 'off',
  // Likewise: one file's move pass would move other files' assets, and a harness of another bucket
  // layout would move them to its own buckets' places. Tests drive moves themselves.
  VISIBILITY_MOVE_INTERVAL: 'off',
  // Likewise for rejected assets' quarantine: tests drive its passes themselves.
  QUARANTINE_INTERVAL: 'off',
  // Likewise for the usage rollup: its tests roll at clocks of their own, and its expiry drops old
  // months' partitions. Tests of usage turn it on in their own harness.
  USAGE_ROLLUP_SECONDS: 'off',
  // Likewise for the nightly usage check: in its hour (04:00 UTC) every harness would LIST the shared
  // buckets. Its tests run it themselves.
  USAGE_CHECK_HOUR: 'off',
  // The face search costs a core a quarter second per image, and its models seconds to load in each
  // process: tests of faces turn it on in their own harness (facesSearched, support/faces-on.ts).
  FACE_DETECTION: 'off',
  ADMIN_TOKEN: 'test-admin-token-0123456789abcdef',
  WEBHOOK_SECRET_KEY: 'test-webhook-sealing-key-0123456789abcdef',
  // Like the reconciler: one file's dispatcher would queue other files' deliveries on its own
  // queue. The webhook tests turn it on in their own harness.
  WEBHOOK_SWEEP_INTERVAL: 'off',
  // A worker runs the imports of its own harness's tenants only (runImportsOf), or of a process a
  // test spawns with IMPORT_SLOTS of its own: the imports of other files are not its.
  IMPORT_SLOTS: '0',
  // Tests poll with one key far faster than a platform would; test/hostile/limits.test.ts sets its own.
  RATE_LIMIT_PER_MINUTE: '1000000',
  // Outage tests wait out retries; the default schedule spreads them over ten minutes.
  JOB_RETRY_SCHEDULE: '1s,2s,4s,8s',
};
