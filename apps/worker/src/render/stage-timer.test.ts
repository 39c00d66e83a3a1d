import { describe, expect, it } from 'vitest';
import type { WorkerDeps } from '../deps.js';
import { createWorkerMetrics } from '../metrics.js';
import { createRenderGate } from '@darkroom/media';
import { stageTimer } from './stage-timer.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function depsWithOneSlot() {
  const metrics = createWorkerMetrics();
  const renderGate = createRenderGate({ maxPixels: 1_000_000, slots: 1 });
  return { deps: { metrics, renderGate } as unknown as WorkerDeps, metrics, renderGate };
}

/** The histogram's sum and count for one stage of image jobs. */
async function observed(metrics: ReturnType<typeof createWorkerMetrics>, stage: string) {
  const { values } = await metrics.jobStageDuration.get();
  const of = (name: string) => values.find((v) => v.metricName === name && v.labels.stage === stage && v.labels.kind === 'image')?.value;
  return { sum: of('darkroom_asset_job_stage_seconds_sum'), count: of('darkroom_asset_job_stage_seconds_count') };
}

describe('job stage timing', () => {
  it('records the wait for the render gate apart from the render itself', async () => {
    const { deps, metrics, renderGate } = depsWithOneSlot();
    const holder = await renderGate.acquire(100);
    setTimeout(holder, 120);
    await stageTimer(deps, 'image').timeRender(async (admit) => {
      const release = await admit(100);
      await sleep(60);
      release();
    });
    const wait = await observed(metrics, 'render_wait');
    const render = await observed(metrics, 'render');
    expect(wait.count).toBe(1);
    expect(wait.sum).toBeGreaterThanOrEqual(0.1);
    expect(render.sum).toBeGreaterThanOrEqual(0.05);
    expect(render.sum).toBeLessThan(0.1);
  });

  it('records a stage that throws, and passes the error on', async () => {
    const { deps, metrics } = depsWithOneSlot();
    const failing = stageTimer(deps, 'image').time('download', async () => {
      await sleep(20);
      throw new Error('the bucket did not answer');
    });
    await expect(failing).rejects.toThrow('the bucket did not answer');
    const download = await observed(metrics, 'download');
    expect(download.count).toBe(1);
    expect(download.sum).toBeGreaterThanOrEqual(0.015);
  });

  it("admits a backfill job's render as background work: it waits while a fresh upload renders", async () => {
    const { deps, renderGate } = depsWithOneSlot();
    const fresh = await renderGate.acquire(100);
    const order: string[] = [];
    const backfill = stageTimer(deps, 'image', 'backfill').timeRender(async (admit) => {
      (await admit(100))();
      order.push('backfill');
    });
    const upload = stageTimer(deps, 'image').timeRender(async (admit) => {
      (await admit(100))();
      order.push('upload');
    });
    fresh();
    await Promise.all([backfill, upload]);
    expect(order).toEqual(['upload', 'backfill']);
  });

  it("admits a decode outside the render (a moderation check's) in the job's class, recording no render stage", async () => {
    const { deps, metrics, renderGate } = depsWithOneSlot();
    const fresh = await renderGate.acquire(100);
    const order: string[] = [];
    const backfillCheck = stageTimer(deps, 'image', 'backfill')
      .admit(100)
      .then((release) => {
        release();
        order.push('backfill check');
      });
    const uploadCheck = stageTimer(deps, 'image')
      .admit(100)
      .then((release) => {
        release();
        order.push('upload check');
      });
    await sleep(20);
    expect(order).toEqual([]);
    fresh();
    await Promise.all([backfillCheck, uploadCheck]);
    expect(order).toEqual(['upload check', 'backfill check']);
    expect((await observed(metrics, 'render_wait')).count).toBeUndefined();
  });
});
