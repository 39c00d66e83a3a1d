import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { writePresetsFile } from '../support/presets.js';
import { filesUnder, mediaProcessesMentioning, slowVideo, uploadVideo, waitForTranscode } from '../support/video.js';
import { setupHarness, setupTenant } from '../support/setup-harness.js';

/**
 * A worker that stops (what SIGTERM does: `RunningWorker.close()`) kills the ffmpeg it runs instead
 * of waiting out the transcode; the job is recorded as a retry and another worker finishes it.
 */
let tmpDir: string;
const harness = setupHarness(async () => {
  tmpDir = await mkdtemp(join(tmpdir(), 'darkroom-video-stop-'));
  const presets = await writePresetsFile({
    slow: [{ name: 'full', fit: 'inside', width: 320, height: 240, format: 'mp4', quality: 60 }],
    slowladder: [{ name: 'stream', format: 'hls', width: 320, height: 240, quality: 60 }],
  });
  return { env: { PRESETS_FILE: presets, TMP_DIR: tmpDir } };
});
const tenant = setupTenant(harness, 'video-stop');

it.each([
  ['a rendition', 'slow', 'full'],
  ['an HLS ladder', 'slowladder', 'stream'],
])('stopping the worker during %s kills ffmpeg; the job retries by the usual rules and the next worker finishes it', async (_, preset, variant) => {
  const { asset, job } = await uploadVideo(tenant.client, await slowVideo(), 'video/mp4', preset);
  await waitForTranscode(tenant.client, job.id, tmpDir);

  await harness.worker!.close();
  expect(await mediaProcessesMentioning(tmpDir)).toEqual([]);
  expect(await filesUnder(tmpDir)).toEqual([]);
  // Stopped midway, not finished: the asset is still processing and the attempt is recorded as a retry.
  expect((await tenant.client.request('GET', `/v1/assets/${asset.id}`)).body.status).toBe('processing');
  const retried = (await tenant.client.request('GET', `/v1/jobs/${job.id}`)).body;
  expect(retried).toMatchObject({ state: 'queued', attempts: 1, error: { code: 'internal_error' } });

  harness.worker = null;
  harness.startWorker();
  const ready = await tenant.client.waitForAsset(asset.id, 180_000);
  expect(ready.status).toBe('ready');
  expect(ready.variants.map((v) => v.name)).toEqual([variant]);
  expect((await tenant.client.request('GET', `/v1/jobs/${job.id}`)).body).toMatchObject({ state: 'completed', attempts: 2, error: null });
});
