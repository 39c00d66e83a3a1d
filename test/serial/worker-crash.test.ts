import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jobs, variants } from '@darkroom/db/schema';
import { eq } from 'drizzle-orm';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { TestApi } from '../support/client.js';
import { noisePng } from '../support/fixtures.js';
import { fixture } from '../support/images.js';
import { spawnWorker, waitFor, type WorkerProcess } from '../support/services.js';
import { setupHarness } from '../support/setup-harness.js';
import { filesUnder } from '../support/video.js';

const harness = setupHarness({ withWorker: false });
let tenant: TestApi;
const workers: WorkerProcess[] = [];

beforeAll(async () => {
  tenant = harness.admin.withToken((await harness.admin.createTenant('worker-crash')).apiKey);
});
// Each test owns the queue: workers of an earlier test would take its jobs.
afterEach(async () => {
  for (const w of workers.splice(0)) {
    w.child.kill('SIGTERM');
    await w.exited;
  }
});

/** A worker process on this file's queue; a killed worker's job is taken over after STALLED_TIMEOUT. */
function worker(env: Record<string, string> = {}): WorkerProcess {
  const spawned = spawnWorker({ QUEUE_PREFIX: harness.prefix, STALLED_TIMEOUT: '2s', RECONCILE_INTERVAL: 'off', ...env });
  workers.push(spawned);
  return spawned;
}

/** A PNG of random pixels: it takes the worker a couple of seconds, long enough to be killed mid-job. */
/** Big enough that its render is still running when the test interrupts it. */
const slowImage = async () => new Uint8Array(await noisePng(3000));

const jobRow = async (id: string) => (await harness.api.db.query.jobs.findFirst({ where: (j, { eq }) => eq(j.id, id) }))!;

describe('a worker killed mid-job', () => {
  it('loses nothing: the job is taken over, finishes once, and leaves exactly one set of variants', async () => {
    const first = worker();
    const { asset, job } = await tenant.uploadAndComplete(await slowImage(), { filename: 'noise.png', contentType: 'image/png' });
    const processing = async () => (await tenant.request('GET', `/v1/assets/${asset.id}`)).body.status === 'processing';
    await waitFor('the asset to be processing', processing, 30_000, 10);
    first.child.kill('SIGKILL');
    expect(await first.exited).toBe('SIGKILL');
    expect((await jobRow(job.id)).state).toBe('active');

    worker();
    const done = await tenant.waitForAsset(asset.id, 60_000);
    expect(done.status).toBe('ready');
    const row = await jobRow(job.id);
    expect(row.state).toBe('completed');
    expect(row.attempts).toBe(2);
    expect(row.history.map((h) => h.errorCode)).toEqual(['interrupted', null]);
    expect(await harness.api.db.select().from(variants).where(eq(variants.assetId, asset.id))).toHaveLength(4);
    expect(await harness.countVariantObjects(row.tenantId, asset.id)).toBe(4);
  });
});

describe('a worker killed mid-job, then started again on the same TMP_DIR', () => {
  it('leaves no temp file behind: the dead process’s copy of the original is removed', async () => {
    const tmp = await mkdtemp(join(tmpdir(), 'darkroom-crash-tmp-'));
    try {
      const first = worker({ TMP_DIR: tmp });
      const { asset, job } = await tenant.uploadAndComplete(await slowImage(), { filename: 'noise.png', contentType: 'image/png' });
      const originalOnDisk = async () => (await filesUnder(tmp)).some((f) => f.endsWith('original'));
      await waitFor('the original on disk', originalOnDisk, 30_000, 10);
      first.child.kill('SIGKILL');
      expect(await first.exited).toBe('SIGKILL');

      worker({ TMP_DIR: tmp });
      expect((await tenant.waitForAsset(asset.id, 60_000)).status).toBe('ready');
      expect((await jobRow(job.id)).state).toBe('completed');
      await waitFor('the dead worker’s temp files to go', async () => !(await originalOnDisk()), 10_000);
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
  });
});

describe('a file that kills every worker that takes it', () => {
  it('fails as internal_error once its attempts are used up, instead of taking down worker after worker', async () => {
    const { asset, job } = await tenant.uploadAndComplete(await slowImage(), { filename: 'poison.png', contentType: 'image/png' });
    await harness.api.db.update(jobs).set({ maxAttempts: 2 }).where(eq(jobs.id, job.id));
    for (const attempt of [1, 2]) {
      const victim = worker();
      await waitFor(
        `attempt ${attempt} to start`,
        async () => {
          const row = await jobRow(job.id);
          return row.state === 'active' && row.attempts === attempt;
        },
        30_000,
        10,
      );
      victim.child.kill('SIGKILL');
      await victim.exited;
    }
    const survivor = worker();
    const failed = await tenant.waitForAsset(asset.id, 60_000);
    expect(failed.status).toBe('failed');
    expect(failed.error?.code).toBe('internal_error');
    expect(failed.error?.message).toMatch(/stopped 2 times/);
    const row = await jobRow(job.id);
    expect(row).toMatchObject({ state: 'failed', attempts: 3, errorCode: 'internal_error' });
    expect(row.history.map((h) => h.errorCode)).toEqual(['interrupted', 'interrupted', 'internal_error']);
    expect(survivor.child.exitCode).toBeNull(); // the worker that refused it is still serving
  });
});

describe('graceful shutdown', () => {
  it('on SIGTERM a worker finishes the job in hand, then exits 0', async () => {
    const running = worker();
    const { asset, job } = await tenant.uploadAndComplete(await slowImage(), { filename: 'noise.png', contentType: 'image/png' });
    await waitFor('the job to start', async () => (await jobRow(job.id)).state === 'active', 30_000, 10);
    running.child.kill('SIGTERM');
    expect(await running.exited, running.output()).toBe(0);
    expect((await jobRow(job.id)).state).toBe('completed');
    expect((await tenant.request('GET', `/v1/assets/${asset.id}`)).body.status).toBe('ready');
  });

  it('an idle worker exits 0 on SIGINT', async () => {
    const idle = worker();
    await waitFor('the worker to start', async () => idle.output().includes('worker started'), 15_000);
    idle.child.kill('SIGINT');
    expect(await idle.exited, idle.output()).toBe(0);
  });

  it('a small job still processes normally after all that', async () => {
    worker();
    const { asset } = await tenant.uploadFile(fixture('320x240.jpg'), 'image/jpeg');
    expect((await tenant.waitForAsset(asset.id)).status).toBe('ready');
  });
});
