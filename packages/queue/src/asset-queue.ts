import { ASSET_QUEUE, JobName, QUEUE_PREFIX, RETRY_BASE_DELAY_MS, type AssetProcessPayload } from '@darkroom/core';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';

/** What the queue needs of a job row (see @darkroom/db's `jobs`). */
export interface QueueableJob {
  id: string;
  assetId: string;
  attempts: number;
  maxAttempts: number;
}

export interface AssetQueue {
  /**
   * Adds the job's transport entry with the attempts it has left. Deduped by the job row's id, so
   * a repeat while the entry is waiting or running is a no-op; a finished entry of the same id
   * (an admin retry of a failed job) is dropped first so the id can run again.
   */
  enqueue(job: QueueableJob): Promise<void>;
  /** Whether a waiting, delayed or running entry exists for the job. */
  hasLiveEntry(jobId: string): Promise<boolean>;
  counts(): Promise<{ paused: boolean; counts: Record<string, number> }>;
  pause(): Promise<void>;
  resume(): Promise<void>;
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

  async function add(job: QueueableJob, attempts: number) {
    await queue.add(
        JobName.AssetProcess,
        { jobId: job.id, assetId: job.assetId },
        {
          jobId: job.id,
          attempts: Math.max(1, attempts),
          backoff: { type: 'exponential', delay: RETRY_BASE_DELAY_MS },
          removeOnComplete: { age: 24 * 3600, count: 10_000 },
          removeOnFail: { age: 7 * 24 * 3600 },
        },
      );
  }

  return {
    queue,
    async enqueue(job) {
      const existing = await queue.getJob(job.id);
      if (existing && ((await existing.isFailed()) || (await existing.isCompleted()))) await existing.remove();
      await add(job, job.maxAttempts - job.attempts);
    },
    async hasLiveEntry(jobId) {
      const state = await queue.getJobState(jobId);
      return !['unknown', 'completed', 'failed'].includes(state);
    },
    async counts() {
      const counts = await queue.getJobCounts('waiting', 'prioritized', 'active', 'delayed', 'completed', 'failed', 'paused');
      return { paused: await queue.isPaused(), counts };
    },
    pause: () => queue.pause(),
    resume: () => queue.resume(),
    async ping() {
      await connection.ping();
    },
    async close() {
      await queue.close();
      connection.disconnect();
    },
  };
}
