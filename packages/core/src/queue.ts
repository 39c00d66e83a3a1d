/**
 * The queue is transport only: payloads carry ids, handlers load state from Postgres.
 * The braces make the prefix a Redis Cluster hash tag, so all of a queue's keys share a slot.
 */
export const QUEUE_PREFIX = '{darkroom}';
export const ASSET_QUEUE = 'assets';

/** Job names are Entity+Verb. */
export const JobName = {
  AssetProcess: 'AssetProcess',
} as const;
export type JobName = (typeof JobName)[keyof typeof JobName];

export interface AssetProcessPayload {
  /** Row id in the `jobs` table; also the BullMQ job id, which is what dedupes enqueues. */
  jobId: string;
  assetId: string;
}

export const DEFAULT_MAX_ATTEMPTS = 5;
/** First retry delay; BullMQ doubles it for each further attempt. */
export const RETRY_BASE_DELAY_MS = 2000;
