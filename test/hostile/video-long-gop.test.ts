import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { fetchLadder } from '../support/hls.js';
import { writePresetsFile } from '../support/presets.js';
import { setupHarness, setupTenant } from '../support/setup-harness.js';
import { ffmpeg, uploadVideo, watchChunkParts } from '../support/video.js';

/**
 * Sources whose keyframes are far apart, as screen recorders write them. A piece of a chunked ladder
 * is read with `-ss` before the input, which decodes from the keyframe before its start: with one
 * keyframe every piece decodes from the file's start, quadratic in its length, and a long recording
 * ended `render_timeout`. Such a source is now rendered in one pass (no chunk part is queued), while
 * a source with a keyframe each second is still rendered in pieces. The long one (40 minutes of a 16x16 screen at 25 fps, one keyframe) was
 * refused outright before, as `corrupt_video`: the probe kept every packet it read past the first
 * keyframe and overflowed its output cap.
 */
const harness = setupHarness(async () => {
  const presets = await writePresetsFile({
    gop: [{ name: 'stream', format: 'hls', width: 320, height: 240, quality: 50, segmentSeconds: 2 }],
  });
  // Chunks of 8 s, pieces of 4 s.
  return { env: { PRESETS_FILE: presets, VIDEO_CHUNK_SECONDS: '8' } };
});
const tenant = setupTenant(harness, 'hostile-video-long-gop');
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'darkroom-long-gop-'));
});

/** `seconds` of a `size` test pattern (`source`: a still grey screen for the long one) at `rate`, H.264 with a keyframe every `gop` frames, no scene cuts. */
async function recording(name: string, o: { seconds: number; size: string; rate: number; gop: number; source?: string }): Promise<string> {
  const out = join(dir, name);
  const source = `${o.source ?? 'testsrc2='}size=${o.size}:rate=${o.rate}:duration=${o.seconds}`;
  const encode = ['-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-g', `${o.gop}`, '-sc_threshold', '0'];
  await ffmpeg(['-f', 'lavfi', '-i', source, ...encode, out]);
  return out;
}

/** Uploads a video and waits for it to end; with the chunk parts queued meanwhile. */
async function render(path: string, timeoutMs: number) {
  const parts = await watchChunkParts(harness);
  try {
    const { asset } = await uploadVideo(tenant.client, path, 'video/mp4', 'gop');
    return { asset: await tenant.client.waitForAsset(asset.id, timeoutMs), parts: parts.count() };
  } finally {
    await parts.close();
  }
}

describe('sources with keyframes far apart', () => {
  it('a minute with one keyframe renders in one pass; the same with a keyframe each second in pieces', async () => {
    const single = await render(await recording('one-keyframe.mp4', { seconds: 60, size: '128x72', rate: 10, gop: 100_000 }), 240_000);
    expect(single.asset).toMatchObject({ status: 'ready', error: null, duration: 60 });
    expect(single.parts).toBe(0);

    const keyed = await render(await recording('keyframes.mp4', { seconds: 60, size: '128x72', rate: 10, gop: 10 }), 240_000);
    expect(keyed.asset).toMatchObject({ status: 'ready', error: null });
    expect(keyed.parts).toBeGreaterThan(0);
  }, 600_000);

  it('a 40-minute screen recording with one keyframe is probed and rendered whole, in one pass', async () => {
    const path = await recording('screen.mp4', { seconds: 2400, size: '16x16', rate: 25, gop: 100_000, source: 'color=c=gray:' });
    const { asset, parts } = await render(path, 540_000);
    expect(asset).toMatchObject({ status: 'ready', error: null, duration: 2400 });
    expect(parts).toBe(0);
    const stream = asset.variants.find((v) => v.name === 'stream')!;
    const { rungs } = await fetchLadder(stream.url);
    expect(rungs[0]!.durations.reduce((sum, d) => sum + d, 0)).toBeCloseTo(2400, 0);
  }, 600_000);
});
