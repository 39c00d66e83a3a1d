import { LANE_JOB_NAME, LANE_QUEUE, QUEUE_LANES, QUEUE_PREFIX, RETRY_BACKOFF_TYPE, type AssetProcessPayload, type QueueLane } from '@darkroom/core';
import { Queue, type JobsOptions } from 'bullmq';
import { createRedisConnection, type RedisSettings } from './redis.js';

/** What the queue needs of a job row (see @darkroom/db's `jobs`). */
export interface QueueableJob {
  id: string;
  assetId: string;
  attempts: number;
  maxAttempts: number;
  /** Which queue carries it: `default` (uploads, reprocess) or `backfill` (preset changes). */
  lane: QueueLane;
  /** Its place in its tenant's line when queued: lower ranks are served first (see `priorityOf`). */
  queueRank: number;
}

/** BullMQ's largest priority (2^21); ranks beyond it share the last place. */
const MAX_PRIORITY = 2_097_152;

/**
 * Fairness across tenants: the entry's BullMQ priority is its rank in its tenant's line (lower runs
 * first, FIFO within a rank). When tenant A queues 200 jobs (ranks 1–200) and tenant B then queues
 * one (rank 1), B's job runs right after A's first, not after all 200. Every entry has a priority,
 * because BullMQ runs entries without one before all prioritized entries.
 */
export function priorityOf(job: Pick<QueueableJob, 'queueRank'>): number {
  return Math.min(Math.max(1, job.queueRank), MAX_PRIORITY);
}

export interface QueueCounts {
  paused: boolean;
  counts: Record<string, number>;
}

/** The transport of asset jobs: one BullMQ queue per lane, each job routed by its row's lane. */
export interface AssetQueue {
  /**
   * Adds the job's transport entry with the attempts it has left. Deduped by the job row's id, so
   * a repeat while the entry is waiting or running is a no-op; a finished entry of the same id
   * (an admin retry of a failed job) is dropped first so the id can run again.
   */
  enqueue(job: QueueableJob): Promise<void>;
  /** Adds entries for jobs just inserted (never queued before) in one round trip per lane. */
  enqueueNew(jobs: readonly QueueableJob[]): Promise<void>;
  /** Whether a waiting, delayed or running entry exists for the job. */
  hasLiveEntry(job: Pick<QueueableJob, 'id' | 'lane'>): Promise<boolean>;
  counts(lane?: QueueLane): Promise<QueueCounts>;
  /** Pause and resume act on every lane: they stop (or restart) all processing. */
  pause(): Promise<void>;
  resume(): Promise<void>;
  ping(): Promise<void>;
  close(): Promise<void>;
  /** The default lane's queue. */
  readonly queue: Queue<AssetProcessPayload>;
  readonly queues: Readonly<Record<QueueLane, Queue<AssetProcessPayload>>>;
}

export interface AssetQueueOptions {
  redis: RedisSettings;
  /** Tests give each file its own prefix so their queues never meet. */
  prefix?: string;
}

export function createAssetQueue(options: AssetQueueOptions): AssetQueue {
  // Fail fast instead of buffering commands while Redis is away: the API must answer, and
  // Postgres (not Redis) holds the truth, so a missed enqueue is recovered from there.
  const connection = createRedisConnection(options.redis, { enableOfflineQueue: false, maxRetriesPerRequest: 1, connectTimeout: 2000 });
  connection.on('error', () => {}); // reconnects on its own; failures surface on the calls
  const prefix = options.prefix ?? QUEUE_PREFIX;
  const queues = Object.fromEntries(
    QUEUE_LANES.map((lane) => {
      const queue = new Queue<AssetProcessPayload>(LANE_QUEUE[lane], { connection, prefix });
      queue.on('error', () => {});
      return [lane, queue];
    }),
  ) as Record<QueueLane, Queue<AssetProcessPayload>>;

  const entry = (job: QueueableJob, attempts = job.maxAttempts - job.attempts) => ({
    name: LANE_JOB_NAME[job.lane],
    data: { jobId: job.id, assetId: job.assetId },
    opts: {
      jobId: job.id,
      priority: priorityOf(job),
      attempts: Math.max(1, attempts),
      backoff: { type: RETRY_BACKOFF_TYPE },
      removeOnComplete: { age: 24 * 3600, count: 10_000 },
      removeOnFail: { age: 7 * 24 * 3600 },
    } satisfies JobsOptions,
  });

  return {
    queue: queues.default,
    queues,
    async enqueue(job) {
      const queue = queues[job.lane];
      const existing = await queue.getJob(job.id);
      if (existing && ((await existing.isFailed()) || (await existing.isCompleted()))) await existing.remove();
      const { name, data, opts } = entry(job);
      await queue.add(name, data, opts);
    },
    async enqueueNew(jobs) {
      for (const lane of QUEUE_LANES) {
        const mine = jobs.filter((j) => j.lane === lane);
        if (mine.length > 0) await queues[lane].addBulk(mine.map((j) => entry(j)));
      }
    },
    async hasLiveEntry(job) {
      const state = await queues[job.lane].getJobState(job.id);
      return !['unknown', 'completed', 'failed'].includes(state);
    },
    async counts(lane = 'default') {
      const queue = queues[lane];
      const { prioritized = 0, ...counts } = await queue.getJobCounts('waiting', 'prioritized', 'active', 'delayed', 'completed', 'failed');
      // Every entry carries a priority (its tenant rank), so BullMQ keeps them all as `prioritized`:
      // to people they are simply waiting, the queue paused (`paused: true`) or not.
      return { paused: await queue.isPaused(), counts: { ...counts, waiting: (counts.waiting ?? 0) + prioritized } };
    },
    async pause() {
      await Promise.all(Object.values(queues).map((q) => q.pause()));
    },
    async resume() {
      await Promise.all(Object.values(queues).map((q) => q.resume()));
    },
    async ping() {
      await connection.ping();
    },
    async close() {
      await Promise.all(Object.values(queues).map((q) => q.close()));
      connection.disconnect();
    },
  };
}
