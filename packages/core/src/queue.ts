/**
 * The queue is transport only: payloads carry ids, handlers load state from Postgres.
 * The braces make the prefix a Redis Cluster hash tag, so all of a queue's keys share a slot.
 */
export const QUEUE_PREFIX = '{darkroom}';
export const ASSET_QUEUE = 'assets';
/**
 * Re-renders after a preset change go through their own queue, worked by their own BullMQ worker
 * (BACKFILL_CONCURRENCY), so a backfill of any size never takes a slot fresh uploads need.
 */
export const ASSET_BACKFILL_QUEUE = 'assets-backfill';

/**
 * Webhook deliveries travel on a queue of their own, worked by their own BullMQ worker
 * (WEBHOOK_CONCURRENCY), so a slow receiver never takes a render slot and renders never delay a delivery.
 */
export const WEBHOOK_QUEUE = 'webhooks';

/**
 * The parts of long videos' ladders (ChunkRender), a queue of their own so any worker takes them
 * once the job that planned them has ended its own entry: no job slot is ever held while they render.
 */
export const ASSET_CHUNK_QUEUE = 'asset-chunks';

/**
 * Imports' slices (ImportSlice): an import's listing and items a turn at a time, worked by the
 * workers' own lane (IMPORT_SLOTS), so an import never holds a render slot, and one entry per
 * import under way (never one per file).
 */
export const IMPORT_QUEUE = 'imports';

/** Which queue a job row travels on (the `jobs.lane` column). */
export const QUEUE_LANES = ['default', 'backfill'] as const;
export type QueueLane = (typeof QUEUE_LANES)[number];

export const LANE_QUEUE: Readonly<Record<QueueLane, string>> = { default: ASSET_QUEUE, backfill: ASSET_BACKFILL_QUEUE };

/** Job names are Entity+Verb. */
export const JobName = {
  AssetProcess: 'AssetProcess',
  AssetBackfill: 'AssetBackfill',
  WebhookDeliver: 'WebhookDeliver',
  ChunkRender: 'ChunkRender',
  ImportSlice: 'ImportSlice',
} as const;
export type JobName = (typeof JobName)[keyof typeof JobName];

export interface AssetProcessPayload {
  /** Row id in the `jobs` table; also the BullMQ job id, which is what dedupes enqueues. */
  jobId: string;
  assetId: string;
  /**
   * A step of the job's chunked ladders, queued once their parts are stored: `interim` publishes
   * the lowest rung of the ladder named `ladder`, `join` joins every ladder and records the render.
   * Absent: the job's own entry (its attempt).
   */
  step?: ChunkStep;
  /** The job's attempt that queued the step: a step of an attempt that is over does nothing. */
  attempt?: number;
  ladder?: string;
}
export const CHUNK_STEPS = ['interim', 'join'] as const;
export type ChunkStep = (typeof CHUNK_STEPS)[number];

/**
 * One part of a long video's ladder: `part` of the plan's piece `chunk`, half a chunk (`lowest`: its
 * lowest rung; `upper`: the others, from one decode; `audio`: the whole file's audio, chunk 0) of
 * the HLS variant named `ladder`, for the job row `jobId`. The plan they share is in the bucket
 * (chunkJobPrefix); `planHash` names the plan the part is rendered for, so a part of another plan
 * (a retry's, after the preset changed) is never joined with it.
 */
export interface ChunkRenderPayload {
  jobId: string;
  assetId: string;
  ladder: string;
  chunk: number;
  part: ChunkPart;
  planHash: string;
}
export const CHUNK_PARTS = ['lowest', 'upper', 'audio'] as const;
export type ChunkPart = (typeof CHUNK_PARTS)[number];

/** Same ids-only shape: the handler reads what is stale from Postgres when it runs. */
export type AssetBackfillPayload = AssetProcessPayload;

/** Ids only: the handler claims the import in Postgres and runs it for a turn. */
export interface ImportSlicePayload {
  importId: string;
}

/** Ids only: the handler loads the delivery, its webhook and its event from Postgres. */
export interface WebhookDeliverPayload {
  /** Row id in `webhook_deliveries`. */
  deliveryId: string;
}

export const LANE_JOB_NAME: Readonly<Record<QueueLane, JobName>> = { default: JobName.AssetProcess, backfill: JobName.AssetBackfill };

export const DEFAULT_MAX_ATTEMPTS = 5;
/**
 * Queue entries name this backoff type; the worker's strategy (`retryDelayMs`) reads its schedule
 * from JOB_RETRY_SCHEDULE, so the delays are the worker's setting, not baked into each entry.
 */
export const RETRY_BACKOFF_TYPE = 'darkroom-schedule';
/**
 * Delays before the 2nd, 3rd, … attempt of a transient failure: 10 s + 1 m + 3 m + 6 m = 10 min 10 s
 * over the default five attempts, so a storage or database outage of a few minutes costs no job
 * (the old 2 s exponential gave up after 30 s). Attempts past the schedule wait its last delay.
 */
export const DEFAULT_RETRY_SCHEDULE = '10s,1m,3m,6m';

/** The delay before the next attempt, after `attemptsMade` attempts (1 after the first failure). */
export function retryDelayMs(scheduleMs: readonly number[], attemptsMade: number): number {
  if (scheduleMs.length === 0) return 0;
  return scheduleMs[Math.min(Math.max(attemptsMade, 1), scheduleMs.length) - 1]!;
}
