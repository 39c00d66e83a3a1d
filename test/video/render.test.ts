import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fetchVariant, fixture } from '../support/images.js';
import { spec, writePresetsFile } from '../support/presets.js';
import { waitFor } from '../support/services.js';
import { openSse } from '../support/sse.js';
import {
  clip,
  downloadRendition,
  filesUnder,
  mediaProcessesMentioning,
  metadataTags,
  slowVideo,
  topLevelBoxes,
  uploadVideo,
  waitForTranscode,
} from '../support/video.js';
import { facesSearched } from '../support/faces-on.js';
import { setupHarness, setupTenant } from '../support/setup-harness.js';

/**
 * Video through the real API, bucket and worker (ffmpeg): posters through the image pipeline,
 * renditions checked with ffprobe, progress on the job and over SSE, and a DELETE that kills ffmpeg.
 */
let tmpDir: string;
const harness = setupHarness(async () => {
  tmpDir = await mkdtemp(join(tmpdir(), 'darkroom-video-worker-'));
  const presets = await writePresetsFile({
    webm: [
      spec('poster', 'inside', 64),
      { name: 'clip', fit: 'inside', width: 96, height: 96, format: 'webm', quality: 40, maxDuration: 1, audio: false },
    ],
    slow: [{ name: 'full', fit: 'inside', width: 320, height: 240, format: 'mp4', quality: 60 }],
  });
  return { env: { ...facesSearched, PRESETS_FILE: presets, TMP_DIR: tmpDir } };
});
const tenant = setupTenant(harness, 'video');

const byName = (asset: any, name: string) => asset.variants.find((v: any) => v.name === name);

