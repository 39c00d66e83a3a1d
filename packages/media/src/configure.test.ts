import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { configureSharp } from './configure.js';
import { SVG_IMAGE, fixture, tempDir } from './test-fixtures.js';

const ACCEPTED = ['320x240.jpg', 'Flag_of_the_Netherlands-alpha.png', 'animated-loop-3.gif', 'animated-loop-3.webp', 'tifftag-photoshop.tiff'];

describe('configureSharp restricts libvips to the accepted formats’ loaders', () => {
  let svgPath: string;
  let vipsPath: string;
  beforeAll(async () => {
    const dir = await tempDir();
    svgPath = join(dir, 'drawing.svg');
    await sharp(SVG_IMAGE).toFile(join(dir, 'check.png')); // the prebuilt libvips does read SVG: the test means something
    await writeFile(svgPath, SVG_IMAGE);
    // A format libvips reads from a file that is not on the allowlist (its own `.v`).
    vipsPath = join(dir, 'image.v');
    await sharp({ create: { width: 8, height: 8, channels: 3, background: '#808080' } }).toFile(vipsPath);
    expect((await sharp(vipsPath).metadata()).format).toBe('vips');
    configureSharp({ concurrency: 1, cacheMemoryMb: 0 });
  });

  it('refuses SVG from a buffer and from a file: librsvg never parses it', async () => {
    await expect(sharp(SVG_IMAGE).metadata()).rejects.toThrow(/unsupported image format/);
    await expect(sharp(svgPath).metadata()).rejects.toThrow(/unsupported image format/);
    await expect(sharp(SVG_IMAGE).png().toBuffer()).rejects.toThrow(/unsupported image format/);
  });

  it('refuses other formats libvips could read (its own .v files)', async () => {
    await expect(sharp(vipsPath).metadata()).rejects.toThrow(/unsupported image format/);
  });

  it.each(ACCEPTED)('still reads %s from a file and from a buffer', async (name) => {
    expect((await sharp(fixture(name)).metadata()).width).toBeGreaterThan(0);
    expect((await sharp(await readFile(fixture(name))).metadata()).width).toBeGreaterThan(0);
  });

  it('still reads HEIF containers (AVIF), and knows HEIC by its header', async () => {
    const avif = await sharp({ create: { width: 16, height: 16, channels: 3, background: '#336699' } })
      .avif()
      .toBuffer();
    expect(await sharp(avif).metadata()).toMatchObject({ format: 'heif', compression: 'av1' });
    expect(await sharp(fixture('iphone_13_pro_max.HEIC')).metadata()).toMatchObject({ format: 'heif', compression: 'hevc' });
  });
});
