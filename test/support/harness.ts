import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { buildApp } from '../../apps/api/src/app.js';
import { loadApiConfig } from '../../apps/api/src/config.js';
import { createDeps, type AppDeps } from '../../apps/api/src/deps.js';
import { loadWorkerConfig } from '../../apps/worker/src/config.js';
import { createWorkerDeps, type WorkerDeps } from '../../apps/worker/src/deps.js';
import { startWorker, type RunningWorker } from '../../apps/worker/src/worker.js';
import { JobName } from '@darkroom/core/queue';
import { createWorkerQueues } from '@darkroom/queue';
import { startImports } from '../../apps/worker/src/imports/imports.js';
import { JOBS } from '../../apps/worker/src/jobs/registry.js';
import { startLanes } from '../../apps/worker/src/lanes.js';
import { variantPrefix } from '@darkroom/core/keys';
import { pino } from 'pino';

export interface Harness {
  baseUrl: string;
  /** The API itself (its route table, `inject`). */
  app: Awaited<ReturnType<typeof buildApp>>;
  adminToken: string;
  api: AppDeps;
  workerDeps: WorkerDeps;
  worker: RunningWorker | null;
  /** The queue prefix of this harness, unique per test file so files never share jobs. */
  prefix: string;
  startWorker(): RunningWorker;
  /** Runs imports in this process (a worker's import lane alone), of these tenants only: test files share one database. */
  runImportsOf(tenantId: string): ImportLane;
  /** How many variant objects of the asset are in the public bucket. */
  countVariantObjects(tenantId: string, assetId: string): Promise<number>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  env?: Record<string, string>;
  /** Start without a worker (tests that look at queued state, or start it later). */
  withWorker?: boolean;
  /** Gathers every line the API, its import runner and the worker log, at every level (tests of what a log may carry). */
  logLines?: string[];
  /** How long a slice of `runImportsOf`'s lane keeps its slot while another import waits (IMPORT_TURN_MS unless given). */
  importTurnMs?: number;
}

export interface ImportLane {
  close(): Promise<void>;
}

/** Import slots of the harness's import lane (IMPORT_SLOTS unless the harness's env gives more). */
const IMPORT_LANE_SLOTS = 4;

/**
 * A worker's import lane alone (the ImportSlice row of its job table), scoped to the harness's
 * tenants: the worker's other lanes, when the harness runs them, run no imports (IMPORT_SLOTS=0).
 */
export function startImportLane(workerDeps: WorkerDeps): ImportLane {
  const { config } = workerDeps;
  const slots = Math.max(config.imports.slots, IMPORT_LANE_SLOTS);
  const queues = createWorkerQueues({ redis: config.redis, prefix: config.queuePrefix, chunkTenantParts: config.video.chunkTenantParts });
  const imports = startImports(workerDeps, queues.assets, workerDeps.importScope);
  const deps: WorkerDeps = {
    ...workerDeps,
    config: { ...config, imports: { ...config.imports, slots } },
    importSlices: imports.slices,
    importQueue: queues.imports,
  };
  const lanes = startLanes(
    deps,
    queues,
    JOBS.filter((row) => row.name === JobName.ImportSlice),
  );
  return {
    async close() {
      await imports.close();
      await lanes.close();
      await queues.close();
    },
  };
}

/** The real API on a loopback port and a real worker, both against the real Postgres, Redis and S3. */
export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const prefix = `{darkroom-test-${randomUUID().slice(0, 8)}}`;
  const env: Record<string, string | undefined> = { ...process.env, QUEUE_PREFIX: prefix, ...options.env };
  const { logLines } = options;
  const logger = () =>
    logLines
      ? pino({ level: 'trace' }, { write: (line: string) => void logLines.push(line) })
      : pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
  const apiLog = logLines ? logger() : undefined;
  const api = createDeps(loadApiConfig(env), apiLog);
  const app = await buildApp({ deps: api, ...(apiLog ? { logger: apiLog } : {}) });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as AddressInfo;
  const workerDeps = createWorkerDeps(loadWorkerConfig(env), logger());
  const importTenants = new Set<string>();
  workerDeps.importScope = { tenantIds: () => [...importTenants], turnMs: options.importTurnMs };
  let importLane: ImportLane | undefined;
  const harness: Harness = {
    baseUrl: `http://127.0.0.1:${port}`,
    app,
    adminToken: env.ADMIN_TOKEN!,
    api,
    workerDeps,
    worker: null,
    prefix,
    startWorker() {
      harness.worker ??= startWorker(workerDeps);
      return harness.worker;
    },
    runImportsOf(tenantId) {
      importTenants.add(tenantId);
      importLane ??= startImportLane(workerDeps);
      return importLane;
    },
    async countVariantObjects(tenantId, assetId) {
      let count = 0;
      const listing = api.storage.listObjects({ bucket: api.config.storage.publicBucket, prefix: variantPrefix(tenantId, assetId) });
      for await (const _ of listing) count++;
      return count;
    },
    async close() {
      await importLane?.close();
      await harness.worker?.chunkQueue.obliterate({ force: true }).catch(() => {});
      await harness.worker?.close();
      await app.close();
      for (const queue of [...Object.values(api.queue.queues), api.importQueue.queue]) await queue.obliterate({ force: true }).catch(() => {});
      await api.close();
      await workerDeps.close();
    },
  };
  if (options.withWorker !== false) harness.startWorker();
  return harness;
}

export interface SecondApi {
  deps: AppDeps;
  baseUrl: string;
  /** Fastify's `inject` on this process (tests that need to set the client's address). */
  app: Awaited<ReturnType<typeof buildApp>>;
  close(): Promise<void>;
}

/** Another API process of the harness's deployment (same Postgres, Redis and queue prefix) on its own port. */
async function waitForReady(baseUrl: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while ((await fetch(`${baseUrl}/readyz`).catch(() => null))?.status !== 200) {
    if (Date.now() > deadline) throw new Error(`${baseUrl} was not ready within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export async function startSecondApi(harness: Harness, env: Record<string, string> = {}): Promise<SecondApi> {
  const deps = createDeps(loadApiConfig({ ...process.env, ...env, QUEUE_PREFIX: harness.prefix }));
  const app = await buildApp({ deps });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const baseUrl = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  // Ready, not just listening: until its Redis connection is up, what it counts there (login
  // attempts, rate limits) goes uncounted, and a test of those limits would race its start.
  await waitForReady(baseUrl);
  return {
    deps,
    app,
    baseUrl,
    async close() {
      await app.close();
      await deps.close();
    },
  };
}
