import { migrateDatabase } from '@darkroom/db/migrate';
import { parseStorageConfig, setupBuckets } from '@darkroom/storage';
import { testEnv } from './test-env.js';

/** Once per test run: a migrated test database and test buckets (public variants, CORS). */
export default async function setup(): Promise<void> {
  await migrateDatabase(testEnv.DATABASE_URL!);
  await setupBuckets(parseStorageConfig(testEnv), { corsOrigins: testEnv.CORS_ORIGINS!.split(',') });
}
