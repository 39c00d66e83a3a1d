import { createDatabase, type Database } from '@darkroom/db';
import { createS3Storage, type ObjectStorage } from '@darkroom/storage';
import { pino, type Logger } from 'pino';
import type { WorkerConfig } from './config.js';
import { createPixelBudget, type PixelBudget } from './pixel-budget.js';

export interface WorkerDeps {
  config: WorkerConfig;
  db: Database;
  storage: ObjectStorage;
  log: Logger;
  /** Source pixels decoded at once in this process (MAX_INPUT_PIXELS): bounds peak memory. */
  pixelBudget: PixelBudget;
  close(): Promise<void>;
}

export function createWorkerDeps(config: WorkerConfig, log?: Logger): WorkerDeps {
  const database = createDatabase({ url: config.databaseUrl, maxConnections: Math.max(4, (config.concurrency + config.backfillConcurrency) * 2) });
  return {
    config,
    db: database.db,
    storage: createS3Storage(config.storage),
    log: log ?? pino({ level: config.logLevel, base: { app: 'worker' } }),
    pixelBudget: createPixelBudget(config.maxInputPixels),
    close: () => database.close(),
  };
}
