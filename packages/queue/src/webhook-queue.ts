import { JobName, QUEUE_PREFIX, WEBHOOK_QUEUE, type WebhookDeliverPayload } from '@darkroom/core/queue';
import { Queue, type JobsOptions } from 'bullmq';
import { createRedisConnection, type RedisSettings } from './redis.js';

/** One attempt of a delivery to put on the queue. */
export interface DeliveryEntry {
  deliveryId: string;
  /** The attempt's number (1 for the first): with the delivery id, the entry's id. */
  attempt: number;
  /** Wait this long before running it (a retry's backoff); 0 or absent: now. */
  delayMs?: number;
}

export interface WebhookQueue {
  /**
   * Adds entries, deduped by delivery and attempt: adding one that is already waiting, delayed or
   * running is a no-op, so the sweep may re-add whatever it suspects lost.
   */
  enqueue(entries: readonly DeliveryEntry[]): Promise<void>;
  /** Entries per state (waiting, delayed, active): the webhook queue's depth. */
  counts(): Promise<Record<'waiting' | 'delayed' | 'active', number>>;
  readonly queue: Queue<WebhookDeliverPayload>;
  close(): Promise<void>;
}

/** BullMQ ids may not hold `:`; a dot joins the delivery id and the attempt number. */
export const deliveryEntryId = (entry: Pick<DeliveryEntry, 'deliveryId' | 'attempt'>): string => `${entry.deliveryId}.${entry.attempt}`;

export function createWebhookQueue(options: { redis: RedisSettings; prefix?: string }): WebhookQueue {
  // Like the asset queue: fail fast while Redis is away; Postgres holds every delivery, and the
  // worker's sweep enqueues whatever is due and was never queued.
  const connection = createRedisConnection(options.redis, { enableOfflineQueue: false, maxRetriesPerRequest: 1, connectTimeout: 2000 });
  connection.on('error', () => {});
  const queue = new Queue<WebhookDeliverPayload>(WEBHOOK_QUEUE, { connection, prefix: options.prefix ?? QUEUE_PREFIX });
  queue.on('error', () => {});

  const opts = (entry: DeliveryEntry): JobsOptions => ({
    jobId: deliveryEntryId(entry),
    delay: Math.max(0, entry.delayMs ?? 0),
    // The handler records every failure of the receiver itself; a throw is Darkroom's own trouble
    // (Postgres away), worth a few quick tries before the sweep takes over.
    attempts: 3,
    backoff: { type: 'exponential', delay: 1000 },
    // Finished entries go at once, so the same id can be added again if the sweep must.
    removeOnComplete: true,
    removeOnFail: true,
  });

  return {
    queue,
    async enqueue(entries) {
      if (entries.length === 0) return;
      await queue.addBulk(entries.map((entry) => ({ name: JobName.WebhookDeliver, data: { deliveryId: entry.deliveryId }, opts: opts(entry) })));
    },
    async counts() {
      const { waiting = 0, delayed = 0, active = 0, prioritized = 0 } = await queue.getJobCounts('waiting', 'delayed', 'active', 'prioritized');
      return { waiting: waiting + prioritized, delayed, active };
    },
    async close() {
      await queue.close();
      connection.disconnect();
    },
  };
}
