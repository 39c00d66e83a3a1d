import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BadMediaError } from '@darkroom/core/errors';
import { beforeAll, describe, expect, it } from 'vitest';
import { probeImage } from './probe.js';
import { fakeHeifGrid, fakeHeifOfSize } from './heif/test-fixtures.js';
import { fixture, tempDir, writeBombPng } from './test-fixtures.js';

const LIMIT = { maxInputPixels: 100_000_000 };

async function probeError(path: string | Buffer, options = LIMIT): Promise<BadMediaError> {
  const error = await probeImage(path, options).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(BadMediaError);
  return error as BadMediaError;
}

describe('probeImage', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await tempDir();
  });

  it.each([1, 2, 3, 4, 5, 6, 7, 8])('reports Landscape_%i as displayed: 600x450 with its orientation', async (n) => {
    const probe = await probeImage(fixture(`Landscape_${n}.jpg`), LIMIT);
    expect(probe).toEqual({ format: 'jpeg', width: 600, height: 450, pages: 1, animated: false, hasAlpha: false, orientation: n });
  });

  it.each(['animated-loop-3.gif', 'animated-loop-3.webp'])('reports %s as a 10-frame animation of one frame size', async (name) => {
    const probe = await probeImage(fixture(name), LIMIT);
    expect(probe).toMatchObject({ width: 370, height: 285, pages: 10, animated: true, hasAlpha: true });
  });

  it('reports alpha, TIFF and plain JPEG headers', async () => {
    expect(await probeImage(fixture('Flag_of_the_Netherlands-alpha.png'), LIMIT)).toMatchObject({
      format: 'png',
      width: 900,
      height: 600,
      hasAlpha: true,
    });
    expect(await probeImage(fixture('tifftag-photoshop.tiff'), LIMIT)).toMatchObject({ format: 'tiff', width: 317, height: 211, animated: false });
    expect(await probeImage(fixture('jolla.jpg'), LIMIT)).toMatchObject({ format: 'jpeg', width: 3264, height: 2448, hasAlpha: false });
  });

  it('accepts truncated.jpg: its header is intact, the damage is only found when decoding', async () => {
    expect(await probeImage(fixture('truncated.jpg'), LIMIT)).toMatchObject({ width: 2725, height: 2225 });
  });

  it('rejects a 0-byte file as empty_file', async () => {
    const path = join(dir, 'empty.jpg');
    await writeFile(path, '');
    const error = await probeError(path);
    expect(error.code).toBe('empty_file');
    expect(error.message).toMatch(/empty/);
  });

  it('rejects a text file as unsupported_format', async () => {
    const path = join(dir, 'notes.jpg');
    await writeFile(path, 'These are my holiday notes, not a photo.\n'.repeat(20));
    const error = await probeError(path);
    expect(error.code).toBe('unsupported_format');
    expect(error.message).toMatch(/JPEG, PNG, WebP, GIF, AVIF, HEIC or TIFF/);
  });

  it('rejects SVG even though libvips could render it', async () => {
    const path = join(dir, 'drawing.svg');
    await writeFile(path, '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>');
    const error = await probeError(path);
    expect(error.code).toBe('unsupported_format');
    expect(error.message).toMatch(/^SVG files aren't accepted/);
  });

  it('probes an iPhone HEIC as heif, upright as displayed (libheif applies its irot; EXIF says 6)', async () => {
    const probe = await probeImage(fixture('iphone_13_pro_max.HEIC'), LIMIT);
    expect(probe).toMatchObject({ format: 'heif', width: 3024, height: 4032, pages: 1, animated: false, hasAlpha: false });
  });

  it('refuses a HEIC header claiming 200 megapixels and a grid of 10,000 tiles before libheif reads them', async () => {
    expect(await probeError(fakeHeifOfSize(20_000, 10_000))).toMatchObject({ code: 'too_many_pixels' });
    expect(await probeError(fakeHeifGrid(100, 100, 64))).toMatchObject({ code: 'too_many_pixels', details: { tiles: 10_000 } });
  });

  it('rejects a file whose header is cut off as corrupt_image', async () => {
    const path = join(dir, 'header-cut.jpg');
    await writeFile(path, (await readFile(fixture('jolla.jpg'))).subarray(0, 100));
    const error = await probeError(path);
    expect(error.code).toBe('corrupt_image');
    expect(error.message).toMatch(/header is damaged/);
  });

  it('passes through a missing file as a system error, not bad media', async () => {
    await expect(probeImage(join(dir, 'missing.jpg'), LIMIT)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('rejects a decompression bomb as too_many_pixels without decoding it', async () => {
    const path = join(dir, 'bomb-20000x20000.png');
    await writeBombPng(path, 20_000, 20_000);
    // The probe reads the header only; speed and memory of that are measured in the bench, not asserted here.
    const error = await probeError(path);
    expect(error.code).toBe('too_many_pixels');
    expect(error.message).toBe(
      'The image is 20000x20000 pixels (400,000,000 pixels), more than the limit of 100,000,000 pixels. Reduce its dimensions and upload it again.',
    );
    expect(error.details).toMatchObject({ width: 20_000, height: 20_000, maxInputPixels: 100_000_000 });
  });

  it('applies a lower limit to a normal photo (jolla.jpg, 3264x2448)', async () => {
    const error = await probeError(fixture('jolla.jpg'), { maxInputPixels: 5_000_000 });
    expect(error.code).toBe('too_many_pixels');
    expect(error.message).toMatch(/^The image is 3264x2448 pixels \(7,990,272 pixels\), more than the limit of 5,000,000 pixels/);
    await expect(probeImage(fixture('jolla.jpg'), { maxInputPixels: 3264 * 2448 })).resolves.toBeDefined();
  });

  it('counts all frames of an animation against the limit', async () => {
    // One frame is 105,450 pixels; all ten are 1,054,500.
    const error = await probeError(fixture('animated-loop-3.gif'), { maxInputPixels: 1_000_000 });
    expect(error.code).toBe('too_many_pixels');
    expect(error.message).toMatch(/^The animation has 10 frames of 370x285 pixels \(1,054,500 pixels in total\)/);
    expect(error.message).toMatch(/frame count/);
  });
});
