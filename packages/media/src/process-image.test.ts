import { join } from 'node:path';
import { BadMediaError } from '@darkroom/core/errors';
import { PRESETS } from '@darkroom/core/presets';
import sharp from 'sharp';
import { thumbHashToRGBA } from 'thumbhash';
import { afterAll, describe, expect, it } from 'vitest';
import { configureSharp, processImageFile } from './index.js';
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
