import type { Server } from 'node:http';
import {
  ASSET_BACKFILL_QUEUE,
  ASSET_CHUNK_QUEUE,
  type ChunkRenderPayload,
  ASSET_QUEUE,
  JobName,
  retryDelayMs,
  WEBHOOK_QUEUE,
  type AssetProcessPayload,
  type WebhookDeliverPayload,
} from '@darkroom/core';
import { Queue, Worker, type Job } from 'bullmq';
import { announceDeliveryChange, createAssetQueue, createRedisConnection, createWebhookQueue, type RedisConnection } from '@darkroom/queue';
import type { WorkerDeps } from './deps.js';
import { assetProcess } from './jobs/asset-process.js';
import { chunkRender } from './jobs/chunk-render.js';
import { configureSharp } from '@darkroom/media';
import { serveMetrics } from './metrics.js';
import { startReconciler } from './sweeps/reconciler.js';
import { startVisibilityMoves } from './visibility-move.js';
import { backfillLaneJob } from './recover/lane.js';
import { webhookDeliver } from './webhooks/deliver.js';
import { startWebhookDispatcher } from './webhooks/dispatcher.js';

export interface RunningWorker {
  worker: Worker<AssetProcessPayload>;
  /** The backfill lane's worker; null when BACKFILL_CONCURRENCY is 0. */
  backfillWorker: Worker<AssetProcessPayload> | null;
  /** The webhook deliveries' worker; null when WEBHOOK_CONCURRENCY is 0. */
  webhookWorker: Worker<WebhookDeliverPayload> | null;
  /** Where long videos' chunks are queued (ChunkRender), and this process takes them from. */
  chunkQueue: Queue<ChunkRenderPayload>;
  /** Stops taking jobs, waits for the ones in hand to finish, closes connections. */
  close(): Promise<void>;
}

interface LaneOptions<T> {
  queue: string;
  jobName: JobName;
  concurrency: number;
  handle: (job: Job<T>) => Promise<unknown>;
}

function laneWorker<T>(deps: WorkerDeps, connection: RedisConnection, lane: LaneOptions<T>): Worker<T> {
  const worker = new Worker<T>(
    lane.queue,
    async (job) => {
      if (job.name !== lane.jobName) throw new Error(`unknown job name ${job.name} on queue ${lane.queue}`);
      return lane.handle(job);
    },
    {
      connection,
      prefix: deps.config.queuePrefix,
      concurrency: lane.concurrency,
      // A worker killed mid-job stops renewing its lock; another takes the job over as stalled.
      lockDuration: deps.config.stalledTimeoutMs,
      stalledInterval: deps.config.stalledTimeoutMs,
      maxStalledCount: 2,
      // Entries name RETRY_BACKOFF_TYPE; this process's JOB_RETRY_SCHEDULE decides the delays.
      settings: { backoffStrategy: (attemptsMade: number) => retryDelayMs(deps.config.retryScheduleMs, attemptsMade) },
    },
  );
  worker.on('error', (err) => deps.log.error({ err: err.message, queue: lane.queue }, 'worker error'));
  worker.on('completed', (job, result) => deps.log.info({ jobId: job.id, result }, `${lane.jobName} completed`));
  return worker;
}

/**
 * Three BullMQ workers in one process: fresh uploads on the main queue (WORKER_CONCURRENCY slots),
 * preset backfills on their own lane (BACKFILL_CONCURRENCY slots), so however many backfill jobs
 * wait, an upload never queues behind them, and webhook deliveries on theirs (startWebhooks). Both
 * asset lanes' renders pass the one render gate (RENDER_CONCURRENCY slots, MAX_INPUT_PIXELS), which
 * is what bounds the cores and memory they use.
 */
