import { ASSET_QUEUE, JobName, QUEUE_PREFIX, RETRY_BASE_DELAY_MS, type AssetProcessPayload } from '@darkroom/core';
import type { Job } from '@darkroom/db';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';

export interface AssetQueue {
  /** Adds the job's transport entry. Deduped by the job row's id, so a repeat is a no-op. */
  enqueue(job: Pick<Job, 'id' | 'assetId' | 'maxAttempts'>): Promise<void>;
  ping(): Promise<void>;
  close(): Promise<void>;
  readonly queue: Queue<AssetProcessPayload>;
}

export interface AssetQueueOptions {
  redisUrl: string;
  /** Tests give each file its own prefix so their queues never meet. */
  prefix?: string;
}

export function createAssetQueue(options: AssetQueueOptions): AssetQueue {
  // Fail fast instead of buffering commands while Redis is away: the API must answer, and
  // Postgres (not Redis) holds the truth, so a missed enqueue is recovered from there.
  const connection = new Redis(options.redisUrl, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 2000,
  });
  connection.on('error', () => {}); // reconnects on its own; failures surface on the calls
  const queue = new Queue<AssetProcessPayload>(ASSET_QUEUE, { connection, prefix: options.prefix ?? QUEUE_PREFIX });
  queue.on('error', () => {});

  return {
    queue,
    async enqueue(job) {
      await queue.add(
        JobName.AssetProcess,
        { jobId: job.id, assetId: job.assetId },
        {
          jobId: job.id,
          attempts: job.maxAttempts,
          backoff: { type: 'exponential', delay: RETRY_BASE_DELAY_MS },
          removeOnComplete: { age: 24 * 3600, count: 10_000 },
          removeOnFail: { age: 7 * 24 * 3600 },
        },
      );
    },
    async ping() {
      await connection.ping();
    },
    async close() {
      await queue.close();
      connection.disconnect();
    },
  };
}
