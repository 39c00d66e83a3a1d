import { readdirSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BadMediaError } from '@darkroom/core/errors';
import { sniffContentType } from '@darkroom/core/content-types';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { readClaimedSize } from './claimed-size.js';
import { CLAIM_CONTENT_TYPES, type ClaimFormat, fileClaiming } from './test-headers.js';
import { probeImage } from './probe.js';
import { FIXTURES, fixture, tempDir } from './test-fixtures.js';

const LIMIT = { maxInputPixels: 100_000_000 };

async function probeError(input: string | Buffer): Promise<BadMediaError> {
  const error = await probeImage(input, LIMIT).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(BadMediaError);
  return error as BadMediaError;
}

/** Over the limit, as large as each format's size fields allow a claim to be (VP8: 14 bits, VP8L: 14 bits + 1, VP8X: 24 bits). */
const OVER_THE_LIMIT: [ClaimFormat, number, number][] = [
  ['png', 1, 300_000_000],
  ['png', 2_147_483_647, 2_147_483_647],
  ['jpeg', 65_535, 65_535],
  ['jpeg', 20_000, 10_000],
  ['gif', 65_535, 65_535],
  ['webp-vp8', 16_383, 16_383],
  ['webp-vp8l', 16_384, 16_384],
  ['webp-vp8x', 16_777_216, 16_777_216],
  ['webp-vp8x', 20_000, 10_000],
  ['tiff-le', 1, 300_000_000],
  ['tiff-be', 4_294_967_295, 4_294_967_295],
];

describe('the size a header claims', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await tempDir();
  });

  it.each(OVER_THE_LIMIT)('%s claiming %i x %i is too_many_pixels, read before libvips sees it', async (format, width, height) => {
    const bytes = fileClaiming(format, width, height);
    expect(sniffContentType(bytes)).toBe(CLAIM_CONTENT_TYPES[format]);
    const path = join(dir, `${format}-${width}x${height}`);
    await writeFile(path, bytes);
    for (const input of [path, bytes]) {
      const error = await probeError(input);
      expect(error.code).toBe('too_many_pixels');
      expect(error.message).toMatch(new RegExp(`^The image is ${width}x${height} pixels \\(.+\\), more than the limit of 100,000,000 pixels\\.`));
      expect(error.details).toMatchObject({ width, height, maxInputPixels: 100_000_000 });
    }
  });

  it('is what libvips reads from every raster fixture, in the order the file stores it', async () => {
    const names = readdirSync(FIXTURES).filter((name) => /\.(jpe?g|png|gif|webp|tiff?)$/i.test(name));
    expect(names.length).toBeGreaterThanOrEqual(20);
    for (const name of names) {
      const bytes = await readFile(fixture(name));
      const { width, height } = await sharp(bytes, { limitInputPixels: false }).metadata();
      expect({ name, size: await readClaimedSize(bytes, sniffContentType(bytes)!) }).toEqual({ name, size: { width, height } });
    }
  });

  it('reads claims within the limit and leaves the file to libvips', async () => {
    for (const format of Object.keys(CLAIM_CONTENT_TYPES) as ClaimFormat[]) {
      const bytes = fileClaiming(format, 300, 200);
      expect(await readClaimedSize(bytes, CLAIM_CONTENT_TYPES[format])).toEqual({ width: 300, height: 200 });
    }
    // libvips then reads the same header (its pixels, if any, are for the decoder to judge).
    await expect(probeImage(fileClaiming('png', 300, 200), LIMIT)).resolves.toMatchObject({ format: 'png', width: 300, height: 200 });
    await expect(probeImage(fileClaiming('jpeg', 300, 200), LIMIT)).resolves.toMatchObject({ format: 'jpeg', width: 300, height: 200 });
  });

  it('leaves a header it cannot read to libvips, which calls it corrupt', async () => {
    const cutPng = fileClaiming('png', 1, 300_000_000).subarray(0, 20);
    expect(await readClaimedSize(cutPng, 'image/png')).toBeNull();
    expect((await probeError(cutPng)).code).toBe('corrupt_image');
    const loopingJpeg = Buffer.from([0xff, 0xd8, ...Array.from({ length: 2000 }, () => [0xff, 0xfe, 0x00, 0x02]).flat()]);
    expect(await readClaimedSize(loopingJpeg, 'image/jpeg')).toBeNull();
    const tiffWithoutHeight = fileClaiming('tiff-le', 10, 10);
    tiffWithoutHeight.writeUInt16LE(999, 8 + 2 + 12); // the ImageLength entry becomes another tag
    expect(await readClaimedSize(tiffWithoutHeight, 'image/tiff')).toBeNull();
  });
});