describe('video, end to end', () => {
  it('an MP4 with audio: poster variants from its frame and a 720p H.264/AAC rendition with faststart, never upscaled', async () => {
    const { asset: queued, job } = await uploadVideo(tenant.client, await clip('basic.mp4'));
    expect(queued).toMatchObject({ kind: 'video', status: 'queued', playable: false, duration: null, video: null });
    const asset = await tenant.client.waitForAsset(queued.id);
    expect(asset).toMatchObject({ status: 'ready', playable: true, kind: 'video', format: 'mp4', width: 128, height: 72, error: null });
    // Too short to chunk: playable at ready, its event just before, showing the stream alone (still processing).
    const feed = await tenant.client.feed({ assetId: asset.id });
    expect(feed.map((e) => e.type)).toEqual(['asset.uploaded', 'asset.processing', 'asset.playable', 'asset.ready']);
    const playable = feed[2]!.data.asset!;
    expect(playable).toMatchObject({ status: 'processing', playable: true });
    expect(playable.variants.map((v: any) => [v.name, v.format, v.url])).toEqual([['stream', 'hls', byName(asset, 'stream').url]]);
    expect(feed[1]!.data.asset).toMatchObject({ status: 'processing', playable: false, variants: [] });
    expect(asset.duration).toBeCloseTo(2, 0);
    expect(asset.video).toEqual({ codec: 'h264', fps: 10, audio: true, hdr: null });
    expect(asset.dominantColor).toMatch(/^#[0-9a-f]{6}$/);
    expect(Buffer.from(asset.placeholder!, 'base64').length).toBeGreaterThan(5);
    // The poster frame was searched for faces (a test pattern has none).
    expect(asset.faces).toEqual([]);

    expect(asset.variants.map((v: any) => v.name).sort()).toEqual(['720p', 'large', 'medium', 'small', 'storyboard', 'stream', 'thumb']);
    for (const name of ['thumb', 'small', 'medium', 'large']) {
      const poster = byName(asset, name);
      expect(poster).toMatchObject({ kind: 'image', format: 'webp', duration: null });
      const got = await fetchVariant(poster.url);
      expect(got.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
      expect([got.meta.width, got.meta.height]).toEqual([poster.width, poster.height]);
    }
    expect(byName(asset, 'small')).toMatchObject({ width: 128, height: 72 }); // the poster is not upscaled either

    const rendition = byName(asset, '720p');
    expect(rendition).toMatchObject({ kind: 'video', format: 'mp4', width: 128, height: 72 });
    expect(rendition.duration).toBeCloseTo(2, 0);
    const got = await downloadRendition(rendition.url);
    expect(got.status).toBe(200);
    expect(got.headers.get('content-type')).toBe('video/mp4');
    expect(got.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(got.data.length).toBe(rendition.size);
    const [video, audio] = ['video', 'audio'].map((type) => got.probe.streams.find((s) => s.codec_type === type));
    expect(video).toMatchObject({ codec_name: 'h264', width: 128, height: 72 });
    expect(audio).toMatchObject({ codec_name: 'aac' });
    const boxes = topLevelBoxes(got.data);
    expect(boxes.indexOf('moov')).toBeGreaterThanOrEqual(0);
    expect(boxes.indexOf('moov')).toBeLessThan(boxes.indexOf('mdat'));

    const finished = await tenant.client.request('GET', `/v1/jobs/${job.id}`);
    expect(finished.body).toMatchObject({ state: 'completed', progress: 1, error: null });
  });

  it('a QuickTime with an iPhone location: nothing of it survives into the rendition', async () => {
    const original = await clip('located.mov');
    expect(JSON.stringify(await metadataTags(original))).toContain('+37.3349-122.0090');
    const { asset } = await uploadVideo(tenant.client, original, 'video/quicktime');
    const ready = await tenant.client.waitForAsset(asset.id);
    expect(ready).toMatchObject({ status: 'ready', kind: 'video', format: 'mov', contentType: 'video/quicktime' });
    const got = await downloadRendition(byName(ready, '720p').url);
    const tags = JSON.stringify(await metadataTags(got.path));
    for (const word of ['37.3349', 'location', 'ISO6709', 'Secret place', 'creation_time']) expect(tags).not.toContain(word);
    expect(got.data.includes('37.3349')).toBe(false);
  });

  it('a rotated clip is as displayed: portrait asset, posters and rendition with even sides', async () => {
    const { asset } = await uploadVideo(tenant.client, await clip('rotated.mp4'));
    const ready = await tenant.client.waitForAsset(asset.id);
    expect(ready).toMatchObject({ status: 'ready', width: 72, height: 128 });
    expect(byName(ready, 'small')).toMatchObject({ width: 72, height: 128 });
    const got = await downloadRendition(byName(ready, '720p').url);
    const video = got.probe.streams.find((s) => s.codec_type === 'video')!;
    const rotation = video.side_data_list?.find((d) => d.rotation !== undefined)?.rotation ?? 0;
    const shown = Math.abs(rotation) % 180 === 90 ? [video.height, video.width] : [video.width, video.height];
    expect(shown).toEqual([72, 128]);
    expect(shown.every((side) => side! % 2 === 0)).toBe(true);
  });

  it('a WebM preset: VP9 without audio, cut at maxDuration; the same preset on an image skips the video format', async () => {
    const { asset } = await uploadVideo(tenant.client, await clip('basic.mp4'), 'video/mp4', 'webm');
    const image = await tenant.client.uploadAndComplete(new Uint8Array(await readFile(fixture('320x240.jpg'))), {
      filename: 'photo.jpg',
      contentType: 'image/jpeg',
      preset: 'webm',
    });
    const [video, photo] = await Promise.all([tenant.client.waitForAsset(asset.id), tenant.client.waitForAsset(image.asset.id)]);
    expect(video.variants.map((v: any) => [v.name, v.kind, v.format])).toEqual([
      ['poster', 'image', 'webp'],
      ['clip', 'video', 'webm'],
    ]);
    const clipVariant = byName(video, 'clip');
    expect(clipVariant.width).toBeLessThanOrEqual(96);
    expect(clipVariant.duration).toBeLessThanOrEqual(1.2);
    const got = await downloadRendition(clipVariant.url);
    expect(got.headers.get('content-type')).toBe('video/webm');
    expect(got.probe.streams.map((s) => [s.codec_type, s.codec_name])).toEqual([['video', 'vp9']]);

    expect(photo).toMatchObject({ status: 'ready', kind: 'image', playable: null, duration: null, video: null, error: null });
    expect((await tenant.client.feed({ assetId: photo.id })).map((e) => e.type)).not.toContain('asset.playable');
    expect(photo.variants.map((v: any) => v.name)).toEqual(['poster']);
  });
});

describe('progress and DELETE', () => {
  it('reports progress on the job and live over SSE (asset.progress), never in the events feed', async () => {
    const { asset, parts } = await tenant.client.upload(new Uint8Array(await readFile(await slowVideo())), {
      filename: 'slow.mp4',
      contentType: 'video/mp4',
      preset: 'slow',
    });
    const live = await openSse(harness.baseUrl, `/v1/assets/${asset.id}/events`, tenant.client.token!);
    const tenantStream = await openSse(harness.baseUrl, '/v1/events/stream', tenant.client.token!);
    const completed = await tenant.client.request('POST', `/v1/uploads/${asset.id}/complete`, parts ? { parts } : {});
    expect(completed.status).toBe(202);
    const { job } = completed.body;
    const seen: number[] = [];
    await waitFor(
      'the job to report progress',
      async () => {
        const now = (await tenant.client.request('GET', `/v1/jobs/${job.id}`)).body;
        if (now.progress !== null) seen.push(now.progress);
        return (now.progress ?? 0) > 0 && now.state === 'active';
      },
      120_000,
      200,
    );
    await live.waitForEvents(1, (e) => e.event === 'asset.ready', 180_000);
    live.close();
    await tenantStream.waitForEvents(1, (e) => e.event === 'asset.ready' && e.data.data.asset.id === asset.id);
    tenantStream.close();
    expect(tenantStream.events.filter((e) => e.event === 'asset.progress' && e.data.data.assetId === asset.id).length).toBeGreaterThanOrEqual(1);

    const progress = live.events.filter((e) => e.event === 'asset.progress');
    expect(progress.length).toBeGreaterThanOrEqual(1);
    for (const message of progress) {
      expect(message.id).toBeUndefined();
      expect(message.data).toMatchObject({ type: 'asset.progress', data: { assetId: asset.id, jobId: job.id } });
      expect(message.data.data.progress).toBeGreaterThanOrEqual(0);
      expect(message.data.data.progress).toBeLessThanOrEqual(1);
    }
    const fractions = progress.map((m) => m.data.data.progress);
    expect(fractions).toEqual([...fractions].sort((a, b) => a - b)); // never backwards
    expect(Math.max(...fractions)).toBeGreaterThan(0);
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
    const feed = await tenant.client.feed({ assetId: asset.id });
    // No stream in this preset: still playable at ready (an MP4 plays).
    expect(feed.map((e) => e.type)).toEqual(['asset.uploaded', 'asset.processing', 'asset.playable', 'asset.ready']);
    expect((await tenant.client.request('GET', `/v1/jobs/${job.id}`)).body).toMatchObject({ state: 'completed', progress: 1 });
  });

  it('a DELETE during a transcode kills ffmpeg, and leaves no temp file, object or row behind', async () => {
    const { asset, job } = await uploadVideo(tenant.client, await slowVideo(), 'video/mp4', 'slow');
    await waitForTranscode(tenant.client, job.id, tmpDir);
    expect((await tenant.client.request('DELETE', `/v1/assets/${asset.id}`)).status).toBe(204);

    await waitFor('ffmpeg to be killed', async () => (await mediaProcessesMentioning(tmpDir)).length === 0, 10_000, 100);
    await waitFor('the temp files to go', async () => (await filesUnder(tmpDir)).length === 0, 10_000, 100);
    await waitFor('the asset to be gone', async () => (await tenant.client.request('GET', `/v1/assets/${asset.id}`)).status === 404, 30_000);
    await waitFor('its objects to be gone', async () => (await harness.countVariantObjects(tenant.tenantId, asset.id)) === 0, 30_000);
  });
});