export function startWorker(workerDeps: WorkerDeps): RunningWorker {
  const stopping = new AbortController();
  // BullMQ workers need `maxRetriesPerRequest: null`: blocking commands must wait out Redis restarts.
  const connection = createRedisConnection(workerDeps.config.redis, { maxRetriesPerRequest: null });
  connection.on('error', (err) => workerDeps.log.warn({ err: err.message }, 'redis connection error'));
  const chunkQueue = new Queue<ChunkRenderPayload>(ASSET_CHUNK_QUEUE, { connection, prefix: workerDeps.config.queuePrefix });
  chunkQueue.on('error', () => {});
  const announceAsset = (assetId: string) => void announceDeliveryChange(connection, workerDeps.config.queuePrefix, { asset: assetId });
  const deps: WorkerDeps = { ...workerDeps, stopSignal: stopping.signal, chunkQueue, announceAsset };
  configureSharp({ concurrency: 1, cacheMemoryMb: deps.config.sharpCacheMb });

  // Enqueues what the worker itself queues: a backfill's next window, the reconciler's re-queues.
  const producer = createAssetQueue({ redis: deps.config.redis, prefix: deps.config.queuePrefix });
  const worker = laneWorker<AssetProcessPayload>(deps, connection, {
    queue: ASSET_QUEUE,
    jobName: JobName.AssetProcess,
    concurrency: deps.config.concurrency,
    handle: (job) => assetProcess(deps, job),
  });
  // Chunks of long videos: as many at once as there are render slots (the render gate bounds them with the rest).
  const chunkWorker = laneWorker<ChunkRenderPayload>(deps, connection, {
    queue: ASSET_CHUNK_QUEUE,
    jobName: JobName.ChunkRender,
    concurrency: deps.config.renderConcurrency,
    handle: (job) => chunkRender(deps, job),
  });
  const backfillWorker =
    deps.config.backfillConcurrency > 0
      ? laneWorker<AssetProcessPayload>(deps, connection, {
          queue: ASSET_BACKFILL_QUEUE,
          jobName: JobName.AssetBackfill,
          concurrency: deps.config.backfillConcurrency,
          handle: (job) => backfillLaneJob(deps, job, producer),
        })
      : null;

  const interval = deps.config.reconcileIntervalMs;
  const reconciler = interval === null ? null : startReconciler(deps, producer, interval);
  const moves = startVisibilityMoves(deps);
  const webhooks = startWebhooks(deps, connection);
  const metricsServer = startMetricsServer(deps);

  return {
    worker,
    backfillWorker,
    webhookWorker: webhooks.worker,
    chunkQueue,
    async close() {
      // Images in hand finish; a transcode is killed now and its job retried later (see WorkerDeps.stopSignal).
      stopping.abort(new Error('the worker is stopping'));
      await reconciler?.stop();
      await moves?.stop();
      await webhooks.dispatcher?.stop();
      await Promise.all([worker.close(), chunkWorker.close(), backfillWorker?.close(), webhooks.worker?.close()]);
      await Promise.all([producer.close(), chunkQueue.close(), webhooks.queue.close()]);
      connection.disconnect();
      (await metricsServer)?.close();
    },
  };
}

/**
 * Webhook deliveries on their own queue and BullMQ worker (WEBHOOK_CONCURRENCY slots, apart from
 * the render slots), and the dispatcher that turns events into deliveries (WEBHOOK_SWEEP_INTERVAL).
 */
function startWebhooks(deps: WorkerDeps, connection: RedisConnection) {
  const { concurrency, sweepIntervalMs } = deps.config.webhooks;
  const queue = createWebhookQueue({ redis: deps.config.redis, prefix: deps.config.queuePrefix });
  const worker =
    concurrency > 0
      ? laneWorker<WebhookDeliverPayload>(deps, connection, {
          queue: WEBHOOK_QUEUE,
          jobName: JobName.WebhookDeliver,
          concurrency,
          handle: (job) => webhookDeliver(deps, queue, job.data.deliveryId),
        })
      : null;
  const dispatcher = sweepIntervalMs === null ? null : startWebhookDispatcher(deps, queue, sweepIntervalMs);
  return { queue, worker, dispatcher };
}

async function startMetricsServer(deps: WorkerDeps): Promise<Server | null> {
  const { host, port } = deps.config.metrics;
  if (port === null) return null;
  const server = await serveMetrics(deps.metrics.registry, host, port).catch((err: Error) => {
    deps.log.error({ err: err.message, host, port }, 'could not serve metrics');
    return null;
  });
  if (server) deps.log.info({ host, port }, 'metrics served at /metrics');
  return server;
}
