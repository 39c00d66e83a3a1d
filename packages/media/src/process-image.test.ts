import { join } from 'node:path';
import { BadMediaError } from '@darkroom/core/errors';
import { PRESETS } from '@darkroom/core/presets';
import sharp from 'sharp';
import { thumbHashToRGBA } from 'thumbhash';
import { afterAll, describe, expect, it } from 'vitest';
import { configureSharp, detectFacesInInput, detectFacesOfFile, FACE_INPUT_LONG_SIDE, processImageFile } from './index.js';
import { PORTRAIT_PHOTO } from './classifier/test-faces.js';
import { fixture, tempDir, writeBombPng } from './test-fixtures.js';

const OPTIONS = { maxInputPixels: 100_000_000, timeoutSeconds: 60 };

describe('processImageFile', () => {
  it('probes, renders and computes the placeholder for a photo', async () => {
    const result = await processImageFile(fixture('jolla.jpg'), PRESETS.default!, OPTIONS);
    expect(result.probe).toMatchObject({ format: 'jpeg', width: 3264, height: 2448 });
    expect(result.variants.map((v) => `${v.spec.name} ${v.width}x${v.height}`)).toEqual([
      'thumb 256x256',
      'small 640x480',
      'medium 1280x960',
      'large 2560x1920',
    ]);
    expect(thumbHashToRGBA(Buffer.from(result.placeholder, 'base64')).w).toBeGreaterThan(0);
    expect(result.dominantColor).toMatch(/^#[0-9a-f]{6}$/);
  });

  it('gives an animation a placeholder from its first frame', async () => {
    const result = await processImageFile(fixture('animated-loop-3.gif'), PRESETS.default!, OPTIONS);
    expect(result.probe.animated).toBe(true);
    expect(result.dominantColor).toMatch(/^#[0-9a-f]{6}$/);
  });

  it('makes the face search’s input from the same decode, whole and 640 px long, only when asked', async () => {
    const result = await processImageFile(PORTRAIT_PHOTO, PRESETS.default!, { ...OPTIONS, faceInput: true });
    const { width, height } = result.probe;
    const input = result.faceInput!;
    expect(Math.max(input.width, input.height)).toBe(FACE_INPUT_LONG_SIDE);
    expect(input.width / input.height).toBeCloseTo(width / height, 2);
    expect(input.data.length).toBe(input.width * input.height * 3);
    // The same face where a search of the file finds it.
    const [fromFile] = await detectFacesOfFile(PORTRAIT_PHOTO, OPTIONS);
    const [fromRender] = await detectFacesInInput(input);
    for (const key of ['x', 'y', 'width', 'height'] as const) expect(Math.abs(fromRender![key] - fromFile![key])).toBeLessThan(0.01);
    expect((await processImageFile(PORTRAIT_PHOTO, PRESETS.default!, OPTIONS)).faceInput).toBeUndefined();
  });

  it('decodes large enough for the face input when every variant is smaller, and makes none from a crop or an animation', async () => {
    const thumbs = {
      name: 'thumbs',
      variants: [{ name: 'tiny', width: 64, height: 64, fit: 'cover' as const, format: 'webp' as const, quality: 75 }],
    };
    const small = await processImageFile(fixture('jolla.jpg'), thumbs, { ...OPTIONS, faceInput: true });
    expect(small.faceInput).toMatchObject({ width: FACE_INPUT_LONG_SIDE, height: 480 });
    const framing = { crop: { x: 0, y: 0, width: 1000, height: 1000 }, focus: null };
    expect((await processImageFile(fixture('jolla.jpg'), thumbs, { ...OPTIONS, faceInput: true, framing })).faceInput).toBeUndefined();
    expect((await processImageFile(fixture('animated-loop-3.gif'), thumbs, { ...OPTIONS, faceInput: true })).faceInput).toBeUndefined();
  });

  it('rejects a decompression bomb before decoding it', async () => {
    const path = join(await tempDir(), 'bomb.png');
    await writeBombPng(path, 20_000, 20_000);
    const error = await processImageFile(path, PRESETS.default!, OPTIONS).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BadMediaError);
    expect(error).toMatchObject({ code: 'too_many_pixels' });
  });
});

describe('configureSharp', () => {
  const concurrency = sharp.concurrency();
  afterAll(() => {
    sharp.concurrency(concurrency);
    sharp.cache(true);
  });

  it('sets libvips concurrency and the cache, and returns the concurrency in effect', () => {
    expect(configureSharp({ concurrency: 2, cacheMemoryMb: 0 })).toBe(2);
    expect(sharp.cache()).toMatchObject({ memory: { max: 0 }, files: { max: 0 }, items: { max: 0 } });
    configureSharp({ concurrency: 1, cacheMemoryMb: 30 });
    expect(sharp.concurrency()).toBe(1);
    expect(sharp.cache()).toMatchObject({ memory: { max: 30 }, files: { max: 0 } });
  });

  it('refuses nonsense', () => {
    expect(() => configureSharp({ concurrency: -1, cacheMemoryMb: 0 })).toThrow(RangeError);
    expect(() => configureSharp({ concurrency: 1, cacheMemoryMb: Number.NaN })).toThrow(RangeError);
  });
});
