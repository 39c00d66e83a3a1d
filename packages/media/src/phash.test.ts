import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { hammingDistance, perceptualHash, perceptualHashOfFile, perceptualHashOfGrey, PHASH_SIDE } from './phash.js';
import { fixture } from './test-fixtures.js';

const OPTIONS = { maxInputPixels: 100_000_000, timeoutSeconds: 60 };

describe('hammingDistance', () => {
  it('counts the differing bits of signed 64-bit values', () => {
    expect(hammingDistance(0n, 0n)).toBe(0);
    expect(hammingDistance(0n, -1n)).toBe(64);
    expect(hammingDistance(BigInt.asIntN(64, 1n << 63n), 0n)).toBe(1);
    expect(hammingDistance(0x0f0fn, 0xf0f0n)).toBe(16);
    for (let i = 0; i < 64; i++) expect(hammingDistance(BigInt.asIntN(64, 1n << BigInt(i)), 0n)).toBe(1);
  });
});

describe('perceptualHashOfGrey', () => {
  it('sets half the bits, and ignores brightness and contrast', () => {
    const grey = Uint8Array.from({ length: PHASH_SIDE * PHASH_SIDE }, (_, i) => (Math.sin(i / 7) * 60 + (i % 97)) & 0xff);
    const hash = perceptualHashOfGrey(grey);
    expect(hammingDistance(hash, 0n)).toBe(32);
    const brighter = grey.map((v) => Math.min(255, Math.round(v * 0.8 + 20)));
    expect(hammingDistance(perceptualHashOfGrey(brighter), hash)).toBeLessThanOrEqual(2);
  });
});

describe('perceptualHash', () => {
  it('hashes RGB pixels as the file they came from, and flattens alpha on white', async () => {
    const { data, info } = await sharp(fixture('DSCN0010.jpg')).raw().toBuffer({ resolveWithObject: true });
    const fromPixels = await perceptualHash({ data, width: info.width, height: info.height, channels: info.channels });
    expect(hammingDistance(fromPixels, await perceptualHashOfFile(fixture('DSCN0010.jpg'), OPTIONS))).toBeLessThanOrEqual(2);

    const flag = await sharp(fixture('Flag_of_the_Netherlands-alpha.png')).raw().toBuffer({ resolveWithObject: true });
    const flattened = await sharp(flag.data, { raw: flag.info }).flatten({ background: '#ffffff' }).raw().toBuffer({ resolveWithObject: true });
    expect(await perceptualHash({ data: flag.data, ...flag.info })).toBe(await perceptualHash({ data: flattened.data, ...flattened.info }));
  });

  it('hashes grey pixels as the same grey in RGB', async () => {
    const grey = await sharp(fixture('320x240.jpg')).greyscale().raw().toBuffer({ resolveWithObject: true });
    expect(grey.info.channels).toBe(1);
    const rgb = await sharp(grey.data, { raw: grey.info }).toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
    expect(rgb.info.channels).toBe(3);
    expect(await perceptualHash({ data: grey.data, ...grey.info })).toBe(await perceptualHash({ data: rgb.data, ...rgb.info }));
  });

  it('hashes the displayed image: every EXIF orientation of one photo alike', async () => {
    const upright = await perceptualHashOfFile(fixture('Landscape_1.jpg'), OPTIONS);
    for (let orientation = 2; orientation <= 8; orientation++) {
      const turned = await perceptualHashOfFile(fixture(`Landscape_${orientation}.jpg`), OPTIONS);
      expect(hammingDistance(turned, upright), `Landscape_${orientation}`).toBeLessThanOrEqual(4);
    }
  });
});
