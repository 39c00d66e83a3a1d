import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fetchLadder, keyframeTimes, keyframeTimesOf } from '../support/hls.js';
import { writePresetsFile } from '../support/presets.js';
import { waitFor } from '../support/services.js';
import { clip, downloadRendition, filesUnder, mediaProcessesMentioning, slowVideo, uploadVideo, waitForTranscode } from '../support/video.js';
import { setupHarness, setupTenant } from '../support/setup-harness.js';

/**
 * HLS ladders through the real API, bucket and worker: the variant the tenant sees, every file a
 * player fetches (relative URLs, content types, CORS), rungs cut at the same times, an MP4 rendition
 * made from a rung instead of a second encode, and a DELETE that kills the ladder's ffmpeg.
 */
let tmpDir: string;
const harness = setupHarness(async () => {
  tmpDir = await mkdtemp(join(tmpdir(), 'darkroom-hls-worker-'));
  const presets = await writePresetsFile({
    ladder: [
      { name: 'stream', format: 'hls', width: 1920, height: 1080, quality: 70, segmentSeconds: 2 },
      { name: '360p', fit: 'inside', width: 640, height: 360, format: 'mp4', quality: 70 },
    ],
    slowladder: [{ name: 'stream', format: 'hls', width: 320, height: 240, quality: 60 }],
  });
  return { env: { PRESETS_FILE: presets, TMP_DIR: tmpDir } };
});
const tenant = setupTenant(harness, 'hls');

const byName = (asset: any, name: string) => asset.variants.find((v: any) => v.name === name);

describe('HLS, end to end', () => {
  it('a ladder of two rungs: the master playlist as the URL, rungs aligned, every file public with its type, the 360p MP4 from its rung', async () => {
    const { asset: queued, job } = await uploadVideo(tenant.client, await clip('ladder.mp4'), 'video/mp4', 'ladder');
    const asset = await tenant.client.waitForAsset(queued.id, 120_000);
    expect(asset).toMatchObject({ status: 'ready', kind: 'video', width: 640, height: 360 });
    const stream = byName(asset, 'stream');
    expect(stream).toMatchObject({ kind: 'video', format: 'hls', width: 640, height: 360 });
    expect(stream.url).toMatch(/\/stream-[0-9a-f]{12}\/master\.m3u8$/);
    expect(stream.duration).toBeCloseTo(5, 0);
    expect(stream.renditions).toEqual([
      { width: 640, height: 360, bandwidth: expect.any(Number) },
      { width: 426, height: 240, bandwidth: expect.any(Number) },
    ]);

    const { master, rungs } = await fetchLadder(stream.url, { origin: 'https://player.example' });
    expect(master.status).toBe(200);
    expect(master.headers.get('content-type')).toBe('application/vnd.apple.mpegurl');
    expect(master.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(master.headers.get('access-control-allow-origin')).toBe('*');
    expect(rungs.map((r) => r.attributes.RESOLUTION).sort()).toEqual(['426x240', '640x360']);
    let total = master.bytes.length;
    for (const rung of rungs) {
      const [width, height] = rung.attributes.RESOLUTION!.split('x').map(Number);
      const rendition = stream.renditions.find((r: any) => r.width === width && r.height === height);
      expect(Number(rung.attributes.BANDWIDTH)).toBe(rendition.bandwidth);
      expect(Number(rung.attributes['AVERAGE-BANDWIDTH'])).toBeLessThanOrEqual(rendition.bandwidth);
      expect(rung.attributes.CODECS).toMatch(/^avc1\.64[0-9a-f]{4},mp4a\.40\.2$/);
      expect(rung.attributes['FRAME-RATE']).toBe('10.000');
      expect(rung.playlist.headers.get('content-type')).toBe('application/vnd.apple.mpegurl');
      expect(rung.segments[0]!.headers.get('content-type')).toBe('video/mp4');
      for (const segment of [rung.playlist, ...rung.segments]) {
        expect(segment.status).toBe(200);
        expect(segment.url.startsWith(stream.url.replace(/master\.m3u8$/, ''))).toBe(true);
        total += segment.bytes.length;
      }
      for (const segment of rung.segments.slice(1)) expect(segment.headers.get('content-type')).toBe('video/iso.segment');
      expect(rung.durations).toEqual([2, 2, 1]);
    }
    expect(stream.size).toBe(total);
    const [high, low] = await Promise.all(rungs.map((r) => keyframeTimesOf(r.segments)));
    expect(high).toEqual(low); // every segment of every rung starts with a keyframe at the same time
    expect(high).toHaveLength(3);

    // The 360p MP4 is the 360-line rung remuxed: it has the rung's keyframes every 2 s, which x264 left to itself would not place.
    const mp4 = await downloadRendition(byName(asset, '360p').url);
    expect(mp4.probe.streams.map((s) => [s.codec_type, s.codec_name, s.width])).toEqual([
      ['video', 'h264', 640],
      ['audio', 'aac', undefined],
    ]);
    // (Timestamps counted from the first frame: the remux may start the timeline at another offset.)
    const fromFirst = (times: string[]) => times.map((t) => (Number(t) - Number(times[0])).toFixed(1));
    expect(fromFirst(await keyframeTimes(mp4.path))).toEqual(fromFirst(high!));
    expect((await tenant.client.request('GET', `/v1/jobs/${job.id}`)).body).toMatchObject({ state: 'completed', progress: 1 });
  });

  it('the default preset streams a video too, and nothing of an iPhone location reaches a playlist or segment', async () => {
    const { asset } = await uploadVideo(tenant.client, await clip('located.mov'), 'video/quicktime');
    const ready = await tenant.client.waitForAsset(asset.id, 120_000);
    const stream = byName(ready, 'stream');
    expect(stream).toMatchObject({ format: 'hls', kind: 'video', renditions: [{ width: 128, height: 72, bandwidth: expect.any(Number) }] });
    const { master, rungs } = await fetchLadder(stream.url);
    for (const file of [master, ...rungs.flatMap((r) => [r.playlist, ...r.segments])]) {
      for (const needle of ['ISO6709', '37.3349', '\u00a9xyz', 'Secret place', '2024-05-01'])
        expect(file.bytes.includes(needle, 0, 'latin1')).toBe(false);
    }
    expect(byName(ready, '720p').renditions).toBeUndefined();
  });

  it('a DELETE during a ladder kills its ffmpeg and leaves no temp file, object or row behind', async () => {
    const { asset, job } = await uploadVideo(tenant.client, await slowVideo(), 'video/mp4', 'slowladder');
    await waitForTranscode(tenant.client, job.id, tmpDir);
    expect((await mediaProcessesMentioning(tmpDir)).some((line) => line.includes('-f hls'))).toBe(true);
    expect((await tenant.client.request('DELETE', `/v1/assets/${asset.id}`)).status).toBe(204);

    await waitFor('ffmpeg to be killed', async () => (await mediaProcessesMentioning(tmpDir)).length === 0, 10_000, 100);
    await waitFor('the temp files to go', async () => (await filesUnder(tmpDir)).length === 0, 10_000, 100);
    await waitFor('the asset to be gone', async () => (await tenant.client.request('GET', `/v1/assets/${asset.id}`)).status === 404, 30_000);
    await waitFor('its objects to be gone', async () => (await harness.countVariantObjects(tenant.tenantId, asset.id)) === 0, 30_000);
  });
});
