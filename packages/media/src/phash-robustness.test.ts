import sharp, { type Sharp } from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { hammingDistance, perceptualHashOfFile } from './phash.js';
import { fixture } from './test-fixtures.js';

/** The match distance the spec sets by default (BLOCKLIST_MAX_DISTANCE). */
const MAX_DISTANCE = 8;
const OPTIONS = { maxInputPixels: 100_000_000, timeoutSeconds: 120 };

/**
 * The distinct photos of fixtures/images, each picture once (SOURCES.md): Landscape_1…8 are one
 * picture in eight EXIF orientations, heif-gps.heic is DSCN0010 shrunk, and the iPhone's
 * reference PNG is its HEIC. The flag, the gradients, the animations and the broken files are no photos.
 */
const PHOTOS = [
  '320x240.jpg',
  'Channel_digital_image_CMYK_color.jpg',
  'DSCN0010.jpg',
  'HMD_Nokia_8.3_5G.jpg',
  'Landscape_1.jpg',
  'iphone_13_pro_max.HEIC',
  'jolla.jpg',
  'tifftag-photoshop.tiff',
];

/** What a re-upload of a blocked photo may have been through: each must still match. */
const EDITS = {
  'half size': (image: Sharp, width: number) => image.resize(Math.round(width / 2)).jpeg({ quality: 90 }),
  'JPEG quality 40': (image: Sharp) => image.jpeg({ quality: 40 }),
  WebP: (image: Sharp) => image.webp(),
} as const;

/** 5 % of each side cut off, centred: pHash moves under crops, so its rate is printed, not asserted. */
const CROP_SHARE = 0.05;

interface Photo {
  name: string;
  hash: bigint;
  /** The displayed pixels (upright, sRGB, 8-bit), as PNG: what each edit starts from. */
  displayed: Buffer;
  width: number;
  height: number;
}

let photos: Photo[];

beforeAll(async () => {
  photos = await Promise.all(
    PHOTOS.map(async (name) => {
      const hash = await perceptualHashOfFile(fixture(name), OPTIONS);
      // HEIC goes through sharp's own decoder here only if it has one; the repository decodes it itself.
      const source = name.endsWith('.HEIC') ? fixture('iphone_13_pro_max.reference.png') : fixture(name);
      const { data, info } = await sharp(source, { autoOrient: true }).toColourspace('srgb').png().toBuffer({ resolveWithObject: true });
      return { name, hash, displayed: data, width: info.width, height: info.height };
    }),
  );
}, 180_000);

describe('pHash robustness over the fixtures', () => {
  for (const [edit, apply] of Object.entries(EDITS)) {
    it(`matches every photo after: ${edit}`, async () => {
      for (const photo of photos) {
        const edited = await apply(sharp(photo.displayed), photo.width).toBuffer();
        const distance = hammingDistance(await perceptualHashOfFile(edited, OPTIONS), photo.hash);
        console.log(`pHash ${edit}: ${photo.name} distance ${distance}`);
        expect(distance, photo.name).toBeLessThanOrEqual(MAX_DISTANCE);
      }
    });
  }

  it(`prints the match rate after a ${CROP_SHARE * 100} % crop`, async () => {
    const distances: number[] = [];
    for (const photo of photos) {
      const left = Math.round((photo.width * CROP_SHARE) / 2);
      const top = Math.round((photo.height * CROP_SHARE) / 2);
      const region = { left, top, width: photo.width - 2 * left, height: photo.height - 2 * top };
      const cropped = await sharp(photo.displayed).extract(region).png().toBuffer();
      distances.push(hammingDistance(await perceptualHashOfFile(cropped, OPTIONS), photo.hash));
    }
    const matched = distances.filter((d) => d <= MAX_DISTANCE).length;
    console.log(`pHash ${CROP_SHARE * 100} % crop: ${matched}/${photos.length} matched, distances ${distances.join(', ')}`);
    expect(distances).toHaveLength(photos.length);
  });

  it('finds no two distinct photos within the distance', () => {
    let closest = { distance: 65, pair: '' };
    for (let i = 0; i < photos.length; i++) {
      for (let j = i + 1; j < photos.length; j++) {
        const distance = hammingDistance(photos[i]!.hash, photos[j]!.hash);
        if (distance < closest.distance) closest = { distance, pair: `${photos[i]!.name} ~ ${photos[j]!.name}` };
      }
    }
    console.log(`pHash distinct photos: minimum pair distance ${closest.distance} (${closest.pair})`);
    expect(closest.distance).toBeGreaterThan(MAX_DISTANCE);
  });
});
