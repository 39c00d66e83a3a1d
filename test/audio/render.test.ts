import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { audioFile, ebur128, type AudioName } from '../../packages/media/src/audio/test-audio.js';
import type { TestApi } from '../support/client.js';
import { fetchVariant } from '../support/images.js';
import { writePresetsFile } from '../support/presets.js';
import { waitFor } from '../support/services.js';
import { downloadRendition, filesUnder, mediaProcessesMentioning, metadataTags, waitForTranscode } from '../support/video.js';
import { facesSearched } from '../support/faces-on.js';
import { setupHarness, setupTenant } from '../support/setup-harness.js';

/**
 * Audio through the real API, bucket and worker (ffmpeg): the default preset's `podcast` rendition
 * (normalised, checked with ffprobe and ebur128), its waveform JSON, cover art through the image
 * variants, a cover art the image limits refuse, and a DELETE that kills ffmpeg.
 */
let tmpDir: string;
const harness = setupHarness(async () => {
  tmpDir = await mkdtemp(join(tmpdir(), 'darkroom-audio-worker-'));
  const presets = await writePresetsFile({
    // Three normalised passes over ten minutes: long enough to be caught midway.
    slow: [
      { name: 'a', format: 'opus', bitrate: 32, loudness: -16 },
      { name: 'b', format: 'mp3', bitrate: 64, loudness: -19 },
      { name: 'c', format: 'm4a', bitrate: 64, loudness: -23 },
    ],
  });
  return { env: { ...facesSearched, PRESETS_FILE: presets, TMP_DIR: tmpDir } };
});
const tenant = setupTenant(harness, 'audio');

const byName = (asset: any, name: string) => asset.variants.find((v: any) => v.name === name);

async function uploadAudio(client: TestApi, name: AudioName, contentType = 'audio/mpeg', preset?: string) {
  const bytes = new Uint8Array(await readFile(await audioFile(name)));
  return client.uploadAndComplete(bytes, { filename: name, contentType, ...(preset ? { preset } : {}) });
}

