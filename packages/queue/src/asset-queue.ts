import {
  LANE_JOB_NAME,
  LANE_QUEUE,
  QUEUE_LANES,
  QUEUE_PREFIX,
  RETRY_BACKOFF_TYPE,
  type AssetProcessPayload,
  type ChunkStep,
  type QueueLane,
} from '@darkroom/core/queue';
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
export const MAX_PRIORITY = 2_097_152;

/**
 * Fairness across tenants: the entry's BullMQ priority is its rank in its tenant's line (lower runs
 * first, FIFO within a rank). When tenant A queues 200 jobs (ranks 1–200) and tenant B then queues
 * one (rank 1), B's job runs right after A's first, not after all 200. Every entry has a priority,
 * because BullMQ runs entries without one before all prioritized entries.
 */
export function priorityOf(job: Pick<QueueableJob, 'queueRank'>): number {
  return Math.min(Math.max(1, job.queueRank), MAX_PRIORITY);
}

/** A step of a job's chunked render (`AssetProcessPayload.step`), for the attempt that queued it. */
export interface ChunkStepRef {
  step: ChunkStep;
  /** The job's attempt: a step queued by an earlier attempt is another entry, and finds its attempt over. */
  attempt: number;
  /** The ladder an interim step publishes. */
  ladder?: string | undefined;
}

/** A step's BullMQ id: one per (job, attempt, step, ladder), so queueing it again is a no-op. */
export const chunkStepEntryId = (jobId: string, { step, attempt, ladder }: ChunkStepRef) =>
  `${jobId}-${attempt}-${step}${ladder === undefined ? '' : `-${ladder}`}`;

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
  enqueue(job: QueueableJob, options?: { delayMs?: number }): Promise<void>;
  /**
   * Adds a step of the job's chunked render on the job's lane, ranked as the job (a no-op while its
   * entry exists); `replace` drops a finished entry of it first (one the reconciler found ended).
   */
  enqueueStep(job: QueueableJob, ref: ChunkStepRef, options?: { replace?: boolean }): Promise<void>;
  /** The state of a step's entry: BullMQ's, `unknown` when there is none. */
  stepState(job: Pick<QueueableJob, 'id' | 'lane'>, ref: ChunkStepRef): Promise<string>;
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

  /** A finished entry of this id dropped, so the id can run again (an admin retry, a step the reconciler queues again). */
  const dropFinished = async (lane: QueueLane, id: string) => {
    const existing = await queues[lane].getJob(id);
    if (existing && ((await existing.isFailed()) || (await existing.isCompleted()))) await existing.remove();
  };

  return {
    queue: queues.default,
    queues,
    async enqueue(job, options = {}) {
      await dropFinished(job.lane, job.id);
      const { name, data, opts } = entry(job);
      await queues[job.lane].add(name, data, options.delayMs ? { ...opts, delay: options.delayMs } : opts);
    },
    async enqueueStep(job, ref, options = {}) {
      const jobId = chunkStepEntryId(job.id, ref);
      if (options.replace) await dropFinished(job.lane, jobId);
      const { name, data, opts } = entry(job, 1);
      const step = { ...data, step: ref.step, attempt: ref.attempt, ...(ref.ladder === undefined ? {} : { ladder: ref.ladder }) };
      await queues[job.lane].add(name, step, { ...opts, jobId });
    },
    stepState: (job, ref) => queues[job.lane].getJobState(chunkStepEntryId(job.id, ref)),
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
