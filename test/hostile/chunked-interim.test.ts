import { randomBytes } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { expect, it } from 'vitest';
import { swapOriginal } from '../support/fixtures.js';
import { holdFirstCall } from '../support/hold.js';
import { writePresetsFile } from '../support/presets.js';
import { waitFor } from '../support/services.js';
import { setupHarness, setupTenant } from '../support/setup-harness.js';
import { chunkObjectsOf, twoRungClip, uploadVideo, waitForPlayable } from '../support/video.js';

/**
 * A long video whose lowest rung was published (`asset.playable`, its interim stream served) and
 * whose other rungs then fail for good (its original no longer a video): the asset fails, its
 * interim stream is taken down (no variant row, no object left in the bucket) and it is no longer
 * `playable`, in the same change that fails it. And an interim stream stored late never lands over
 * the whole ladder's.
 */
const SECONDS = 32;
const harness = setupHarness(async () => {
  const presets = await writePresetsFile({ tworungs: [{ name: 'stream', format: 'hls', width: 640, height: 360, quality: 60, segmentSeconds: 2 }] });
  return { env: { PRESETS_FILE: presets, VIDEO_CHUNK_SECONDS: '4', JOB_RETRY_SCHEDULE: '100ms' } };
});
const t = setupTenant(harness, 'hostile-chunked-interim');

it('a chunked video that fails after asset.playable takes its interim stream down and playable back to false', async () => {
  const path = await twoRungClip(SECONDS);
  const { asset, job } = await uploadVideo(t.client, path, 'video/mp4', 'tworungs');
  // Once the audio and every piece of the lowest rung are stored, the other rungs' parts are held back.
  const first = async () => (await chunkObjectsOf(harness, t.tenantId, asset.id)).filter((k) => /\/done-(lowest|audio)-/.test(k)).length;
  await waitFor('the lowest rung and the audio to be stored', async () => (await first()) === SECONDS / 2 + 1, 120_000, 50);
  const parts = harness.worker!.chunkQueue;
  await parts.pause();
  const playable = await waitForPlayable(t.client, asset.id);
  expect(playable).toMatchObject({ status: 'processing', variants: [{ name: 'stream' }] });
  expect(await harness.countVariantObjects(t.tenantId, asset.id)).toBeGreaterThan(0);
  // The other rungs' parts still to run read random bytes where the video was: bad media, at once.
  await swapOriginal(harness, asset.id, randomBytes((await stat(path)).size));
  await parts.resume();

  const failed = await t.client.waitForAsset(asset.id, 180_000);
  expect(failed).toMatchObject({ status: 'failed', playable: false, variants: [], error: { code: 'corrupt_video' } });
  expect((await t.client.request('GET', `/v1/jobs/${job.id}`)).body).toMatchObject({ state: 'failed', error: { code: 'corrupt_video' } });
  const failedEvent = (await t.client.feed({ assetId: asset.id })).find((e) => e.type === 'asset.failed');
  expect(failedEvent?.data.asset).toMatchObject({ status: 'failed', playable: false, variants: [] });
  await waitFor('the interim stream to be gone', async () => (await harness.countVariantObjects(t.tenantId, asset.id)) === 0, 30_000);
  await waitFor('its chunks to be gone', async () => (await chunkObjectsOf(harness, t.tenantId, asset.id)).length === 0, 30_000);
}, 300_000);

it('an interim stream still being stored when every part is done is published before the join, never over it', async () => {
  const path = await twoRungClip(SECONDS);
  const { asset } = await uploadVideo(t.client, path, 'video/mp4', 'tworungs');
  // The interim step's master playlist (its last object) is held until the other rungs are done too.
  const held = holdFirstCall(harness.workerDeps.storage, 'putObject', (options) => options.key.endsWith('/master.m3u8'));
  try {
    await held.reached;
    const parts = (await chunkObjectsOf(harness, t.tenantId, asset.id)).length;
    await waitFor(
      'every part to be stored',
      async () => (await chunkObjectsOf(harness, t.tenantId, asset.id)).filter((k) => /\/done-/.test(k)).length === SECONDS + 1,
      120_000,
      50,
    );
    expect(parts).toBeGreaterThan(0);
    // The join's every chance to run meanwhile (it ran at once before it waited for the interim step).
    await waitFor(
      'a join that does not wait',
      async () => (await t.client.request('GET', `/v1/assets/${asset.id}`)).body.status === 'ready',
      5_000,
    ).catch(() => {});
  } finally {
    held.release();
    held.restore();
  }
  const ready = await t.client.waitForAsset(asset.id, 180_000);
  expect(ready).toMatchObject({ status: 'ready', playable: true });
  const stream = ready.variants.find((v) => v.name === 'stream')!;
  expect(stream.renditions).toHaveLength(2);
  // The master playlist served is the whole ladder's: both rungs, cached as any variant.
  const master = await fetch(stream.url);
  expect(master.headers.get('cache-control')).not.toContain('max-age=10');
  expect((await master.text()).match(/#EXT-X-STREAM-INF/g)).toHaveLength(2);
}, 300_000);
