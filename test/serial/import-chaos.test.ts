import { migrateDatabase } from '@darkroom/db/migrate';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestTenant, noisePng, type TestTenant } from '../support/fixtures.js';
import { startGatedFiles, type GatedFiles } from '../support/gated-files.js';
import { assetStatusCounts, expectEachImportedOnce, importItemRows, importRow } from '../support/import-rows.js';
import { waitForImport } from '../support/imports.js';
import { spawnApi, spawnWorker, startServices, stopRedis, stopS3Gateway, waitFor, type ApiProcess, type WorkerProcess } from '../support/services.js';
import { createSourceBucket, tinyJpegs, type SourceBucket } from '../support/source-bucket.js';
import { setupHarness } from '../support/setup-harness.js';

// A database of this file's own: a worker with IMPORT_SLOTS takes up any import its reconciler finds,
// and any job, so in the shared test database it would take other files'.
const DATABASE_URL = `${process.env.DATABASE_URL}_import_chaos`;
/** Files an import brings: enough that it is well under way, and far from done, when it is struck. */
const FILES = 240;
/** Imported before the strike. */
const STRIKE_AT = 60;

const harness = setupHarness(async () => {
  await migrateDatabase(DATABASE_URL);
  return { withWorker: false, env: { DATABASE_URL } };
});
let files: GatedFiles;
let photos: Buffer[];
const apis: ApiProcess[] = [];
const workers: WorkerProcess[] = [];
const sourceBuckets: SourceBucket[] = [];

const processEnv = () => ({ DATABASE_URL, QUEUE_PREFIX: harness.prefix });

/** The API process the imports are started at. */
async function startApi(): Promise<ApiProcess> {
  const api = await spawnApi(processEnv());
  apis.push(api);
  return api;
}

/** A worker that runs imports, whose stalled entries are taken over soon, and whose reconciler queues what Redis lost. */
function startWorker(): WorkerProcess {
  const env = { STALLED_TIMEOUT: '2s', RECONCILE_INTERVAL: '1s', BACKFILL_CONCURRENCY: '4', IMPORT_SLOTS: '4', IMPORT_ALLOW_PRIVATE: 'true' };
  const worker = spawnWorker({ ...processEnv(), ...env });
  workers.push(worker);
  return worker;
}

async function killed(process: WorkerProcess): Promise<void> {
  process.child.kill('SIGKILL');
  expect(await process.exited).toBe('SIGKILL');
}

beforeAll(async () => {
  files = await startGatedFiles();
  photos = await tinyJpegs(FILES);
  await startApi();
  startWorker();
  startWorker();
}, 120_000);
afterAll(async () => {
  // Whatever a failed test left stopped.
  await startServices();
  const running = [...apis, ...workers].filter((p) => p.child.exitCode === null && !p.child.killed);
  for (const p of running) p.child.kill('SIGTERM');
  await Promise.all(running.map((p) => p.exited));
  await files?.stop();
  for (const bucket of sourceBuckets) await bucket.remove();
}, 120_000);

interface Started {
  tenant: TestTenant;
  id: string;
  sources: string[];
}

/** An import of FILES photos (or `bodies`) by URL from the gated server, for a tenant of its own. */
async function urlImport(name: string, bodies = photos): Promise<Started> {
  const tenant = await createTestTenant(harness, name);
  const urls = files.add(name, bodies);
  const started = await tenant.client.raw('POST', '/v1/imports', { source: { type: 'urls', items: urls.map((url) => ({ url })) } });
  expect(started.status, JSON.stringify(started.body)).toBe(202);
  return { tenant, id: started.body.import.id, sources: urls };
}

/** Waits until the import has imported at least `count` files; returns how many it had. */
async function importedAtLeast(id: string, count: number, timeoutMs = 60_000): Promise<number> {
  const row = await waitFor(
    `import ${id} to import ${count} files`,
    async () => {
      const now = await importRow(harness.api.db, id);
      return now.imported >= count && now;
    },
    timeoutMs,
    50,
  );
  return row.imported;
}

