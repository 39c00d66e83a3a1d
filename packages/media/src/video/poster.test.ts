import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { extractPoster, isBlack, posterCandidates } from './poster.js';
import { probeVideo } from './probe.js';
import { clip, ffmpeg, outputDir, type ClipName } from './test-clips.js';
import { join } from 'node:path';
import { readFile } from 'node:fs/promises';

const LIMITS = { maxDurationSeconds: 900, maxPixels: 4096 * 2160 };

async function poster(name: ClipName): Promise<Buffer> {
  const path = await clip(name);
  return extractPoster(path, await probeVideo(path, LIMITS), {});
}

/** A frame as ffmpeg gives it at a time, for comparison. */
async function frameAt(name: ClipName, seconds: number): Promise<Buffer> {
  const out = join(await outputDir(), 'frame.png');
  await ffmpeg(['-ss', `${seconds}`, '-i', await clip(name), '-frames:v', '1', out]);
  return readFile(out);
}

describe('posterCandidates', () => {
  it('starts at 10% of the duration, at most 1 s in, then looks further on inside the video', () => {
    expect(posterCandidates(2)).toEqual([0.2, 1, 1.2]);
    expect(posterCandidates(10)).toEqual([1, 2, 3, 5, 9]);
    expect(posterCandidates(100)).toEqual([1, 2, 3, 5, 9, 17, 50]);
    expect(posterCandidates(0.1)).toEqual([0.01, 0.05]);
  });
});

describe('isBlack', () => {
  const flat = (value: number) =>
    sharp({ create: { width: 100, height: 50, channels: 3, background: { r: value, g: value, b: value } } })
      .png()
      .toBuffer();

  it('calls a black frame with a faint logo black, and a dark scene not black', async () => {
    const logo = await sharp({ create: { width: 10, height: 5, channels: 3, background: '#ffffff' } })
      .png()
      .toBuffer();
    const blackWithLogo = await sharp(await flat(0))
      .composite([{ input: logo, left: 85, top: 40 }])
      .png()
      .toBuffer();
    expect(await isBlack(await flat(0))).toBe(true);
    expect(await isBlack(await flat(16))).toBe(true); // video black is 16 in limited range
    expect(await isBlack(blackWithLogo)).toBe(true);
    expect(await isBlack(await flat(48))).toBe(false);
  });
});

describe('extractPoster', () => {
  it('returns an upright PNG of the displayed size', async () => {
    const png = await poster('rotated.mp4');
    expect(await sharp(png).metadata()).toMatchObject({ format: 'png', width: 72, height: 128 });
    expect(await isBlack(png)).toBe(false);
  });

  it('resamples non-square pixels to the displayed size', async () => {
    expect(await sharp(await poster('anamorphic.mp4')).metadata()).toMatchObject({ width: 128, height: 72 });
  });

  it('passes over a black opening for a later frame with content', async () => {
    expect(await isBlack(await frameAt('black-start.mp4', 0.2))).toBe(true); // the first candidate really is black
    const png = await poster('black-start.mp4');
    expect(await sharp(png).metadata()).toMatchObject({ format: 'png', width: 128, height: 72 });
    expect(await isBlack(png)).toBe(false);
  });

  it('returns the black frame of a video that is black throughout', async () => {
    expect(await isBlack(await poster('all-black.mp4'))).toBe(true);
  });

  it('tone-maps an HLG frame to 8-bit sRGB, and reads WebM and HEVC', async () => {
    const meta = await sharp(await poster('hlg.mp4')).metadata();
    expect(meta).toMatchObject({ format: 'png', depth: 'uchar', channels: 3, width: 128 });
    expect(await sharp(await poster('vp9.webm')).metadata()).toMatchObject({ width: 128, height: 72 });
    expect(await sharp(await poster('hevc.mov')).metadata()).toMatchObject({ width: 128, height: 72 });
  });

  it('rejects with an AbortError when aborted', async () => {
    const path = await clip('basic.mp4');
    const probe = await probeVideo(path, LIMITS);
    const error = await extractPoster(path, probe, { signal: AbortSignal.abort() }).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'AbortError' });
  });
});
