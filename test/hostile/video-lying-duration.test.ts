import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectNothingInternal } from '../support/hostile.js';
import { writePresetsFile } from '../support/presets.js';
import { setupHarness, setupTenant } from '../support/setup-harness.js';
import { declareDuration, ffmpeg, QUIET_MINUTES, uploadVideo } from '../support/video.js';

/**
 * A video whose header declares less than its streams hold: a WebM file stating 6 s or 20 s over
 * five minutes of picture and sound (16x16 at 2 fps over a quiet tone: a few hundred KB, made in a
 * second). Its duration passes VIDEO_MAX_DURATION (a minute here) where its streams would not; each is
 * refused at once as corrupt_video, in words of our own, before anything renders and whether its
 * ladder would have been one pass (6 s) or pieces (20 s, past VIDEO_CHUNK_SECONDS): nothing is
 * published, nothing turns playable. Before, each was rendered for its whole five minutes.
 */
const harness = setupHarness(async () => {
  const presets = await writePresetsFile({
    lying: [
      { name: 'stream', format: 'hls', width: 320, height: 240, quality: 50, segmentSeconds: 2 },
      { name: 'small', format: 'mp4', fit: 'inside', width: 8, height: 8, quality: 40 },
    ],
  });
  return { env: { PRESETS_FILE: presets, VIDEO_CHUNK_SECONDS: '8', VIDEO_MAX_DURATION: '1m' } };
});
const tenant = setupTenant(harness, 'hostile-video-lying-duration');
let fiveMinutes: Buffer;
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'darkroom-lying-duration-'));
  await ffmpeg([...QUIET_MINUTES(300), join(dir, 'whole.webm')]);
  fiveMinutes = await readFile(join(dir, 'whole.webm'));
});

/** Five minutes of streams under a header declaring `seconds`. */
async function declaring(seconds: number): Promise<string> {
  const path = join(dir, `declares-${seconds}s.webm`);
  await writeFile(path, declareDuration(fiveMinutes, seconds));
  return path;
}

async function adminDetail(jobId: string): Promise<string | undefined> {
  const page = (await harness.admin.request('GET', `/v1/admin/jobs?tenantId=${tenant.tenantId}&state=failed&limit=100`)).body;
  return page.items.find((j: { id: string }) => j.id === jobId)?.errorDetail ?? undefined;
}

describe('a header declaring less than its streams hold', () => {
  it.each([
    [6, 'in one pass'],
    [20, 'in pieces'],
  ])(
    'declaring %i s (a ladder %s): corrupt_video at once, nothing published or playable',
    async (seconds) => {
      const { asset, job } = await uploadVideo(tenant.client, await declaring(seconds), 'video/webm', 'lying');
      const failed = await tenant.client.waitForAsset(asset.id, 180_000);
      expect(failed).toMatchObject({ status: 'failed', kind: 'video', playable: false, variants: [], error: { code: 'corrupt_video' } });
      expect(failed.error?.message).toContain(`says it lasts 0:${String(seconds).padStart(2, '0')}`);
      expect(failed.error?.message).not.toMatch(/ffmpeg|ffprobe|matroska|webm|packet/i);
      expectNothingInternal(harness, failed);
      expect((await tenant.client.request('GET', `/v1/jobs/${job.id}`)).body).toMatchObject({ state: 'failed', attempts: 1 });
      const events = (await tenant.client.feed({ assetId: asset.id })).map((e) => e.type);
      expect(events).not.toContain('asset.playable');
      // Operators read how far past its header the file runs: the probe looked no further than a 10 s segment past it.
      expect(await adminDetail(job.id)).toMatch(new RegExp(`a packet starts at \\d+(\\.\\d+)? s, past the declared ${seconds} s`));
    },
    240_000,
  );

  it('the worker keeps serving: the same streams under an honest header are refused as too long', async () => {
    const honest = join(dir, 'whole.webm');
    const { asset } = await uploadVideo(tenant.client, honest, 'video/webm', 'lying');
    const failed = await tenant.client.waitForAsset(asset.id, 120_000);
    expect(failed).toMatchObject({ status: 'failed', error: { code: 'video_too_long' } });
  });
});
