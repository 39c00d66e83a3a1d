import { createDatabase, type Database } from '@darkroom/db';
import { createPublicUrlBuilder, createS3Storage, type ObjectStorage } from '@darkroom/storage';
import type { ApiConfig } from './config.js';
import { createAssetQueue, type AssetQueue } from '@darkroom/queue';
import type { PublicUrl } from './serializers.js';

/** Everything the routes use, built once at boot and passed in (tests build their own). */
export interface AppDeps {
  config: ApiConfig;
  db: Database;
  storage: ObjectStorage;
  publicUrl: PublicUrl;
  queue: AssetQueue;
  /** Readiness checks by dependency name; each throws when that dependency does not answer. */
  readiness: Record<'postgres' | 'redis' | 'storage', () => Promise<void>>;
  close(): Promise<void>;
}

export function createDeps(config: ApiConfig): AppDeps {
  const database = createDatabase({ url: config.databaseUrl });
  const storage = createS3Storage(config.storage);
  const queue = createAssetQueue({ redis: config.redis, prefix: config.queuePrefix });
  return {
    config,
    db: database.db,
    storage,
    publicUrl: createPublicUrlBuilder(config.storage),
    queue,
    readiness: {
      postgres: () => database.ping(),
      redis: () => queue.ping(),
      storage: () => storage.checkBucket({ bucket: config.storage.bucket }),
    },
    async close() {
      await queue.close();
      await database.close();
    },
  };
}