describe('audio, end to end', () => {
  it('an MP3 with cover art: the podcast rendition normalised without its tags, the waveform, cover-art variants', async () => {
    const { asset: queued, job } = await uploadAudio(tenant.client, 'cover.mp3');
    expect(queued).toMatchObject({ kind: 'audio', status: 'queued', playable: false });
    const asset = await tenant.client.waitForAsset(queued.id, 120_000);
    expect(asset).toMatchObject({ status: 'ready', playable: true, kind: 'audio', width: null, height: null, error: null, video: null });
    // Audio is playable at ready: its event just before.
    const feed = await tenant.client.feed({ assetId: asset.id });
    expect(feed.map((e) => e.type)).toEqual(['asset.uploaded', 'asset.processing', 'asset.playable', 'asset.ready']);
    expect(feed[2]!.data.asset).toMatchObject({ status: 'processing', playable: true });
    expect(asset.duration).toBeCloseTo(3, 0);
    expect(asset.audio).toMatchObject({ codec: 'mp3', sampleRate: 44_100, channels: 1 });
    expect(Math.abs(asset.audio!.loudness! - (await ebur128(await audioFile('cover.mp3'))).integrated)).toBeLessThanOrEqual(0.5);
    // The cover is a red square: so are the placeholder and dominant colour.
    expect(asset.dominantColor).toMatch(/^#(e|f)[0-9a-f](0|1|2)[0-9a-f](0|1|2)[0-9a-f]$/);
    expect(Buffer.from(asset.placeholder!, 'base64').length).toBeGreaterThan(5);
    // The cover was searched for faces (a red square has none).
    expect(asset.faces).toEqual([]);
    expect(asset.variants.map((v: any) => v.name).sort()).toEqual(['large', 'medium', 'podcast', 'small', 'thumb', 'waveform']);

    for (const name of ['thumb', 'small']) {
      const cover = byName(asset, name);
      expect(cover).toMatchObject({ kind: 'image', format: 'webp' });
      const got = await fetchVariant(cover.url);
      expect([got.meta.width, got.meta.height]).toEqual([64, 64]); // never upscaled
    }

    const podcast = byName(asset, 'podcast');
    expect(podcast).toMatchObject({ kind: 'audio', format: 'm4a' });
    expect(podcast.duration).toBeCloseTo(3, 0);
    const got = await downloadRendition(podcast.url);
    expect(got.headers.get('content-type')).toBe('audio/mp4');
    expect(got.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(got.data.length).toBe(podcast.size);
    expect(got.probe.streams.map((s) => [s.codec_type, s.codec_name])).toEqual([['audio', 'aac']]);
    const tags = JSON.stringify(await metadataTags(got.path));
    for (const word of ['Secret', 'Someone', 'internal', 'title', 'artist', 'comment']) expect(tags).not.toContain(word);
    const measured = await ebur128(got.path);
    expect(Math.abs(measured.integrated + 16)).toBeLessThanOrEqual(1);
    expect(measured.truePeak).toBeLessThanOrEqual(-1);

    const waveform = byName(asset, 'waveform');
    expect(waveform).toMatchObject({ kind: 'audio', format: 'waveform' });
    const res = await fetch(waveform.url);
    expect(res.headers.get('content-type')).toBe('application/json');
    const json = (await res.json()) as Record<string, any>;
    expect(json).toMatchObject({ version: 2, channels: 1, sample_rate: 44_100, samples_per_pixel: 4410, bits: 8 });
    expect(Math.abs(json.length - asset.duration! * 10)).toBeLessThanOrEqual(1);
    expect(json.data).toHaveLength(2 * json.length);
    expect(json.data.every((v: number) => Number.isInteger(v) && v >= -128 && v <= 127)).toBe(true);

    const finished = await tenant.client.request('GET', `/v1/jobs/${job.id}`);
    expect(finished.body).toMatchObject({ state: 'completed', progress: 1, error: null });
  });

  it('FLAC without cover art: no image variants, no placeholder; the rendition mixes nothing of a picture in', async () => {
    const { asset } = await uploadAudio(tenant.client, 'silence.flac', 'audio/flac');
    const ready = await tenant.client.waitForAsset(asset.id, 120_000);
    expect(ready).toMatchObject({ status: 'ready', kind: 'audio', placeholder: null, dominantColor: null, faces: null });
    expect(ready.audio).toMatchObject({ codec: 'flac', loudness: null }); // silence has no integrated loudness
    expect(ready.variants.map((v: any) => v.name).sort()).toEqual(['podcast', 'waveform']);
  });

  it('a cover art that is a decompression bomb fails the job with too_many_pixels, and the worker goes on', async () => {
    const { asset } = await uploadAudio(tenant.client, 'cover-bomb.mp3');
    const failed = await tenant.client.waitForAsset(asset.id, 120_000);
    expect(failed).toMatchObject({ status: 'failed', playable: false, error: { code: 'too_many_pixels' } });
    expect(failed.error!.message).toMatch(/cover art/i);
    const { asset: next } = await uploadAudio(tenant.client, 'cover.m4a', 'audio/mp4');
    expect(await tenant.client.waitForAsset(next.id, 120_000)).toMatchObject({ status: 'ready', kind: 'audio' });
  });
});

describe('progress and DELETE', () => {
  it('reports progress across the whole job (analysis and every rendition), never backwards, ending at 1', async () => {
    const { asset, job } = await uploadAudio(tenant.client, 'minutes.mp3', 'audio/mpeg', 'slow');
    const seen: number[] = [];
    await waitFor(
      'the job to finish',
      async () => {
        const now = (await tenant.client.request('GET', `/v1/jobs/${job.id}`)).body;
        if (now.progress !== null) seen.push(now.progress);
        return now.state === 'completed' || now.state === 'failed';
      },
      580_000,
      250,
    );
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
    // Four passes (the analysis, three renditions): figures inside the job, not one pass's 0..1 four times.
    expect(seen.filter((p) => p > 0 && p < 1).length).toBeGreaterThanOrEqual(2);
    expect(seen.at(-1)).toBe(1);
    const ready = await tenant.client.waitForAsset(asset.id);
    expect(ready.variants.map((v: any) => [v.name, v.format])).toEqual([
      ['a', 'opus'],
      ['b', 'mp3'],
      ['c', 'm4a'],
    ]);
  }, 600_000);

  it('kills ffmpeg, and leaves no temp file, object or row behind', async () => {
    const { asset, job } = await uploadAudio(tenant.client, 'long.mp3', 'audio/mpeg', 'slow');
    await waitForTranscode(tenant.client, job.id, tmpDir);
    expect((await tenant.client.request('DELETE', `/v1/assets/${asset.id}`)).status).toBe(204);
    await waitFor('ffmpeg to be killed', async () => (await mediaProcessesMentioning(tmpDir)).length === 0, 10_000, 100);
    await waitFor('the temp files to go', async () => (await filesUnder(tmpDir)).length === 0, 10_000, 100);
    await waitFor('the asset to be gone', async () => (await tenant.client.request('GET', `/v1/assets/${asset.id}`)).status === 404, 30_000);
    await waitFor('its objects to be gone', async () => (await harness.countVariantObjects(tenant.tenantId, asset.id)) === 0, 30_000);
  });
});
