import { variants } from '@darkroom/db/schema';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestTenant, type TestTenant } from '../support/fixtures.js';
import { startHarness, type Harness } from '../support/harness.js';
import { fetchLadder } from '../support/hls.js';
import { spawnWorker, waitFor, type WorkerProcess } from '../support/services.js';
import { chunkObjectsOf, twoRungClip, uploadVideo } from '../support/video.js';

/**
 * A long video's parts are joined only with parts of their own plan: each carries the hash of the
 * plan it was rendered for (in its payload, its marker and its place). The preset changes while the
 * video renders in chunks (2 s segments, then 4 s); then the render is tried again (its attempt
 * failed, or its worker was killed outright): the ladder it ends with is one plan's throughout.
 */
const SECONDS = 32;
const rung = (segmentSeconds: number) => [{ name: 'stream', format: 'hls' as const, width: 640, height: 360, quality: 60, segmentSeconds }];

async function setPreset(tenant: TestTenant, segmentSeconds: number): Promise<void> {
  expect((await tenant.client.request('PUT', '/v1/presets/plans', { variants: rung(segmentSeconds) })).status).toBe(200);
}

/** The ready ladder's segment durations, rung by rung. */
async function segmentsOf(tenant: TestTenant, assetId: string): Promise<number[][]> {
  const ready = await tenant.client.waitForAsset(assetId, 240_000);
  expect(ready).toMatchObject({ status: 'ready', error: null });
  const { rungs } = await fetchLadder(ready.variants.find((v) => v.name === 'stream')!.url!);
  return rungs.map((r) => r.durations);
}

const doneMarkers = async (harness: Harness, tenant: TestTenant, assetId: string) =>
  (await chunkObjectsOf(harness, tenant.tenantId, assetId)).filter((k) => k.includes('/done-'));

describe('a retry after the preset changed', () => {
  let harness: Harness;
  let tenant: TestTenant;
  beforeAll(async () => {
    harness = await startHarness({ env: { VIDEO_CHUNK_SECONDS: '4', JOB_RETRY_SCHEDULE: '100ms' } });
    tenant = await createTestTenant(harness, 'hostile-chunked-plans');
  });
  afterAll(() => harness?.close());

  it("renders its own plan's parts, leaving the first plan's stored parts out of its ladder", async () => {
    await setPreset(tenant, 2);
    const failing = failOnePiece(harness);
    const { asset, job } = await uploadVideo(tenant.client, await twoRungClip(SECONDS), 'video/mp4', 'plans');
    const firstPlan = await failing.held;
    await waitFor('parts of the first plan to be stored', async () => (await doneMarkers(harness, tenant, asset.id)).length >= 3, 120_000, 50);
    await setPreset(tenant, 4);
    failing.release();

    // The piece fails on every try: the attempt fails, and the retry plans with the preset as it now is.
    const secondPlan = await waitFor(
      'the retry to plan again',
      async () => {
        const markers = await doneMarkers(harness, tenant, asset.id);
        const plans = new Set(
          (await chunkObjectsOf(harness, tenant.tenantId, asset.id)).flatMap((k) => /\/stream\/(\w{16})\/plan\.json$/.exec(k)?.[1] ?? []),
        );
        plans.delete(firstPlan);
        return plans.size > 0 && { hash: [...plans][0]!, firstPlanMarkers: markers.filter((k) => k.includes(`/${firstPlan}/`)).length };
      },
      120_000,
      50,
    );
    // The first plan's parts are still stored when the retry plans: only their hash keeps them out.
    expect(secondPlan.firstPlanMarkers).toBeGreaterThanOrEqual(3);
    const segments = await segmentsOf(tenant, asset.id);
    for (const durations of segments) expect(durations).toEqual(Array(SECONDS / 4).fill(4));
    expect((await tenant.client.request('GET', `/v1/jobs/${job.id}`)).body).toMatchObject({ state: 'completed', attempts: 2 });
    const rows = await harness.api.db.select().from(variants).where(eq(variants.assetId, asset.id));
    expect(rows.map((r) => r.name)).toEqual(['stream']);
  }, 300_000);
});

describe('a worker killed mid-render after the preset changed', () => {
  let harness: Harness;
  let tenant: TestTenant;
  const workers: WorkerProcess[] = [];
  const env = { RECONCILE_INTERVAL: 'off', STALLED_TIMEOUT: '2s', VIDEO_CHUNK_SECONDS: '4', RENDER_CONCURRENCY: '1' };
  beforeAll(async () => {
    harness = await startHarness({ withWorker: false, env });
    tenant = await createTestTenant(harness, 'hostile-chunked-plans-kill');
  });
  afterAll(async () => {
    for (const w of workers.splice(0)) {
      w.child.kill('SIGTERM');
      await w.exited;
    }
    await harness?.close();
  });
  const worker = () => {
    const spawned = spawnWorker({ ...env, QUEUE_PREFIX: harness.prefix });
    workers.push(spawned);
    return spawned;
  };

  it('ends with one plan throughout, never parts of both', async () => {
    await setPreset(tenant, 2);
    const first = worker();
    const { asset } = await uploadVideo(tenant.client, await twoRungClip(SECONDS), 'video/mp4', 'plans');
    await waitFor('parts to be stored', async () => (await doneMarkers(harness, tenant, asset.id)).length >= 2, 120_000, 50);
    await setPreset(tenant, 4);
    first.child.kill('SIGKILL');
    await first.exited;
    worker();
    const segments = await segmentsOf(tenant, asset.id);
    const plan = segments[0]![0];
    expect([2, 4]).toContain(plan);
    for (const durations of segments) expect(durations).toEqual(Array(SECONDS / plan!).fill(plan));
  }, 300_000);
});

/**
 * Every store of one piece's files (piece 5) of the first plan whose files are stored fails, as
 * against a bucket that keeps dropping the connection; the first one is held until `release`, so the
 * preset can change before the attempt fails. Parts of another plan store as usual.
 */
function failOnePiece(harness: Harness) {
  const storage = harness.workerDeps.storage;
  const { putObject } = storage;
  let plan: string | undefined;
  let release = () => {};
  const released = new Promise<void>((resolve) => (release = resolve));
  let hold: (hash: string) => void = () => {};
  const held = new Promise<string>((resolve) => (hold = resolve));
  storage.putObject = async (options) => {
    const stored = /\/stream\/(\w{16})\/chunk-5-/.exec(options.key)?.[1];
    if (stored !== undefined) plan ??= stored;
    if (stored === undefined || plan !== stored) return putObject(options);
    hold(stored);
    await released;
    throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
  };
  return { held, release };
}
