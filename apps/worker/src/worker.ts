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
import { Worker, type Job, type Queue } from 'bullmq';
import {
  announceDeliveryChange,
  createAssetQueue,
  createChunkPartQueue,
  createRedisConnection,
  createWebhookQueue,
  type RedisConnection,
} from '@darkroom/queue';
import type { WorkerDeps } from './deps.js';
import { assetProcess } from './jobs/asset-process.js';
import { chunkRender, landPart, settleFailedPart, type ChunkRenderResult } from './jobs/chunk-render.js';
import { chunkStep } from './jobs/chunk-steps.js';
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
  /** Where long videos' parts are queued (ChunkRender), and this process takes them from. */
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
 * Four BullMQ workers in one process: fresh uploads on the main queue (WORKER_CONCURRENCY slots),
 * preset backfills on their own lane (BACKFILL_CONCURRENCY slots), so however many backfill jobs
 * wait, an upload never queues behind them, long videos' parts on the chunk queue (RENDER_CONCURRENCY
 * slots), and webhook deliveries on theirs (startWebhooks). Every render passes the one render gate
 * (RENDER_CONCURRENCY slots, MAX_INPUT_PIXELS), which is what bounds the cores and memory they use;
 * a part never holds a process's last slot against another render (RenderGate's `part`).
 */
export function startWorker(workerDeps: WorkerDeps): RunningWorker {
  const stopping = new AbortController();
  // BullMQ workers need `maxRetriesPerRequest: null`: blocking commands must wait out Redis restarts.
  const connection = createRedisConnection(workerDeps.config.redis, { maxRetriesPerRequest: null });
  connection.on('error', (err) => workerDeps.log.warn({ err: err.message }, 'redis connection error'));
  const { queuePrefix: prefix } = workerDeps.config;
  const chunkQueue = createChunkPartQueue({ connection, prefix, tenantCap: workerDeps.config.video.chunkTenantParts });
  // Enqueues what the worker itself queues: a backfill's next window, the reconciler's re-queues, chunked renders' steps and retries.
  const producer = createAssetQueue({ redis: workerDeps.config.redis, prefix });
  const announceAsset = (assetId: string) => void announceDeliveryChange(connection, prefix, { asset: assetId });
  const deps: WorkerDeps = { ...workerDeps, stopSignal: stopping.signal, chunkQueue, assetQueue: producer, announceAsset };
  configureSharp({ concurrency: 1, cacheMemoryMb: deps.config.sharpCacheMb });

  const worker = laneWorker<AssetProcessPayload>(deps, connection, {
    queue: ASSET_QUEUE,
    jobName: JobName.AssetProcess,
    concurrency: deps.config.concurrency,
    handle: (job) => (job.data.step ? chunkStep(deps, job) : assetProcess(deps, job)),
  });
  const chunkWorker = startChunkWorker(deps, connection);
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
    chunkQueue: chunkQueue.queue,
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
 * Long videos' parts: as many at once as there are render slots (the render gate bounds them with
 * the rest). Once a part's entry has ended, its tenant's next part is released (`landPart`), and a
 * part that failed for good fails its job's render (`settleFailedPart`); its close waits for those.
 */
function startChunkWorker(deps: WorkerDeps, connection: RedisConnection) {
  const worker = laneWorker<ChunkRenderPayload>(deps, connection, {
    queue: ASSET_CHUNK_QUEUE,
    jobName: JobName.ChunkRender,
    concurrency: deps.config.renderConcurrency,
    handle: (job) => chunkRender(deps, job),
  });
  const settling = new Set<Promise<void>>();
  const settle = (job: Job<ChunkRenderPayload>, work: Promise<void>) => {
    const done: Promise<void> = work
      .catch((err: unknown) => deps.log.warn({ jobId: job.data.jobId, err }, 'could not settle a chunk part; the reconciler will'))
      .finally(() => settling.delete(done));
    settling.add(done);
  };
  worker.on('completed', (job, result: ChunkRenderResult) => settle(job, landPart(deps, job, result)));
  worker.on('failed', (job) => job && settle(job, settleFailedPart(deps, job)));
  return {
    async close() {
      await worker.close();
      await Promise.all(settling);
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