/** Holds the files the import is fetching at the gate: the strike finds them mid-transfer. */
async function holdMidway(id: string): Promise<number> {
  const before = await importedAtLeast(id, STRIKE_AT);
  files.hold();
  await waitFor('files held mid-transfer', async () => files.held() > 0, 30_000, 20);
  expect(before).toBeLessThan(FILES - 20);
  return before;
}

/** The import ended done with every file imported once, none missing, and every asset ready, each with one job. */
async function expectWhole({ tenant, id, sources }: Started): Promise<void> {
  const done = await waitForImport(tenant.client, id, undefined, 150_000);
  const failed = (await tenant.client.raw('GET', `/v1/imports/${id}/items?status=failed&limit=100`)).body.items;
  expect(done, `failed: ${JSON.stringify(failed.map((i: any) => i.error))}`).toMatchObject({
    status: 'done',
    counts: { found: sources.length, imported: sources.length, skipped: 0, failed: 0 },
  });
  await expectEachImportedOnce(harness.api.db, { tenantId: tenant.tenantId, importIds: [id], sources });
  const counts = await waitFor(
    'every imported asset to be ready',
    async () => {
      const now = await assetStatusCounts(harness.api.db, tenant.tenantId);
      return now.ready === sources.length && now;
    },
    120_000,
    250,
  );
  // An item tried again may leave the asset it gave up on canceled, never a second standing one.
  expect(Object.keys(counts).filter((status) => status !== 'ready' && status !== 'canceled')).toEqual([]);
}

const timed = async <T>(work: () => Promise<T>): Promise<[T, number]> => {
  const started = Date.now();
  return [await work(), Date.now() - started];
};

/** This file's worker whose slice holds the import's lease now, and that lease's owner. */
async function runnerOf(importId: string) {
  const owner = (await importRow(harness.api.db, importId)).lease_owner!;
  const worker = workers.find((candidate) => owner.split(':')[1] === String(candidate.child.pid))!;
  expect(worker, `the runner ${owner} is one of this file's workers`).toBeDefined();
  return { owner, worker };
}

/** Waits until another worker than `gone` holds the import's lease; the ms it took. */
async function takenUpAfter(importId: string, owner: string, gone: WorkerProcess, timeoutMs: number, pollMs: number): Promise<number> {
  const [takenBy, takeoverMs] = await timed(() =>
    waitFor(
      'another worker to take the import up',
      async () => {
        const row = await importRow(harness.api.db, importId);
        return row.lease_owner !== null && row.lease_owner !== owner && row.lease_owner;
      },
      timeoutMs,
      pollMs,
    ),
  );
  expect(workers.some((worker) => worker !== gone && takenBy.split(':')[1] === String(worker.child.pid))).toBe(true);
  return takeoverMs;
}

