import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getJob } from '@darkroom/db/queries/jobs';
import { expect, it } from 'vitest';
import { writePresetsFile } from '../support/presets.js';
import { filesUnder, mediaProcessesMentioning, slowVideo, uploadVideo } from '../support/video.js';
import { setupHarness, setupTenant } from '../support/setup-harness.js';

/** VIDEO_JOB_TIMEOUT holds for an HLS ladder's ffmpeg as for a rendition's: killed, `render_timeout`, nothing left behind. */
let tmpDir: string;
const harness = setupHarness(async () => {
  tmpDir = await mkdtemp(join(tmpdir(), 'darkroom-hls-limit-'));
  const presets = await writePresetsFile({ slowladder: [{ name: 'stream', format: 'hls', width: 320, height: 240, quality: 60 }] });
  // A fixed 1 s budget: the 40 s noise clip's ladder cannot finish in it.
  const env = { PRESETS_FILE: presets, TMP_DIR: tmpDir, VIDEO_JOB_TIMEOUT: '1s', JOB_RETRY_SCHEDULE: '200ms' };
  return { env };
});
const tenant = setupTenant(harness, 'hls-limit');

it('a ladder past VIDEO_JOB_TIMEOUT is killed and fails render_timeout after its retry, leaving no process, file or object', async () => {
  const { asset, job } = await uploadVideo(tenant.client, await slowVideo(), 'video/mp4', 'slowladder');
  const failed = await tenant.client.waitForAsset(asset.id, 120_000);
  expect(failed).toMatchObject({ status: 'failed', error: { code: 'render_timeout' } });
  const row = await getJob(harness.api.db, { id: job.id });
  expect(row!.history.map((h) => h.errorCode)).toEqual(['render_timeout', 'render_timeout']);
  expect(await mediaProcessesMentioning(tmpDir)).toEqual([]);
  expect(await filesUnder(tmpDir)).toEqual([]);
  expect(await harness.countVariantObjects(tenant.tenantId, asset.id)).toBe(0);
});
