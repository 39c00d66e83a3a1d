/**
 * What the import bench's parts share (bench/import.ts): a worker as the importing process, a source
 * bucket of the second S3 user's, an import started and waited for, and the S3 server's space given
 * back after a part deletes what it wrote.
 */
import { type ChildProcess, execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { FINISHED_IMPORT_STATUSES } from '@darkroom/core/contract/import';
import { assets } from '@darkroom/db/schema';
import type { Database } from '@darkroom/db/client';
import { createAssetQueue, createImportQueue } from '@darkroom/queue';
import { and, count, eq } from 'drizzle-orm';
import { createSourceBucket, radosgwAdmin, s3ServerDir, type SourceBucket } from '../scripts/source-bucket.js';
import type { TestApi } from '../test/support/client.js';
import { benchEnv, stop } from './support.js';
import { type Rig, spawnRigWorker, startRig } from './worker-rig.js';

/** Files of one import in flight, and the bare loops' concurrency beside it (the issue's, and the API's default). */
export const IMPORT_CONCURRENCY = 8;

/** A worker that runs imports, as a deployment's do; private addresses allowed for the bench's own servers. */
export const IMPORTING_ENV = { IMPORT_SLOTS: '4', IMPORT_ALLOW_PRIVATE: 'true', IMPORT_CONCURRENCY: String(IMPORT_CONCURRENCY) };

export interface ImportRig extends Rig {
  /** The worker process that runs the imports (its RSS is the importing process's). */
  importer: ChildProcess;
}

/**
 * The built API and `workers` workers that run imports and render (the first of them the importer);
 * none: one worker runs the imports and renders none of their files (their renders are on the
 * backfill lane, BACKFILL_CONCURRENCY=0), so processing is left out of what is timed.
 */
export async function startImportRig(workers: number): Promise<ImportRig> {
  if (workers > 0) {
    const rig = await startRig(workers, IMPORTING_ENV);
    return { ...rig, importer: rig.workers[0]! };
  }
  const rig = await startRig(0);
  const importer = spawnRigWorker({ ...IMPORTING_ENV, BACKFILL_CONCURRENCY: '0' });
  return {
    ...rig,
    importer,
    async close() {
      await stop(importer);
      await rig.close();
    },
  };
}

/** A bucket of the second S3 user's holding `photos` small JPEGs, which the deployment's user may read. */
export async function readableSourceBucket(photos: number): Promise<SourceBucket> {
  const server = { endpoint: benchEnv.S3_ENDPOINT!, region: benchEnv.S3_REGION!, deploymentAccessKeyId: benchEnv.S3_ACCESS_KEY_ID! };
  const source = await createSourceBucket(server, { photos });
  await source.allowDeploymentReads(true);
  return source;
}

/** `POST /v1/imports` of every photo in `source` (no endpoint: the deployment's own S3 server, where it copies). */
export const bucketImportBody = (source: SourceBucket) => ({
  source: {
    type: 'bucket',
    region: benchEnv.S3_REGION,
    bucket: source.name,
    prefix: `${source.prefix}photos/`,
    // Named one by one: the SDK's client marks the credentials object it was given with fields of its own.
    accessKeyId: source.credentials.accessKeyId,
    secretAccessKey: source.credentials.secretAccessKey,
  },
});

/** Starts an import as the tenant; its id. */
export async function startImport(tenant: TestApi, body: unknown): Promise<string> {
  const res = await tenant.raw('POST', '/v1/imports', body);
  if (res.status !== 202) throw new Error(`POST /v1/imports: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.import.id;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The import once it has ended; an end other than `done` with every file imported is an error. */
export async function waitForImport(tenant: TestApi, id: string, files: number, pollMs = 250): Promise<void> {
  for (;;) {
    const { body } = await tenant.raw('GET', `/v1/imports/${id}`);
    const { status, counts } = body.import;
    if (status === 'done' && counts.imported === files) return;
    if ((FINISHED_IMPORT_STATUSES as readonly string[]).includes(status))
      throw new Error(`import ${id} ended ${status}: ${JSON.stringify(body.import)}`);
    await sleep(pollMs);
  }
}

/** How many of the tenant's assets are `queued`. */
export async function queuedAssets(db: Database, tenantId: string): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(assets)
    .where(and(eq(assets.tenantId, tenantId), eq(assets.status, 'queued')));
  return row!.n;
}

/**
 * An import from its POST until `files` of the tenant's assets are `queued` (read every `pollMs`,
 * which bounds the error on the time), then until it ends `done`: the time to the last `queued`, in ms.
 */
export async function timeImport(rig: Rig, tenant: TestApi, tenantId: string, body: unknown, files: number, pollMs = 100): Promise<number> {
  const before = await queuedAssets(rig.db, tenantId);
  const started = performance.now();
  const id = await startImport(tenant, body);
  while ((await queuedAssets(rig.db, tenantId)) < before + files) await sleep(pollMs);
  const ms = performance.now() - started;
  await waitForImport(tenant, id, files);
  return ms;
}

/**
 * Empties the bench's queues: with no worker running, the jobs of the assets an import queued stay
 * there, and the next part's worker would take them up (their rows truncated) before its own.
 */
export async function emptyQueues(): Promise<void> {
  const redis = { url: benchEnv.REDIS_URL!, clusterNodes: null };
  const queue = createAssetQueue({ redis, prefix: benchEnv.QUEUE_PREFIX });
  const imports = createImportQueue({ redis, prefix: benchEnv.QUEUE_PREFIX });
  try {
    for (const lane of Object.values(queue.queues)) await lane.obliterate({ force: true });
    await imports.queue.obliterate({ force: true });
  } finally {
    await queue.close();
    await imports.close();
  }
}

/**
 * Gives back the space of objects deleted so far: the gateway frees a deleted object's data only
 * after its garbage collection's wait (`rgw_gc_obj_min_wait`, hours by Ceph's default), and the
 * in-memory store is small and shared by whatever else runs. `--include-all` collects them now.
 */
export async function collectDeletedObjects(): Promise<void> {
  await radosgwAdmin(['gc', 'process', '--include-all']);
}

/** The S3 server's store: the bytes it holds (deleted data not yet collected included) and its size, by its OSD's own count; null where it cannot be read. */
export async function storeUse(): Promise<{ used: number; size: number } | null> {
  const socket = `${s3ServerDir()}/osd.0.asok`;
  try {
    const { stdout } = await promisify(execFile)('ceph', ['--admin-daemon', socket, 'perf', 'dump']);
    const { osd } = JSON.parse(stdout) as { osd: { stat_bytes_used: number; stat_bytes: number } };
    return { used: osd.stat_bytes_used, size: osd.stat_bytes };
  } catch {
    return null;
  }
}

/** The most of the S3 server's store the bench fills, others' data included: a little short of Ceph's `nearfull` ratio. */
const STORE_SHARE_LIMIT = 0.8;

/**
 * Refuses to write `bytes` more into a store that would then be more than STORE_SHARE_LIMIT full:
 * the S3 server is shared with whatever else runs, writes hang once its OSD is full, and the next
 * `scripts/s3-server.sh start` makes a nearly full in-memory cluster anew, everyone's buckets gone.
 */
export async function ensureStoreRoom(bytes: number): Promise<void> {
  const use = await storeUse();
  if (use === null || use.used + bytes <= use.size * STORE_SHARE_LIMIT) return;
  const mib = (n: number) => `${Math.round(n / 2 ** 20)} MiB`;
  throw new Error(
    `the S3 store holds ${mib(use.used)} of ${mib(use.size)}: ${mib(bytes)} more would pass ${STORE_SHARE_LIMIT * 100} % (BENCH_IMPORT_URL_FILES, BENCH_IMPORT_URL_MB make a pass smaller)`,
  );
}
