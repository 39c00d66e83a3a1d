import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BadMediaError } from '@darkroom/core/errors';
import { PRESETS } from '@darkroom/core/presets';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { previewImage } from './preview.js';
import { processImageFile } from './process-image.js';
import { fakeHeifOfSize } from './heif/test-fixtures.js';
import { SVG_IMAGE, bombPng, fixture, greySignature, jpegPolyglot, meanAbsDiff, pngPolyglot, tempDir } from './test-fixtures.js';

const OPTIONS = { size: 320, maxInputPixels: 100_000_000, timeoutSeconds: 30 };

/** The error code a promise rejects with, or 'ok'. */
async function outcome(promise: Promise<unknown>): Promise<string> {
  return promise.then(
    () => 'ok',
    (error: unknown) => (error instanceof BadMediaError ? error.code : `not bad media: ${String(error)}`),
  );
}

describe('previewImage', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await tempDir();
  });

  it('makes a small upright WebP of a photo', async () => {
    const data = await previewImage(await readFile(fixture('Landscape_6.jpg')), OPTIONS);
    const meta = await sharp(data).metadata();
    expect(meta).toMatchObject({ format: 'webp', width: 320, height: 240 });
    // Same picture the same way up as the orientation-1 original.
    expect(meanAbsDiff(await greySignature(data), await greySignature(fixture('Landscape_1.jpg')))).toBeLessThan(12);
  });

  it('never enlarges, and shows the first frame of an animation', async () => {
    expect(await sharp(await previewImage(await readFile(fixture('320x240.jpg')), { ...OPTIONS, size: 1000 })).metadata()).toMatchObject({
      width: 320,
      height: 240,
    });
    const animated = await sharp(await previewImage(await readFile(fixture('animated-loop-3.gif')), OPTIONS)).metadata();
    expect(animated).toMatchObject({ format: 'webp', width: 320 });
    expect(animated.pages ?? 1).toBe(1);
  });

  // The promise of one media module: whatever the worker says about a file, the preview says too.
  it.each([
    ['an SVG', () => SVG_IMAGE, 'unsupported_format'],
    ['a JPEG header followed by HTML', () => jpegPolyglot(), 'corrupt_image'],
    ['a 400-megapixel PNG of 50 KB', () => bombPng(20_000, 20_000), 'too_many_pixels'],
    ['a truncated JPEG', () => readFile(fixture('truncated.jpg')), 'corrupt_image'],
    ['a HEIC cut off in its tiles', async () => (await readFile(fixture('iphone_13_pro_max.HEIC'))).subarray(0, 500_000), 'corrupt_image'],
    ['a HEIC header claiming 200 megapixels', () => fakeHeifOfSize(20_000, 10_000), 'too_many_pixels'],
    ['an empty file', () => Buffer.alloc(0), 'empty_file'],
  ])('refuses %s with the code the worker records', async (_name, make, code) => {
    const bytes = await make();
    const path = join(dir, `${code}-${Math.random().toString(36).slice(2)}`);
    await writeFile(path, bytes);
    const worker = await outcome(processImageFile(path, PRESETS.default!, OPTIONS));
    expect(worker).toBe(code);
    expect(await outcome(previewImage(bytes, OPTIONS))).toBe(worker);
  });

  it('previews an iPhone HEIC upright, decoded like the worker does', async () => {
    const preview = await sharp(await previewImage(await readFile(fixture('iphone_13_pro_max.HEIC')), OPTIONS)).metadata();
    expect(preview).toMatchObject({ format: 'webp', width: 240, height: 320 });
  });

  it('refuses what is over its own pixel limit before decoding', async () => {
    const error = await previewImage(await readFile(fixture('jolla.jpg')), { ...OPTIONS, maxInputPixels: 1_000_000 }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'too_many_pixels', details: { width: 3264, height: 2448 } });
  });

  it('renders a PNG with HTML after its end as a plain WebP, without the HTML', async () => {
    const data = await previewImage(await pngPolyglot(), OPTIONS);
    expect(data.subarray(0, 4).toString('latin1')).toBe('RIFF');
    expect(data.includes(Buffer.from('<script'))).toBe(false);
  });
});
