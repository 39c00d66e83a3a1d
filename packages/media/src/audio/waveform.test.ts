import { describe, expect, it } from 'vitest';
import { samplesPerPixel, WaveformBuilder } from './waveform.js';

/** 16-bit little-endian PCM of these samples. */
function pcm(samples: number[]): Buffer {
  const bytes = Buffer.alloc(samples.length * 2);
  for (const [i, s] of samples.entries()) bytes.writeInt16LE(s, i * 2);
  return bytes;
}

describe('WaveformBuilder', () => {
  it('writes the min and max of each pixel, scaled to 8 bits by a shift', () => {
    const builder = new WaveformBuilder(4, 1); // 4 samples a pixel
    builder.push(pcm([0, 32767, -32768, 256, -256, 511, 100, -1]));
    expect(builder.toJson()).toEqual({
      version: 2,
      channels: 1,
      sample_rate: 4,
      samples_per_pixel: 4,
      bits: 8,
      length: 2,
      data: [-128, 127, -1, 1],
    });
  });

  it('gives the same peaks whatever the chunk boundaries, a sample split across two chunks included', () => {
    const samples = Array.from({ length: 1001 }, (_, i) => Math.round(Math.sin(i / 7) * 30000 * ((i % 13) / 13)));
    const whole = new WaveformBuilder(100, 10);
    whole.push(pcm(samples));
    const bytes = pcm(samples);
    const pieces = new WaveformBuilder(100, 10);
    // Odd sizes, so samples split and chunks start at odd offsets of their buffer.
    for (let at = 0; at < bytes.length; ) {
      const size = 1 + ((at * 7) % 33);
      pieces.push(bytes.subarray(at, at + size));
      at += size;
    }
    expect(pieces.toJson()).toEqual(whole.toJson());
    expect(whole.toJson().length).toBe(Math.ceil(1001 / 10)); // the last, partial pixel counts
  });

  it('grows past the expected length', () => {
    const builder = new WaveformBuilder(10, 10, 1);
    builder.push(pcm(Array.from({ length: 500 }, (_, i) => (i % 2 ? 1000 : -1000))));
    const json = builder.toJson();
    expect(json.length).toBe(500);
    expect(json.data).toHaveLength(1000);
    expect(json.data.slice(0, 4)).toEqual([-4, -4, 3, 3]);
  });

  it('has no pixels for no samples', () => {
    expect(new WaveformBuilder(44_100, 10).toJson()).toMatchObject({ length: 0, data: [] });
  });
});

describe('samplesPerPixel', () => {
  it('is the sample rate over the points, at least one', () => {
    expect(samplesPerPixel(44_100, 10)).toBe(4410);
    expect(samplesPerPixel(48_000, 100)).toBe(480);
    expect(samplesPerPixel(8, 100)).toBe(1);
  });
});
