import { describe, expect, it } from 'vitest';
import { analyseAudio } from './analyse.js';
import { audioFile, ebur128 } from './test-audio.js';

const RUN = { timeoutMs: 60_000 };

describe('analyseAudio', () => {
  it('measures integrated loudness as ebur128 does, and builds every waveform from the same decode', async () => {
    const path = await audioFile('quiet.mp3');
    const progress: number[] = [];
    const source = { durationSeconds: 6, sampleRate: 44_100, channels: 2 };
    const analysis = await analyseAudio(path, source, { ...RUN, waveformPoints: [10, 100], onProgress: (f) => progress.push(f) });
    const reference = await ebur128(path);
    expect(analysis.loudness?.integrated).toBeCloseTo(reference.integrated, 0);
    expect(analysis.loudness?.integrated).toBeLessThan(-20);
    expect(analysis.decodedSeconds).toBeGreaterThan(5.9);
    const [ten, hundred] = analysis.waveforms;
    expect(ten).toMatchObject({ version: 2, channels: 1, sample_rate: 44_100, samples_per_pixel: 4410, bits: 8 });
    expect(ten!.length).toBeGreaterThanOrEqual(60);
    expect(ten!.length).toBeLessThanOrEqual(61); // an MP3 decodes a few ms longer: its encoder delay and padding
    expect(hundred!.length).toBeGreaterThanOrEqual(600);
    expect(ten!.data).toHaveLength(2 * ten!.length);
    // Noise swings both ways, and its level follows the fixture's 3-second swell: loudest at 0.75 s, quietest at 2.25 s.
    for (let i = 0; i < ten!.length; i++) expect(ten!.data[2 * i]).toBeLessThanOrEqual(ten!.data[2 * i + 1]!);
    const peak = (pixel: number) => ten!.data[2 * pixel + 1]! - ten!.data[2 * pixel]!;
    expect(peak(7)).toBeGreaterThan(2 * peak(22));
    expect(Math.max(...ten!.data)).toBeLessThanOrEqual(127);
    for (const f of progress) expect(f).toBeLessThanOrEqual(1);
  });

  it('has no loudness for silence, and a flat waveform', async () => {
    const path = await audioFile('silence.flac');
    const analysis = await analyseAudio(path, { durationSeconds: 3, sampleRate: 44_100, channels: 1 }, { ...RUN, waveformPoints: [10] });
    expect(analysis.loudness).toBeNull();
    expect(analysis.waveforms[0]!.length).toBe(30);
    expect(new Set(analysis.waveforms[0]!.data)).toEqual(new Set([0]));
  });

  it('measures more than two channels as their stereo mix-down, and samples at the given rate', async () => {
    const path = await audioFile('surround.flac');
    const analysis = await analyseAudio(path, { durationSeconds: 2, sampleRate: 44_100, channels: 6 }, { ...RUN, waveformPoints: [] });
    expect(analysis.loudness?.integrated).toBeGreaterThan(-40);
    expect(analysis.waveforms).toEqual([]);
  });

  it('refuses a text file as corrupt_audio', async () => {
    const path = await audioFile('text.mp3');
    const source = { durationSeconds: 1, sampleRate: 44_100, channels: 1 };
    await expect(analyseAudio(path, source, { ...RUN, waveformPoints: [10] })).rejects.toMatchObject({ code: 'corrupt_audio' });
  });

  it('is stopped by its signal', async () => {
    const path = await audioFile('quiet.mp3');
    const controller = new AbortController();
    controller.abort(new Error('deleted'));
    const source = { durationSeconds: 6, sampleRate: 44_100, channels: 2 };
    await expect(analyseAudio(path, source, { ...RUN, waveformPoints: [10], signal: controller.signal })).rejects.toMatchObject({
      name: 'AbortError',
    });
  });

  it('reports render_timeout when its time runs out', async () => {
    const path = await audioFile('quiet.mp3');
    const source = { durationSeconds: 6, sampleRate: 44_100, channels: 2 };
    await expect(analyseAudio(path, source, { timeoutMs: 1, waveformPoints: [10] })).rejects.toMatchObject({ code: 'render_timeout' });
  });
});
