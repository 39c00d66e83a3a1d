import type { Queue } from 'bullmq';
import { createRedisConnection } from '@darkroom/queue';
import { describe, expect, it } from 'vitest';
import { fetchLadder } from '../support/hls.js';
import { writePresetsFile } from '../support/presets.js';
import { waitFor } from '../support/services.js';
import { setupHarness, setupTenant } from '../support/setup-harness.js';
import { chunkObjectsOf, progressUntilReady, slowVideo, twoRungClip, uploadVideo, waitForPlayable } from '../support/video.js';

/**
 * A chunked render whose job's entry has ended keeps going on its markers alone: what Redis loses
 * (parts waiting in the queue or in their tenant's line, the interim step, the join step) the
 * reconciler queues again from the markers in the bucket, and the asset ends ready with one whole
 * ladder and no chunk left. Serial: the reconciler looks at every job of the shared test database.
 */
const harness = setupHarness(async () => {
  const presets = await writePresetsFile({
    slowladder: [{ name: 'stream', format: 'hls', width: 320, height: 240, quality: 60 }],
    tworungs: [{ name: 'stream', format: 'hls', width: 640, height: 360, quality: 60, segmentSeconds: 2 }],
  });
  return { env: { PRESETS_FILE: presets, VIDEO_CHUNK_SECONDS: '4', RECONCILE_INTERVAL: '1s' } };
});
const tenant = setupTenant(harness, 'chunk-flow-reconcile');

const chunkObjects = (assetId: string) => chunkObjectsOf(harness, tenant.tenantId, assetId);

/** As a Redis that lost its data: the parts still waiting in the queue vanish, and so does every tenant's line of parts. */
async function loseWaitingParts(): Promise<void> {
  await harness.worker!.chunkQueue.drain(true);
  const redis = createRedisConnection({ url: process.env.REDIS_URL!, clusterNodes: null });
  try {
    const keys = await redis.keys(`${harness.prefix}:chunk-*`);
    if (keys.length > 0) await redis.del(...keys);
  } finally {
    redis.disconnect();
  }
}

/** The job's step entry of this kind, once queued on the default lane (paused: none of them runs). */
const stepEntry = (lane: Queue, jobId: string, step: string) =>
  waitFor(
    `the ${step} step to be queued`,
    async () => (await lane.getJobs(['waiting', 'prioritized'])).find((e) => e?.data.jobId === jobId && e.data.step === step),
    120_000,
    50,
  );

describe('a chunked render whose queue entries are lost', () => {
  it('queues its lost parts again from their markers: nothing lost, progress never going back', async () => {
    const { asset, job } = await uploadVideo(tenant.client, await slowVideo(), 'video/mp4', 'slowladder');
    await waitFor('a part to be stored', async () => (await chunkObjects(asset.id)).some((k) => k.includes('/done-')), 120_000, 200);
    expect(await harness.worker!.chunkQueue.getJobCountByTypes('waiting', 'prioritized', 'delayed')).toBeGreaterThan(0);
    await loseWaitingParts();
    const seen = await progressUntilReady(tenant.client, { assetId: asset.id, jobId: job.id }, 300_000);
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
    const ready = (await tenant.client.request('GET', `/v1/assets/${asset.id}`)).body;
    const { rungs } = await fetchLadder(ready.variants.find((v: any) => v.name === 'stream')!.url);
    for (const rung of rungs) expect(rung.durations.reduce((sum: number, d: number) => sum + d, 0)).toBeCloseTo(40, 0);
    await waitFor('the chunks to be gone', async () => (await chunkObjects(asset.id)).length === 0, 10_000);
  }, 360_000);

  it('queues a lost interim step, then a lost join step, again: playable, then ready', async () => {
    const lane = harness.api.queue.queues.default;
    const { asset, job } = await uploadVideo(tenant.client, await twoRungClip(32), 'video/mp4', 'tworungs');
    await waitFor('the job to be chunked', async () => (await lane.getJobState(job.id)) === 'completed', 120_000, 50);
    expect((await tenant.client.request('GET', `/v1/jobs/${job.id}`)).body.state).toBe('active');

    // The steps queued while the lane is paused are lost before any worker takes them.
    await lane.pause();
    const interim = await stepEntry(lane, job.id, 'interim');
    await harness.worker!.chunkQueue.pause(); // the other rungs wait: the join is not due yet
    await interim.remove();
    await lane.resume();
    // The interim step is queued again (by the reconciler) and runs.
    expect(await waitForPlayable(tenant.client, asset.id)).toMatchObject({ status: 'processing', playable: true });

    await lane.pause();
    await harness.worker!.chunkQueue.resume();
    await (await stepEntry(lane, job.id, 'join')).remove();
    await lane.resume();
    expect(await tenant.client.waitForAsset(asset.id, 180_000)).toMatchObject({ status: 'ready', playable: true });
    expect((await tenant.client.feed({ assetId: asset.id })).map((e) => e.type)).toEqual([
      'asset.uploaded',
      'asset.processing',
      'asset.playable',
      'asset.ready',
    ]);
    await waitFor('the chunks to be gone', async () => (await chunkObjects(asset.id)).length === 0, 10_000);
  }, 360_000);
});
