import { ASSET_QUEUE, JobName, type AssetProcessPayload } from '@darkroom/core';
import { Worker } from 'bullmq';
import { createAssetQueue } from '@darkroom/queue';
import { Redis } from 'ioredis';
import type { WorkerDeps } from './deps.js';
import { assetProcess } from './handlers/asset-process.js';
import { configureSharp } from './media/index.js';
import { startReconciler } from './reconciler.js';

export interface RunningWorker {
  worker: Worker<AssetProcessPayload>;
  /** Stops taking jobs, waits for the ones in hand to finish, closes connections. */
  close(): Promise<void>;
}

export function startWorker(deps: WorkerDeps): RunningWorker {
  configureSharp({ concurrency: 1, cacheMemoryMb: deps.config.sharpCacheMb });
  // BullMQ workers need `maxRetriesPerRequest: null`: blocking commands must wait out Redis restarts.
  const connection = new Redis(deps.config.redisUrl, { maxRetriesPerRequest: null });
  connection.on('error', (err) => deps.log.warn({ err: err.message }, 'redis connection error'));

  const worker = new Worker<AssetProcessPayload>(
    ASSET_QUEUE,
    async (job) => {
      if (job.name !== JobName.AssetProcess) throw new Error(`unknown job name ${job.name}`);
      return assetProcess(deps, job);
    },
    {
      connection,
      prefix: deps.config.queuePrefix,
      concurrency: deps.config.concurrency,
      // A worker killed mid-job stops renewing its lock; another takes the job over as stalled.
      lockDuration: deps.config.stalledTimeoutMs,
      stalledInterval: deps.config.stalledTimeoutMs,
      maxStalledCount: 2,
    },
  );
  worker.on('error', (err) => deps.log.error({ err: err.message }, 'worker error'));
  worker.on('completed', (job, result) => deps.log.info({ jobId: job.id, result }, 'AssetProcess completed'));

  const producer = createAssetQueue({ redisUrl: deps.config.redisUrl, prefix: deps.config.queuePrefix });
  const interval = deps.config.reconcileIntervalMs;
  const reconciler = interval === null ? null : startReconciler(deps, producer, interval);

  return {
    worker,
    async close() {
      await reconciler?.stop();
      await worker.close();
      await producer.close();
      connection.disconnect();
    },
  };
}
