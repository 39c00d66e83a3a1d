import { randomBytes } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { expect, it } from 'vitest';
import { swapOriginal } from '../support/fixtures.js';
import { writePresetsFile } from '../support/presets.js';
import { waitFor } from '../support/services.js';
import { setupHarness, setupTenant } from '../support/setup-harness.js';
import { chunkObjectsOf, twoRungClip, uploadVideo, waitForPlayable } from '../support/video.js';

/**
 * A long video whose lowest rung was published (`asset.playable`, its interim stream served) and
 * whose other rungs then fail for good (its original no longer a video): the asset fails, its
 * interim stream is taken down (no variant row, no object left in the bucket) and it is no longer
 * `playable`, in the same change that fails it.
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
