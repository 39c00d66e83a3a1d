import type { Server } from 'node:http';
import { JobName, type ChunkRenderPayload } from '@darkroom/core/queue';
import { openTempRoot } from '@darkroom/core/temp-root';
import { configureSharp } from '@darkroom/media';
import { createWorkerQueues } from '@darkroom/queue';
import type { Queue, Worker } from 'bullmq';
import type { WorkerDeps } from './deps.js';
import { checkJobTable, JOBS } from './jobs/registry.js';
import { startImports } from './imports/imports.js';
import { startLanes } from './lanes.js';
import { serveMetrics } from './metrics.js';
import { startReconciler } from './sweeps/reconciler.js';
import { startVisibilityMoves } from './visibility-move.js';
import { startQuarantine } from './sweeps/quarantine.js';
import { startUsageRollup } from './sweeps/usage-rollup.js';
import { startQuotaSweep } from './sweeps/quota-holds.js';
import { startUsageCheck } from './sweeps/usage-check.js';
import { startScannerReports } from './moderation/scanner-report.js';
import { startWebhookDispatcher } from './webhooks/dispatcher.js';

export interface RunningWorker {
  /** The fresh uploads' lane (AssetProcess). */
  worker: Worker;
  /** Every lane's BullMQ Worker, by job name (jobs/registry.ts): none for a job given no slots here. */
  lanes: ReadonlyMap<string, Worker>;
  /** Where long videos' parts are queued (ChunkRender), and this process takes them from. */
  chunkQueue: Queue<ChunkRenderPayload>;
  /** Stops taking jobs, waits for the ones in hand to finish, closes connections. */
  close(): Promise<void>;
}

/**
 * The worker process: a lane for each row of the job table (jobs/registry.ts) on the queues
 * packages/queue makes, the reconciler, the visibility moves, the webhook dispatcher that turns
 * events into deliveries (WEBHOOK_SWEEP_INTERVAL), the usage rollup (USAGE_ROLLUP_SECONDS), the
 * quota holds' expiry (every minute), and the metrics server; its jobs' temp files in a directory of
 * its own, and those of processes gone from TMP_DIR removed (core's temp-root.ts).
 */
export function startWorker(workerDeps: WorkerDeps): RunningWorker {
  checkJobTable(JOBS);
  const stopping = new AbortController();
  const tempRoot = openTempRoot(workerDeps.config.tmpDir, 'worker', workerDeps.log);
  const config = { ...workerDeps.config, tmpDir: tempRoot.dir };
  const queues = createWorkerQueues({ redis: config.redis, prefix: config.queuePrefix, chunkTenantParts: config.video.chunkTenantParts });
  queues.connection.on('error', (err) => workerDeps.log.warn({ err: err.message }, 'redis connection error'));
  const deps: WorkerDeps = {
    ...workerDeps,
    config,
    stopSignal: stopping.signal,
    chunkQueue: queues.chunks,
    assetQueue: queues.assets,
    announceAsset: queues.announceAsset,
    importQueue: queues.imports,
  };
  const imports = config.imports.slots > 0 ? startImports(deps, queues.assets, workerDeps.importScope) : null;
  deps.importSlices = imports?.slices;
  configureSharp({ concurrency: 1, cacheMemoryMb: deps.config.sharpCacheMb });

  const lanes = startLanes(deps, queues, JOBS);
  const interval = deps.config.reconcileIntervalMs;
  const reconciler = interval === null ? null : startReconciler(deps, queues, interval);
  const moves = startVisibilityMoves(deps);
  const quarantine = startQuarantine(deps);
  const usageRollup = startUsageRollup(deps);
  const quotaSweep = startQuotaSweep(deps);
  const scannerReports = startScannerReports(deps, queues.connection);
  // The first worker to set the day's key runs the check; the key outlives the hour.
  const usageCheck = startUsageCheck(
    deps,
    async (day) => (await queues.connection.set(`${config.queuePrefix}:usage-check:${day}`, '1', 'EX', 2 * 86_400, 'NX')) === 'OK',
  );
  const { sweepIntervalMs } = deps.config.webhooks;
  const dispatcher = sweepIntervalMs === null ? null : startWebhookDispatcher(deps, queues.webhooks, sweepIntervalMs);
  const metricsServer = startMetricsServer(deps);

  return {
    worker: lanes.workers.get(JobName.AssetProcess)!,
    lanes: lanes.workers,
    chunkQueue: queues.chunks.queue,
    async close() {
      // Images in hand finish; a transcode is killed now and its job retried later (see WorkerDeps.stopSignal).
      stopping.abort(new Error('the worker is stopping'));
      await reconciler?.stop();
      await moves?.stop();
      await quarantine?.stop();
      await usageRollup?.stop();
      await quotaSweep.stop();
      await usageCheck?.stop();
      await scannerReports.stop();
      await dispatcher?.stop();
      await imports?.close();
      await lanes.close();
      await queues.close();
      await tempRoot.remove();
      (await metricsServer)?.close();
    },
  };
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