describe('an import struck mid-way carries on where it was: every file once, none missing', () => {
  it('the worker running it killed (-9): another takes it up once its lease lapses', async () => {
    const started = await urlImport('chaos-import-kill');
    const before = await holdMidway(started.id);
    const { owner, worker: victim } = await runnerOf(started.id);
    await killed(victim);
    files.release();
    // Its entry stalls (STALLED_TIMEOUT) and another worker's slice waits out the lease (15 s).
    const takeoverMs = await takenUpAfter(started.id, owner, victim, 40_000, 100);
    await expectWhole(started);
    // The files it had in hand were taken again from where they were.
    const again = (await importItemRows(harness.api.db, started.id)).filter((i) => i.attempts > 1).length;
    expect(again).toBeGreaterThan(0);
    console.info(`worker killed at ${before} of ${FILES} imported; taken up ${takeoverMs} ms later, ${again} files taken again`);
  });

  it('the worker running it stopped (SIGTERM): its slice gives the lease back and queues the next, and another goes on at once', async () => {
    startWorker(); // the kill above left one
    const started = await urlImport('chaos-import-stop');
    await holdMidway(started.id);
    const { owner, worker: stopped } = await runnerOf(started.id);
    stopped.child.kill('SIGTERM');
    expect(await stopped.exited).toBe(0);
    files.release();
    // Given back, not left to lapse: another process has it well within a lease's 15 s.
    const takeoverMs = await takenUpAfter(started.id, owner, stopped, 5_000, 50);
    await expectWhole(started);
    console.info(`worker stopped; its import taken up ${takeoverMs} ms after it exited`);
    startWorker();
  });

  it('the workers killed (-9) while they process the imported files', async () => {
    // First, a photo slow to render: the worker is killed with its job in hand.
    const started = await urlImport('chaos-worker-kill', [await noisePng(1500), ...photos]);
    const slowJob = async () => {
      const [row] = await harness.api.db.execute<{ id: string; state: string }>(
        sql`select j.id, j.state from jobs j join import_items i on i.asset_id = j.asset_id where i.import_id = ${started.id} and i.seq = 0`,
      );
      return row;
    };
    await waitFor('the slow photo’s job to be in hand', async () => (await slowJob())?.state === 'active', 60_000, 20);
    const before = (await importRow(harness.api.db, started.id)).imported;
    expect(before).toBeLessThan(FILES - 20);
    // Which worker holds the job is not recorded, so every running worker is killed.
    const running = workers.filter((worker) => worker.child.exitCode === null && !worker.child.killed);
    for (const worker of running) await killed(worker);
    startWorker();
    startWorker();
    await expectWhole(started);
    const { id } = (await slowJob())!;
    const [job] = await harness.api.db.execute<{ attempts: number; state: string }>(sql`select attempts, state from jobs where id = ${id}`);
    expect(job).toEqual({ attempts: 2, state: 'completed' });
    console.info(`worker killed at ${before} of ${FILES} imported, a job in hand taken over`);
  });

  it('Redis stopped and started again (empty): the import goes on without it, and the jobs are queued again', async () => {
    const started = await urlImport('chaos-redis');
    const before = await holdMidway(started.id);
    await stopRedis();
    let during: number;
    try {
      files.release();
      // Files go on being imported while Redis is down: an import's state is in Postgres.
      during = await importedAtLeast(started.id, before + 30);
    } finally {
      await startServices();
    }
    await expectWhole(started);
    console.info(`Redis stopped at ${before} of ${FILES} imported; ${during - before} more imported while it was down`);
  });

  it('the S3 gateway stopped and started again (the store kept), mid-way through a bucket import', async () => {
    const source = await createSourceBucket({ photos: FILES, prefix: 'chaos/' });
    sourceBuckets.push(source);
    await source.allowDeploymentReads(true);
    const tenant = await createTestTenant(harness, 'chaos-s3');
    const body = { source: { type: 'bucket', region: 'us-east-1', bucket: source.name, prefix: `${source.prefix}photos/`, ...source.credentials } };
    const posted = await tenant.client.raw('POST', '/v1/imports', body);
    expect(posted.status, JSON.stringify(posted.body)).toBe(202);
    const started = { tenant, id: posted.body.import.id, sources: source.photoKeys.map((key) => `${source.name}/${key}`) };
    const before = await importedAtLeast(started.id, STRIKE_AT);
    const waiting = () => workers.some((worker) => worker.output().includes("the deployment's bucket does not answer: the import waits for it"));
    const [, outageMs] = await timed(async () => {
      await stopS3Gateway();
      try {
        await waitFor('the import to wait for the bucket', async () => waiting(), 20_000, 100);
        // A while longer than an item's first retry delay: an item whose tries it spent would show.
        await new Promise((resolve) => setTimeout(resolve, 2000));
      } finally {
        await startServices();
      }
    });
    await expectWhole(started);
    // The outage spent no item's tries (one longer than all of them would fail every item left):
    // at most the few that failed just as the bucket came back were tried again.
    const retried = (await importItemRows(harness.api.db, started.id)).filter((i) => i.attempts > 1);
    expect(retried.length).toBeLessThanOrEqual(harness.workerDeps.config.imports.concurrency);
    expect(Math.max(...retried.map((i) => i.attempts), 1)).toBeLessThanOrEqual(2);
    console.info(`S3 gateway stopped at ${before} of ${FILES} imported for ${outageMs} ms; ${retried.length} items tried again`);
  });
});
