import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { audioFile, type AudioName } from '../../packages/media/src/audio/test-audio.js';
import { setupHarness, setupTenant } from '../support/setup-harness.js';

/**
 * Audio through the real API and bucket: each accepted type is sniffed, then probed where it lies
 * (ffprobe by ranged reads of a short-lived URL) at `complete`, and the asset shows `kind: "audio"`,
 * its duration and `audio` before any worker runs (loudness is the worker's to measure).
 */
const harness = setupHarness({ withWorker: false });
const tenant = setupTenant(harness, 'audio');

async function upload(name: AudioName, contentType: string) {
  const bytes = new Uint8Array(await readFile(await audioFile(name)));
  return tenant.client.uploadAndComplete(bytes, { filename: name, contentType });
}

describe('audio, at complete', () => {
  it.each<[AudioName, string, string, string, number]>([
    ['tone.mp3', 'audio/mpeg', 'mp3', 'mp3', 44_100],
    ['tone.m4a', 'audio/mp4', 'mp4', 'aac', 44_100],
    ['tone.m4a', 'audio/x-m4a', 'mp4', 'aac', 44_100],
    ['tone.mp4', 'audio/mp4', 'mp4', 'aac', 44_100],
    ['tone.aac', 'audio/aac', 'aac', 'aac', 44_100],
    ['tone.wav', 'audio/wav', 'wav', 'pcm_s16le', 44_100],
    ['tone.flac', 'audio/flac', 'flac', 'flac', 44_100],
    ['tone-opus.ogg', 'audio/ogg', 'ogg', 'opus', 48_000],
    ['tone-vorbis.ogg', 'audio/ogg', 'ogg', 'vorbis', 44_100],
  ])('%s as %s: kind audio, format %s, codec %s, probed before the worker', async (name, contentType, format, codec, sampleRate) => {
    const { asset: queued } = await upload(name, contentType);
    const asset = (await tenant.client.request('GET', `/v1/assets/${queued.id}`)).body;
    for (const seen of [queued, asset]) {
      expect(seen).toMatchObject({ status: 'queued', kind: 'audio', contentType, format, width: null, height: null, video: null });
      expect(seen.audio).toEqual({ codec, sampleRate, channels: 1, loudness: null });
      expect(seen.duration).toBeGreaterThan(2.9);
      expect(seen.duration).toBeLessThan(3.2);
    }
  });

  it('the default preset offers podcast (m4a, 96 kbit/s, -16 LUFS) and waveform', async () => {
    const { items } = (await tenant.client.request('GET', '/v1/presets')).body;
    const variants = items.find((p: { name: string }) => p.name === 'default')?.variants;
    expect(variants).toEqual(
      expect.arrayContaining([
        { name: 'podcast', format: 'm4a', bitrate: 96, loudness: -16 },
        { name: 'waveform', format: 'waveform', points: 10 },
      ]),
    );
  });

  it('a tenant preset takes audio variants within their bounds and refuses others', async () => {
    const ok = await tenant.client.request('PUT', '/v1/presets/episodes', {
      variants: [
        { name: 'cover', fit: 'cover', width: 300, height: 300, format: 'webp', quality: 80 },
        { name: 'low', format: 'opus', bitrate: 32, loudness: -19 },
        { name: 'peaks', format: 'waveform', points: 50 },
      ],
    });
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    const bad = await tenant.client.request('PUT', '/v1/presets/episodes', { variants: [{ name: 'loud', format: 'mp3', loudness: -5 }] });
    expect(bad.status).toBe(400);
    expect(bad.body.error?.code).toBe('invalid_request');
  });
});
