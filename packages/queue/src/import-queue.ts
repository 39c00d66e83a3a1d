import { IMPORT_QUEUE, JobName, QUEUE_PREFIX, type ImportSlicePayload } from '@darkroom/core/queue';
import { Queue } from 'bullmq';
import { createRedisConnection, type RedisSettings } from './redis.js';

export interface ImportSliceEntry {
  importId: string;
  rank: number;
  delayMs?: number | undefined;
}

export interface ImportQueue {
  /**
   * Queues the import's next slice, `delayMs` from now, served by `rank` (its place in its tenant's
   * line; first in, first out within a rank). An import has one entry at most: its id is the
   * import's, so adding one while another waits or runs is a no-op (a retry, the reconciler's
   * re-queue, a resume), and a finished entry is removed at once so the next can be added.
   */
  queueSlice(slice: ImportSliceEntry): Promise<void>;
  readonly queue: Queue<ImportSlicePayload>;
  close(): Promise<void>;
}

/** BullMQ's highest priority number (its lowest rank). */
const MAX_PRIORITY = 2_097_152;

/** BullMQ ids may not hold `:`. */
export const importSliceId = (importId: string) => `import.${importId}`;

export function createImportQueue(options: { redis: RedisSettings; prefix?: string }): ImportQueue {
  // Like the asset queue: fail fast while Redis is away; Postgres holds every import, and the
  // worker's reconciler queues a slice for every import under way that has none.
  const connection = createRedisConnection(options.redis, { enableOfflineQueue: false, maxRetriesPerRequest: 1, connectTimeout: 2000 });
  connection.on('error', () => {});
  const queue = new Queue<ImportSlicePayload>(IMPORT_QUEUE, { connection, prefix: options.prefix ?? QUEUE_PREFIX });
  queue.on('error', () => {});
  return {
    queue,
    async queueSlice({ importId, rank, delayMs = 0 }) {
      await queue.add(
        JobName.ImportSlice,
        { importId },
        // A slice that throws is not tried again by BullMQ: its lease lapses, and the next slice (its
        // lane's settle, else the reconciler) takes the import up where it was.
        {
          jobId: importSliceId(importId),
          priority: Math.min(Math.max(1, rank), MAX_PRIORITY),
          delay: Math.max(0, delayMs),
          attempts: 1,
          removeOnComplete: true,
          removeOnFail: true,
        },
      );
    },
    async close() {
      await queue.close();
      connection.disconnect();
    },
  };
}
