import { PRESETS } from '@darkroom/core/presets';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { computePlaceholder } from '../placeholder.js';
import { processImageFile } from '../process-image.js';
import { exifHasGps, fixture, greySignature, meanAbsDiff, webpChunks } from '../test-fixtures.js';

const OPTIONS = { maxInputPixels: 100_000_000, timeoutSeconds: 120 };
const IPHONE = fixture('iphone_13_pro_max.HEIC');

describe('processImageFile on an iPhone HEIC (the same presets and pipeline as every photo)', () => {
  it('renders upright variants of the displayed size with no EXIF or GPS, and a placeholder like the photo', async () => {
    // The original carries EXIF (Orientation 6, over pixels that libheif turns by irot).
    expect((await sharp(IPHONE).metadata()).exif?.length).toBeGreaterThan(2000);

    const admitted: number[] = [];
    const result = await processImageFile(IPHONE, PRESETS.default!, {
      ...OPTIONS,
      admit: async (pixels) => {
        admitted.push(pixels);
        return () => {};
      },
    });
    // It goes through the render gate like any render, with its displayed pixel count.
    expect(admitted).toEqual([3024 * 4032]);
    expect(result.probe).toMatchObject({ format: 'heif', width: 3024, height: 4032 });
    expect(result.variants.map((v) => `${v.spec.name} ${v.width}x${v.height}`)).toEqual([
      'thumb 256x256',
      'small 480x640',
      'medium 960x1280',
      'large 1920x2560',
    ]);
    for (const variant of result.variants) await expectNoMetadata(variant.data);
    expect((await sharp(result.variants[0]!.data).metadata()).channels).toBe(3); // opaque: no alpha
    // Upright: the large variant shows what the heif-convert reference shows (SOURCES.md).
    const reference = fixture('iphone_13_pro_max.reference.png');
    const large = result.variants.find((v) => v.spec.name === 'large')!;
    expect(meanAbsDiff(await greySignature(large.data), await greySignature(reference))).toBeLessThan(4);

    const expected = await computePlaceholder(await referencePixels(reference));
    const [r, g, b] = [1, 3, 5].map((i) => parseInt(result.dominantColor.slice(i, i + 2), 16));
    const [er, eg, eb] = [1, 3, 5].map((i) => parseInt(expected.dominantColor.slice(i, i + 2), 16));
    expect(Math.abs(r! - er!) + Math.abs(g! - eg!) + Math.abs(b! - eb!)).toBeLessThan(9);
    expect(Buffer.from(result.placeholder, 'base64').length).toBeGreaterThan(5);
  });

  it('drops the GPS location of a HEIC made from a camera JPEG', async () => {
    const path = fixture('heif-gps.heic');
    expect(exifHasGps((await sharp(path).metadata()).exif!)).toBe(true);
    const result = await processImageFile(path, PRESETS.default!, OPTIONS);
    expect(result.variants.map((v) => `${v.width}x${v.height}`)).toEqual(['120x120', '160x120', '160x120', '160x120']);
    for (const variant of result.variants) await expectNoMetadata(variant.data);
  });
});

async function expectNoMetadata(data: Buffer): Promise<void> {
  const meta = await sharp(data).metadata();
  expect(meta.format).toBe('webp');
  expect([meta.exif, meta.xmp, meta.icc, meta.iptc]).toEqual([undefined, undefined, undefined, undefined]);
  expect(webpChunks(data).filter((id) => ['EXIF', 'XMP ', 'ICCP'].includes(id))).toEqual([]);
  expect(data.includes('GPS')).toBe(false);
}

async function referencePixels(path: string) {
  const { data, info } = await sharp(path).raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height, channels: info.channels as 3 };
}
