import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { TestApi } from '../support/client.js';
import { expectNothingInternal, expectRefusal } from '../support/hostile.js';
import { clip, downloadRendition, ffmpeg, uploadVideo } from '../support/video.js';
import { setupHarness } from '../support/setup-harness.js';

/**
 * Uploads that are "video" only by their declared type (a playlist, subtitles), and a video whose
 * sound runs far past its picture: each gets a clear outcome within the limits, and the worker
 * keeps working. (That ffmpeg never follows what a playlist names is held in packages/media's
 * untrusted-input.test.ts.)
 */
const harness = setupHarness();
let client: TestApi;
let dir: string;

beforeAll(async () => {
  client = harness.admin.withToken((await harness.admin.createTenant('hostile-video-streams')).apiKey);
  dir = await mkdtemp(join(tmpdir(), 'darkroom-hostile-streams-'));
});

const PICTURE_2S = ['-f', 'lavfi', '-i', 'testsrc2=size=128x72:rate=10:duration=2'];
const ENCODE = ['-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-b:a', '16k'];

/** 2 s of picture; the sound starts four hours later (`-itsoffset`): a file of a few dozen KB whose streams end past VIDEO_MAX_DURATION (3 h) apart. */
async function soundHoursLater(): Promise<string> {
  const out = join(dir, 'hours-apart.mp4');
  await ffmpeg([...PICTURE_2S, '-itsoffset', '14400', '-f', 'lavfi', '-i', 'sine=duration=1', '-map', '0:v', '-map', '1:a', ...ENCODE, out]);
  return out;
}

/** 2 s of picture and ten minutes of silence: under VIDEO_MAX_DURATION, so it renders (in chunks: past VIDEO_CHUNK_SECONDS). */
async function tenMinutesOfSilence(): Promise<string> {
  const out = join(dir, 'silence.mp4');
  await ffmpeg([...PICTURE_2S, '-f', 'lavfi', '-i', 'anullsrc=r=8000:cl=mono', '-t', '600', '-map', '0:v', '-map', '1:a', ...ENCODE, out]);
  return out;
}

const TEXTS = {
  'playlist.m3u8':
    '#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXTINF:2,\nfile:///etc/passwd\n#EXTINF:2,\nhttp://169.254.169.254/latest/meta-data/\n#EXT-X-ENDLIST\n',
  'subtitles.srt': '1\n00:00:00,000 --> 00:00:02,000\nHello\n',
  'subtitles.vtt': 'WEBVTT\n\n00:00.000 --> 00:02.000\nHello\n',
};

describe('hostile video streams', () => {
  it.each(Object.entries(TEXTS))('%s uploaded as a video is refused at complete: 415 content_mismatch', async (filename, text) => {
    for (const contentType of ['video/mp4', 'video/quicktime', 'video/webm']) {
      const { asset } = await client.upload(new TextEncoder().encode(text), { filename: filename.replace(/\.\w+$/, '.mp4'), contentType });
      const complete = await client.request('POST', `/v1/uploads/${asset.id}/complete`, {});
      expectRefusal(harness, complete, 415, 'content_mismatch');
      expect((await client.request('GET', `/v1/assets/${asset.id}`)).body.status).toBe('awaiting_upload');
    }
  });

  it('sound four hours after the picture: video_too_long at once (one attempt), nothing decoded', async () => {
    const { asset, job } = await uploadVideo(client, await soundHoursLater());
    const failed = await client.waitForAsset(asset.id, 120_000);
    expect(failed).toMatchObject({ status: 'failed', kind: 'video', variants: [], error: { code: 'video_too_long' } });
    expectNothingInternal(harness, failed);
    expect((await client.request('GET', `/v1/jobs/${job.id}`)).body).toMatchObject({ state: 'failed', attempts: 1 });
  });

  it('ten minutes of sound under two seconds of picture: ready (in chunks), the rendition as long as the sound, the storyboard only of real frames', async () => {
    const { asset, job } = await uploadVideo(client, await tenMinutesOfSilence());
    const ready = await client.waitForAsset(asset.id, 300_000);
    expect(ready).toMatchObject({ status: 'ready', error: null });
    expect(ready.duration).toBeCloseTo(600, 0);
    const rendition = ready.variants.find((v: any) => v.name === '720p')!;
    const got = await downloadRendition(rendition.url);
    const streams = Object.fromEntries(got.probe.streams.map((s) => [s.codec_type, s]));
    expect(Object.keys(streams).sort()).toEqual(['audio', 'video']);
    expect(Number(got.probe.format.duration)).toBeCloseTo(600, 0);
    const board = ready.variants.find((v: any) => v.name === 'storyboard')!;
    const cues = (await (await fetch(board.url)).text()).split('\n').filter((line) => line.includes('#xywh='));
    // 100 tiles six seconds apart were asked for; the picture holds frames for the first only.
    expect(cues.length).toBeGreaterThanOrEqual(1);
    expect(cues.length).toBeLessThanOrEqual(2);
    expect((await client.request('GET', `/v1/jobs/${job.id}`)).body).toMatchObject({ state: 'completed', attempts: 1 });
  }, 300_000);

  it('the worker keeps serving after all of them', async () => {
    const { asset } = await uploadVideo(client, await clip('basic.mp4'));
    expect((await client.waitForAsset(asset.id, 120_000)).status).toBe('ready');
  });
});
