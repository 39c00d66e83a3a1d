import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { fetchLadder, type FetchedRung } from '../support/hls.js';
import { writePresetsFile } from '../support/presets.js';
import { setupHarness, setupTenant } from '../support/setup-harness.js';
import { downloadRendition, ffmpeg, SPARSE, uploadVideo, videoFrames, watchChunkParts } from '../support/video.js';

/**
 * A sparse video whose rate lies: a frame every half second (a few KB of WebM) in a track claiming
 * 120 fps. A constant output rate (60 fps, the cap) repeated each frame to fill every tick: 60 times
 * the frames the file holds, in every rung and rendition, for a file that costs nothing to upload.
 * Its ladder and its MP4 rendition now hold the file's own frames at their own times, no more,
 * whether the ladder is made in one pass (15 s, under VIDEO_CHUNK_SECONDS) or in pieces (45 s).
 */
const harness = setupHarness(async () => {
  const presets = await writePresetsFile({
    sparse: [
      { name: 'stream', format: 'hls', width: 320, height: 240, quality: 50, segmentSeconds: 2 },
      // Not the size of the ladder's one rung (64x48): encoded, not remuxed from it.
      { name: 'small', format: 'mp4', fit: 'inside', width: 32, height: 32, quality: 40 },
    ],
  });
  return { env: { PRESETS_FILE: presets, VIDEO_CHUNK_SECONDS: '20' } };
});
const tenant = setupTenant(harness, 'hostile-video-sparse');
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'darkroom-sparse-'));
});

/** A rung's frames, read from its init segment and segments joined. */
async function rungFrames(rung: FetchedRung): Promise<number> {
  const path = join(dir, `rung-${Date.now()}.mp4`);
  await writeFile(path, Buffer.concat(rung.segments.map((s) => s.bytes)));
  return videoFrames(path);
}

describe('a sparse video whose rate lies', () => {
  it.each([
    [15, 'in one pass'],
    [45, 'in pieces'],
  ])(
    '%i s of a frame every half second, claiming 120 fps (its ladder %s): its own frames, no more',
    async (seconds, how) => {
      const path = join(dir, `sparse-${seconds}.webm`);
      await ffmpeg(SPARSE(seconds, path));
      const frames = await videoFrames(path);
      expect(frames).toBe(2 * seconds + 1);
      const parts = await watchChunkParts(harness);
      const { asset } = await uploadVideo(tenant.client, path, 'video/webm', 'sparse');
      const ready = await tenant.client.waitForAsset(asset.id, 240_000).finally(() => parts.close());
      expect(ready).toMatchObject({ status: 'ready', error: null });
      expect(ready.video?.fps).toBe(120);
      // Both ways of making a ladder are covered: its pieces are queued as chunk parts.
      expect(parts.count() > 0, how).toBe(how === 'in pieces');

      const stream = ready.variants.find((v) => v.name === 'stream')!;
      const { rungs } = await fetchLadder(stream.url);
      expect(rungs).toHaveLength(1);
      expect(await rungFrames(rungs[0]!)).toBe(frames);
      // The frames keep their times: the segments run the file's length, not squeezed.
      expect(rungs[0]!.durations.reduce((sum, d) => sum + d, 0)).toBeCloseTo(seconds, 0);
      const small = await downloadRendition(ready.variants.find((v) => v.name === 'small')!.url);
      expect(await videoFrames(small.path)).toBe(frames);
    },
    300_000,
  );
});
