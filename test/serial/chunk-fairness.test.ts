import { afterAll, expect, it } from 'vitest';
import { createTestTenant, type TestTenant } from '../support/fixtures.js';
import { fixture } from '../support/images.js';
import { writePresetsFile } from '../support/presets.js';
import { spawnWorker, waitFor, type WorkerProcess } from '../support/services.js';
import { setupHarness, setupTenant } from '../support/setup-harness.js';
import { slowVideo, uploadVideo } from '../support/video.js';

/**
 * Long videos fair across tenants, with real worker processes: tenant A's long uploads, as many as
 * the fleet has job slots, are all under way when tenant B uploads a photo and a short long video.
 * Each of A's jobs ends its entry once its parts are queued (its row stays active), so B's photo
 * takes a job slot at once and is ready before any of A's videos; B's parts are ranked in B's own
 * line, so its video is ready before A's first one is. (Before, A's jobs held every job slot while
 * their parts rendered, and B waited for A's first whole video.) Serial: it loads the machine.
 */
const WORKERS = 2;
/** Each worker's default-lane job slots (RENDER_CONCURRENCY + 1 with one render slot). */
const JOB_SLOTS = 2;
let presets: string;
const workers: WorkerProcess[] = [];

const harness = setupHarness(async () => {
  presets = await writePresetsFile({ slowladder: [{ name: 'stream', format: 'hls', width: 320, height: 240, quality: 60 }] });
  return { withWorker: false, env: { PRESETS_FILE: presets, VIDEO_CHUNK_SECONDS: '4' } };
});
const a = setupTenant(harness, 'chunk-fairness-a');
let b: TestTenant;

afterAll(async () => {
  for (const w of workers.splice(0)) {
    w.child.kill('SIGTERM');
    await w.exited;
  }
});

const statusOf = async (tenant: TestTenant, id: string) => (await tenant.client.request('GET', `/v1/assets/${id}`)).body.status as string;

it("a tenant's photo and short video are not held behind another tenant's long videos", async () => {
  b = await createTestTenant(harness, 'chunk-fairness-b');
  // No moderation checks: their time before each video's plan (frames sampled, a lookup) is the same
  // for every tenant, and on two loaded cores it decides which of these short races ends first.
  const env = {
    QUEUE_PREFIX: harness.prefix,
    RECONCILE_INTERVAL: 'off',
    PRESETS_FILE: presets,
    VIDEO_CHUNK_SECONDS: '4',
    RENDER_CONCURRENCY: '1',
    MODERATION_BLOCKLIST: 'off',
  };
  for (let i = 0; i < WORKERS; i++) workers.push(spawnWorker(env));

  const long = await slowVideo();
  const aVideos: Awaited<ReturnType<typeof uploadVideo>>[] = [];
  for (let i = 0; i < WORKERS * JOB_SLOTS; i++) aVideos.push(await uploadVideo(a.client, long, 'video/mp4', 'slowladder'));
  await waitFor(
    "A's jobs to be under way",
    async () => {
      const states = await Promise.all(aVideos.map(({ job }) => a.client.request('GET', `/v1/jobs/${job.id}`)));
      return states.every((s) => s.body.state === 'active');
    },
    120_000,
    100,
  );

  const { asset: photo } = await b.client.uploadFile(fixture('DSCN0010.jpg'), 'image/jpeg');
  // Seven parts (the audio and six pieces) against each of A's 21.
  const { asset: clip } = await uploadVideo(b.client, await slowVideo(12), 'video/mp4', 'slowladder');
  expect(await b.client.waitForAsset(photo.id, 240_000)).toMatchObject({ status: 'ready' });
  expect(await Promise.all(aVideos.map(({ asset }) => statusOf(a, asset.id)))).toEqual(aVideos.map(() => 'processing'));

  // A's jobs end their entries once their parts are queued (after each video's checks and plan, which
  // may still run for some as B's photo is done), long before their videos; their rows stay active
  // until their joins record them.
  const lane = harness.api.queue.queues.default;
  const entries = () => Promise.all(aVideos.map(({ job }) => lane.getJobState(job.id)));
  await waitFor("A's entries to end once their parts are queued", async () => (await entries()).every((state) => state === 'completed'), 60_000, 100);
  expect((await a.client.request('GET', `/v1/jobs/${aVideos[0]!.job.id}`)).body.state).toBe('active');

  // B's parts run in B's own line, beside A's first parts: its video ends before A's first.
  expect(await b.client.waitForAsset(clip.id, 300_000)).toMatchObject({ status: 'ready', playable: true });
  expect(await statusOf(a, aVideos[0]!.asset.id)).toBe('processing');

  // A's videos are not needed any more: their flows end with their assets.
  for (const { asset } of aVideos) expect((await a.client.request('DELETE', `/v1/assets/${asset.id}`)).status).toBe(204);
  for (const { asset } of aVideos) {
    await waitFor('A’s video to be gone', async () => (await a.client.request('GET', `/v1/assets/${asset.id}`)).status === 404, 120_000, 250);
  }
}, 600_000);
