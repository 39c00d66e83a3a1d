import { createSecretBox, type SecretBox } from '@darkroom/core/webhooks';
import { maskPrivateLinks } from '@darkroom/core/mask-private-links';
import type { PublicUrl } from '@darkroom/core/contract/asset';
import { createDatabase, type Database } from '@darkroom/db/client';
import { createRenderGate, type RenderGate } from '@darkroom/media';
import type { ImportSlices, SliceOptions } from '@darkroom/intake/imports';
import type { AssetQueue, ChunkPartQueue, ImportQueue } from '@darkroom/queue';
import { createPublicUrlBuilder, createS3Storage, type ObjectStorage } from '@darkroom/storage';
import { pino, type Logger } from 'pino';
import type { WorkerConfig } from './config.js';
import { createWorkerMetrics, type WorkerMetrics } from './metrics.js';
import type { Scanners } from './moderation/stream-scanner.js';
import { createClamdScanner } from '@darkroom/moderation';
import { createMetering, type UsageCounters } from '@darkroom/usage';

export interface WorkerDeps {
  config: WorkerConfig;
  db: Database;
  storage: ObjectStorage;
  /** This process's usage counters (bucket requests, presigned URLs, …): flushed every USAGE_FLUSH_SECONDS, stopped by `close`. */
  usage: UsageCounters;
  /** Variant URLs as GET shows them, for the assets that webhooks carry. */
  publicUrl: PublicUrl;
  /** Opens the webhook signing secrets sealed in Postgres (WEBHOOK_SECRET_KEY). */
  secretBox: SecretBox;
  log: Logger;
  metrics: WorkerMetrics;
  /** Renders at once in this process (RENDER_CONCURRENCY) and their source pixels (MAX_INPUT_PIXELS). */
  renderGate: RenderGate;
  /**
   * Aborted when the running worker stops (startWorker's close): ffmpeg children are killed then,
   * instead of holding a shutdown for a whole transcode, and their jobs retry by the usual rules.
   */
  stopSignal: AbortSignal;
  /** Where a long video's parts wait their turn and are queued (startWorker's); absent, every ladder renders in one process. */
  chunkQueue?: ChunkPartQueue | undefined;
  /** The asset jobs' queues (startWorker's): a chunked render's steps, and a job's retry after its parts failed. */
  assetQueue?: AssetQueue | undefined;
  /**
   * Tells the delivery processes that an asset turned playable or ready (startWorker's), so none
   * answers it from a lookup cached while it was not: sent and not waited for (without Redis the
   * lookups' life bounds the delay, as for every change).
   */
  announceAsset?: ((assetId: string) => void) | undefined;
  /** This process's imports (startWorker's, with IMPORT_SLOTS): each ImportSlice entry runs one slice of its import. */
  importSlices?: ImportSlices | undefined;
  /** Where an import's next slice is queued (startWorker's). */
  importQueue?: ImportQueue | undefined;
  /** Keeps this process's imports to some tenants' (tests that share one database): its slices, sweeps and reconciler. */
  importScope?: SliceOptions | undefined;
  /** The malware scanner (CLAMD_*), when this worker has one; the classifier loads on first use. */
  scanners?: Scanners | undefined;
  close(): Promise<void>;
}

export function createWorkerDeps(config: WorkerConfig, log?: Logger): WorkerDeps {
  const connections = (config.concurrency + config.backfillConcurrency) * 2 + Math.min(config.webhooks.concurrency, 8);
  const database = createDatabase({ url: config.databaseUrl, maxConnections: Math.max(4, connections) });
  const logger = log ?? pino({ level: config.logLevel, base: { app: 'worker' }, hooks: { streamWrite: maskPrivateLinks } });
  const metering = createMetering({ databaseUrl: config.databaseUrl, config: config.usage, processName: 'worker', log: logger });
  return {
    config,
    db: database.db,
    storage: createS3Storage(config.storage, { observer: metering.observer }),
    usage: metering.counters,
    publicUrl: createPublicUrlBuilder(config.storage),
    secretBox: createSecretBox(config.webhooks.secretKey),
    // As the API's and delivery's: a private link in any line (an error naming a URL) is masked.
    log: logger,
    metrics: createWorkerMetrics(),
    renderGate: createRenderGate({ maxPixels: config.maxInputPixels, slots: config.renderConcurrency }),
    stopSignal: new AbortController().signal,
    scanners: { clamd: config.clamd ? createClamdScanner(config.clamd) : null },
    async close() {
      await metering.stop();
      await database.close();
    },
  };
}
