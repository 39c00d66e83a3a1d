import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { tiffPrefixLength, writeTiffPrefix } from './tiff.js';

describe('writeTiffPrefix', () => {
  it.each([3, 4] as const)('makes pixels with %i channels a TIFF that libvips reads back exactly, profile attached', async (channels) => {
    const icc = (
      await sharp({ create: { width: 1, height: 1, channels: 3, background: '#000' } })
        .withIccProfile('p3')
        .jpeg()
        .toBuffer({ resolveWithObject: true })
    ).data;
    const profile = (await sharp(icc).metadata()).icc!;
    // 150 rows: three strips of 64, the last one short.
    const [width, height] = [37, 150];
    const reserve = tiffPrefixLength(height, profile);
    const file = Buffer.alloc(reserve + width * height * channels);
    for (let i = reserve; i < file.length; i++) file[i] = (i * 7) & 0xff;
    writeTiffPrefix(file, { width, height, channels, icc: profile });

    const meta = await sharp(file).metadata();
    expect(meta).toMatchObject({ format: 'tiff', width, height, channels, hasAlpha: channels === 4 });
    expect(meta.icc?.equals(profile)).toBe(true);
    const pixels = await sharp(file, { ignoreIcc: true }).raw().toBuffer();
    expect(pixels.equals(file.subarray(reserve))).toBe(true);
  });
});
