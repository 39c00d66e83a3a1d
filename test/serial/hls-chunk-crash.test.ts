import { variants } from '@darkroom/db/schema';
import { eq } from 'drizzle-orm';
import { afterAll, expect, it } from 'vitest';
import { fetchLadder } from '../support/hls.js';
import { writePresetsFile } from '../support/presets.js';
import { setupHarness, setupTenant } from '../support/setup-harness.js';
import { spawnWorker, waitFor, type WorkerProcess } from '../support/services.js';
import { chunkObjectsOf, progressUntilReady, slowVideo, uploadVideo } from '../support/video.js';

/**
 * A worker killed outright (SIGKILL) while it renders a long video's chunks, and the asset's job
 * waiting for them with it: another worker takes over both, and the asset ends with one whole
 * ladder, its job's progress never going back, and no chunk object left. Serial: it kills worker
 * processes.
 */
let presets: string;
const workers: WorkerProcess[] = [];
/** The 40 s clip in 8 s chunks of 2 s segments: five chunks. */
const CHUNK_SECONDS = '8';

const harness = setupHarness(async () => {
  presets = await writePresetsFile({ slowladder: [{ name: 'stream', format: 'hls', width: 320, height: 240, quality: 60, segmentSeconds: 2 }] });
  return { withWorker: false, env: { PRESETS_FILE: presets, VIDEO_CHUNK_SECONDS: CHUNK_SECONDS } };
});
const tenant = setupTenant(harness, 'hls-chunk-crash');
afterAll(async () => {
  for (const w of workers.splice(0)) {
    w.child.kill('SIGTERM');
    await w.exited;
  }
});

function worker(): WorkerProcess {
  const env = {
    QUEUE_PREFIX: harness.prefix,
    STALLED_TIMEOUT: '2s',
    RECONCILE_INTERVAL: 'off',
    PRESETS_FILE: presets,
    VIDEO_CHUNK_SECONDS: CHUNK_SECONDS,
  };
  const spawned = spawnWorker(env);
  workers.push(spawned);
  return spawned;
}

const chunkObjects = (assetId: string) => chunkObjectsOf(harness, tenant.tenantId, assetId);

const doneMarkers = async (assetId: string) => (await chunkObjects(assetId)).filter((k) => k.includes('/done-'));

it('a worker killed mid-chunk: its chunks and its asset job are taken over, and one whole ladder is left', async () => {
  const first = worker();
  const { asset, job } = await uploadVideo(tenant.client, await slowVideo(), 'video/mp4', 'slowladder');
  // One part stored and others still to come: the worker is in the middle of the flow.
  await waitFor('a first chunk part to be stored', async () => (await doneMarkers(asset.id)).length > 0, 120_000, 100);
  const storedBefore = await doneMarkers(asset.id);
  expect(storedBefore.length).toBeLessThan(5);
  first.child.kill('SIGKILL');
  expect(await first.exited).toBe('SIGKILL');
  const progressAtKill = (await tenant.client.request('GET', `/v1/jobs/${job.id}`)).body.progress ?? 0;

  worker();
  const seen = await progressUntilReady(tenant.client, { assetId: asset.id, jobId: job.id }, 300_000, [progressAtKill]);
  expect(seen).toEqual([...seen].sort((a, b) => a - b));

  const done = (await tenant.client.request('GET', `/v1/assets/${asset.id}`)).body;
  expect(done).toMatchObject({ status: 'ready', playable: true, error: null });
  const rows = await harness.api.db.select().from(variants).where(eq(variants.assetId, asset.id));
  expect(rows.map((r) => r.format)).toEqual(['hls']);
  const { master, rungs } = await fetchLadder(done.variants.find((v: any) => v.name === 'stream')!.url);
  const files = [master, ...rungs.flatMap((r) => [r.playlist, ...r.segments])];
  expect(files.every((f) => f.status === 200)).toBe(true);
  expect(rungs).toHaveLength(1);
  expect(rungs[0]!.durations.reduce((sum: number, d: number) => sum + d, 0)).toBeCloseTo(40, 0);
  // The interim ladder's files were overwritten by the whole one's keys: nothing else is left.
  expect(await harness.countVariantObjects(tenant.tenantId, asset.id)).toBe(files.length);
  await waitFor('the chunks to be gone', async () => (await chunkObjects(asset.id)).length === 0, 30_000);
}, 420_000);
