import { join } from 'node:path';
import { BadMediaError } from '@darkroom/core/errors';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { hammingDistance, perceptualHash, perceptualHashOfFile } from '../phash.js';
import { fixture } from '../test-fixtures.js';
import { sampleTimes, sampleVideoFrames } from './frames.js';
import { probeVideo } from './probe.js';
import { clip, ffmpeg, outputDir } from './test-clips.js';

const LIMITS = { maxDurationSeconds: 900, maxPixels: 4096 * 2160 };

async function probed(path: string) {
  return probeVideo(path, LIMITS);
}

describe('sampleTimes', () => {
  it('spreads the times from 2 % to 98 % of the duration', () => {
    expect(sampleTimes(100, 5)).toEqual([2, 26, 50, 74, 98]);
    expect(sampleTimes(10, 1)).toEqual([5]);
    expect(sampleTimes(1, 3)).toEqual([0.02, 0.5, 0.98]);
    expect(() => sampleTimes(10, 0)).toThrow(RangeError);
  });
});

describe('sampleVideoFrames', () => {
  it('takes the frames at their times as raw RGB of the planned size', async () => {
    const path = await clip('keyframe-each-second.mp4');
    const frames = await sampleVideoFrames(path, await probed(path), { count: 5, longSide: 64 });
    expect(frames.map((f) => f.seconds)).toEqual(sampleTimes(12, 5));
    for (const frame of frames) {
      expect([frame.width, frame.height, frame.channels, frame.data.length]).toEqual([64, 36, 3, 64 * 36 * 3]);
      // The frame on screen then, scaled alike: the last that ffmpeg decodes from the start up to that
      // time, each written over the one before. testsrc2 moves, so a frame of another time differs.
      const out = join(await outputDir(), 'frame.png');
      await ffmpeg(['-i', path, '-t', `${frame.seconds}`, '-vf', 'scale=64:36:flags=bicubic', '-update', '1', out]);
      const expected = await sharp(out).removeAlpha().raw().toBuffer();
      expect(meanAbsDiff(frame.data, expected), `${frame.seconds} s`).toBeLessThan(4);
    }
  });

  it('turns the frames upright and never enlarges them', async () => {
    const path = await clip('rotated.mp4');
    const frames = await sampleVideoFrames(path, await probed(path), { count: 2 });
    expect(frames.map((f) => [f.width, f.height])).toEqual([
      [72, 128],
      [72, 128],
    ]);
  });

  it('passes over times past the end of the picture', async () => {
    const path = await clip('sound-outlasts-picture.mp4');
    const frames = await sampleVideoFrames(path, await probed(path), { count: 5 });
    expect(frames.length).toBeGreaterThan(0);
    expect(frames.length).toBeLessThan(5);
    expect(frames.every((f) => f.seconds < 5.5)).toBe(true);
  });

  it('refuses a video of which no frame decodes', async () => {
    const path = await clip('zero-frames.mp4');
    const outcome = await probed(path)
      .then((probe) => sampleVideoFrames(path, probe))
      .catch((error: unknown) => error);
    expect(outcome).toBeInstanceOf(BadMediaError);
  });

  it("gives frames whose pHash is the photo's they were filmed from", async () => {
    const path = join(await outputDir(), 'still.mp4');
    const photo = fixture('DSCN0010.jpg');
    await ffmpeg(['-loop', '1', '-i', photo, '-t', '3', '-r', '10', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', path]);
    const frames = await sampleVideoFrames(path, await probed(path));
    expect(frames).toHaveLength(5);
    const expected = await perceptualHashOfFile(photo, { maxInputPixels: 100_000_000 });
    for (const frame of frames) expect(hammingDistance(await perceptualHash(frame), expected)).toBeLessThanOrEqual(4);
  });
});

function meanAbsDiff(a: Buffer, b: Buffer): number {
  expect(a.length).toBe(b.length);
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += Math.abs(a[i]! - b[i]!);
  return sum / a.length;
}
