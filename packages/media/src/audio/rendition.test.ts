import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ffprobeJson, outputDir } from '../video/test-clips.js';
import { analyseAudio } from './analyse.js';
import { probeAudio } from './probe.js';
import { renderAudioRendition } from './rendition.js';
import { audioFile, ebur128, type AudioName } from './test-audio.js';
import type { AudioRenditionSpec, AudioStreamFacts } from './types.js';

const RUN = { timeoutMs: 60_000 };
const QUIET: AudioStreamFacts = { durationSeconds: 6, sampleRate: 44_100, channels: 2 };

async function render(name: AudioName, source: AudioStreamFacts, spec: AudioRenditionSpec) {
  const path = await audioFile(name);
  const { loudness } = await analyseAudio(path, source, { ...RUN, waveformPoints: [] });
  const outputPath = join(await outputDir(), `out.${spec.format}`);
  return { path, loudness, result: await renderAudioRendition(path, source, spec, loudness, { ...RUN, outputPath }) };
}

/** Tags ffprobe finds anywhere in the file: the container's and every stream's. */
async function tagsOf(path: string): Promise<Record<string, string>> {
  const json = await ffprobeJson(path);
  return Object.assign({}, json.format.tags, ...json.streams.map((s) => s.tags ?? {}));
}

describe('renderAudioRendition', () => {
  it.each([
    ['m4a', 'aac', -16],
    ['mp3', 'mp3', -19],
    ['opus', 'opus', -23],
  ] as const)('normalises a quiet file to %s at its target within 1 LU, true peak at most -1 dBTP', async (format, codec, loudness) => {
    const { result } = await render('quiet.mp3', QUIET, { format, bitrate: 96, loudness });
    const measured = await ebur128(result.path);
    expect(Math.abs(measured.integrated - loudness)).toBeLessThanOrEqual(1);
    expect(measured.truePeak).toBeLessThanOrEqual(-1);
    const probe = await ffprobeJson(result.path);
    expect(probe.streams.map((s) => s.codec_name)).toEqual([codec]);
    expect(result.durationSeconds).toBeGreaterThan(5.9);
    expect(result.channels).toBe(2);
  });

  it('brings a full-scale tone down to the target with its true peak under -1 dBTP', async () => {
    const { result } = await render(
      'loud.wav',
      { durationSeconds: 4, sampleRate: 48_000, channels: 1 },
      { format: 'm4a', bitrate: 64, loudness: -16 },
    );
    const measured = await ebur128(result.path);
    expect(Math.abs(measured.integrated + 16)).toBeLessThanOrEqual(1);
    expect(measured.truePeak).toBeLessThanOrEqual(-1);
    expect(result).toMatchObject({ channels: 1, sampleRate: 48_000, contentType: 'audio/mp4' });
  });

  it('limits the peaks where one gain would push the true peak over -1 dBTP', async () => {
    const source = { durationSeconds: 8, sampleRate: 44_100, channels: 1 };
    const { loudness, result } = await render('peaky.wav', source, { format: 'm4a', bitrate: 96, loudness: -16 });
    expect(loudness!.truePeak + (-16 - loudness!.integrated)).toBeGreaterThan(0); // one gain would clip
    const measured = await ebur128(result.path);
    expect(Math.abs(measured.integrated + 16)).toBeLessThanOrEqual(1);
    expect(measured.truePeak).toBeLessThanOrEqual(-1);
  });

  it('keeps the level without a loudness target', async () => {
    const { path, result } = await render('quiet.mp3', QUIET, { format: 'mp3', bitrate: 128 });
    const [before, after] = await Promise.all([ebur128(path), ebur128(result.path)]);
    // No gain: only the encoder's low-pass takes a little of the noise's top end.
    expect(Math.abs(after.integrated - before.integrated)).toBeLessThanOrEqual(1);
  });

  it("carries no tag, picture or chapter of the original's", async () => {
    for (const format of ['m4a', 'mp3', 'opus'] as const) {
      const { result } = await render('cover.mp3', { durationSeconds: 3, sampleRate: 44_100, channels: 1 }, { format, bitrate: 64, loudness: -16 });
      const probe = await ffprobeJson(result.path);
      expect(probe.streams.map((s) => s.codec_type)).toEqual(['audio']);
      const tags = Object.entries(await tagsOf(result.path)).map(([k, v]) => `${k}=${v}`.toLowerCase());
      expect(tags.filter((t) => /secret|private|internal|title|artist|comment/.test(t))).toEqual([]);
    }
  });

  it('mixes more than two channels down to stereo', async () => {
    const { result } = await render('surround.flac', { durationSeconds: 2, sampleRate: 44_100, channels: 6 }, { format: 'opus', bitrate: 64 });
    expect(result).toMatchObject({ channels: 2, sampleRate: 48_000, contentType: 'audio/ogg' });
  });

  it('reads no further than a few seconds past the duration the probe passed, whatever follows a gap', async () => {
    const path = await audioFile('sound-after-a-gap.m4a');
    const probe = await probeAudio({ path }, { maxDurationSeconds: 120 });
    expect(probe.durationSeconds).toBe(1);
    const { loudness, decodedSeconds } = await analyseAudio(path, probe, { ...RUN, waveformPoints: [10] });
    expect(decodedSeconds).toBeLessThan(6);
    const outputPath = join(await outputDir(), 'gap.m4a');
    const result = await renderAudioRendition(path, probe, { format: 'm4a', bitrate: 64 }, loudness, { ...RUN, outputPath });
    expect(result.durationSeconds).toBeLessThan(6);
  });

  it('renders silence as it is (nothing to normalise)', async () => {
    const { result, loudness } = await render(
      'silence.flac',
      { durationSeconds: 3, sampleRate: 44_100, channels: 1 },
      { format: 'm4a', bitrate: 64, loudness: -16 },
    );
    expect(loudness).toBeNull();
    expect(result.durationSeconds).toBeGreaterThan(2.9);
  });
});
