import { createAssetQueue, type AssetQueue } from './asset-queue.js';
import { createChunkPartQueue, type ChunkPartQueue } from './chunk-queue.js';
import { createImportQueue, type ImportQueue } from './import-queue.js';
import { announceDeliveryChange } from './delivery-changes.js';
import { createRedisConnection, type RedisConnection, type RedisSettings } from './redis.js';
import { createWebhookQueue, type WebhookQueue } from './webhook-queue.js';

export interface WorkerQueueOptions {
  redis: RedisSettings;
  prefix: string;
  /** A tenant's chunk parts queued or rendering at once, across the fleet (VIDEO_CHUNK_TENANT_PARTS). */
  chunkTenantParts: number;
}

/**
 * Every queue a worker process takes from and adds to, and the connection its BullMQ Workers block
 * on. That connection waits out a Redis restart (`maxRetriesPerRequest: null`, as BullMQ's Workers
 * need), and so do the long videos' lines that share it; the asset and webhook queues fail fast
 * instead, as the API's do (Postgres holds the truth, and the reconciler re-queues what they missed).
 */
export interface WorkerQueues {
  /** For BullMQ's Workers, and the chunk lines'. */
  readonly connection: RedisConnection;
  /** Adds what the worker itself queues: a backfill's next window, the reconciler's re-queues, chunked renders' steps and retries. */
  readonly assets: AssetQueue;
  /** Long videos' parts (ChunkRender), in their tenants' lines. */
  readonly chunks: ChunkPartQueue;
  /** Webhook deliveries: the dispatcher's and a delivery's retries. */
  readonly webhooks: WebhookQueue;
  /** Imports' slices: a slice's next, and the reconciler's re-queues. */
  readonly imports: ImportQueue;
  /** Tells the delivery processes that an asset changed; sent and not waited for. */
  announceAsset(assetId: string): void;
  /** Closes the queues, then the connection: after the Workers on it have closed. */
  close(): Promise<void>;
}

export function createWorkerQueues(options: WorkerQueueOptions): WorkerQueues {
  const { redis, prefix } = options;
  const connection = createRedisConnection(redis, { maxRetriesPerRequest: null });
  const chunks = createChunkPartQueue({ connection, prefix, tenantCap: options.chunkTenantParts });
  const assets = createAssetQueue({ redis, prefix });
  const webhooks = createWebhookQueue({ redis, prefix });
  const imports = createImportQueue({ redis, prefix });
  return {
    connection,
    assets,
    chunks,
    webhooks,
    imports,
    announceAsset: (assetId) => void announceDeliveryChange(connection, prefix, { asset: assetId }),
    async close() {
      await Promise.all([assets.close(), chunks.close(), webhooks.close(), imports.close()]);
      connection.disconnect();
    },
  };
}
