import { variants } from '@darkroom/db/schema';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { TestApi } from '../support/client.js';
import { fetchLadder } from '../support/hls.js';
import { writePresetsFile } from '../support/presets.js';
import { spawnWorker, waitFor, type WorkerProcess } from '../support/services.js';
import { slowVideo, uploadVideo } from '../support/video.js';
import { setupHarness } from '../support/setup-harness.js';

/**
 * A worker killed outright (SIGKILL) while its ffmpeg renders an HLS ladder: the job is taken over,
 * the ladder rendered again into the same keys, and the asset ends with one ladder whose every
 * playlist and segment is there. Serial: it kills worker processes.
 */
let presets: string;
const harness = setupHarness(async () => {
  presets = await writePresetsFile({ ladder: [{ name: 'stream', format: 'hls', width: 320, height: 240, quality: 60 }] });
  return { withWorker: false, env: { PRESETS_FILE: presets } };
});
let tenant: TestApi;
const workers: WorkerProcess[] = [];

beforeAll(async () => {
  tenant = harness.admin.withToken((await harness.admin.createTenant('hls-crash')).apiKey);
});
afterAll(async () => {
  for (const w of workers.splice(0)) {
    w.child.kill('SIGTERM');
    await w.exited;
  }
});

function worker(): WorkerProcess {
  const spawned = spawnWorker({ QUEUE_PREFIX: harness.prefix, STALLED_TIMEOUT: '2s', RECONCILE_INTERVAL: 'off', PRESETS_FILE: presets });
  workers.push(spawned);
  return spawned;
}

it('a worker killed mid-ladder: the job is taken over and leaves exactly one whole ladder', async () => {
  const first = worker();
  const { asset, job } = await uploadVideo(tenant, await slowVideo(), 'video/mp4', 'ladder');
  const rendering = async () => ((await tenant.request('GET', `/v1/jobs/${job.id}`)).body.progress ?? 0) > 0;
  await waitFor('the ladder to be under way', rendering, 120_000, 100);
  first.child.kill('SIGKILL');
  expect(await first.exited).toBe('SIGKILL');

  worker();
  const done = await tenant.waitForAsset(asset.id, 300_000);
  expect(done.status).toBe('ready');
  const rows = await harness.api.db.select().from(variants).where(eq(variants.assetId, asset.id));
  expect(rows.map((r) => r.format)).toEqual(['hls']);
  const stream = done.variants.find((v) => v.name === 'stream')!;
  const { master, rungs } = await fetchLadder(stream.url);
  const files = [master, ...rungs.flatMap((r) => [r.playlist, ...r.segments])];
  expect(files.every((f) => f.status === 200)).toBe(true);
  // Only this ladder's files: the retry overwrote the first attempt's keys, and left none of its own besides.
  const tenantId = rows[0]!.key.split('/')[1]!; // variants/<tenant>/<asset>/…
  expect(await harness.countVariantObjects(tenantId, asset.id)).toBe(files.length);
});
