import sharp from 'sharp';
import { DEFAULT_QUALITY } from '@darkroom/core/delivery';
import { beforeAll, describe, expect, it } from 'vitest';
import { encodeAt, encodeAutoQuality, MAX_PROBE_ENCODES, probeOf } from './auto-quality.js';
import { looksLikeGraphics } from './graphics.js';
import { perceptualDistance, type RawPixels } from './perceptual.js';
import { fixture } from './test-fixtures.js';

async function rawOf(input: string | Buffer, width: number): Promise<RawPixels> {
  const { data, info } = await sharp(input).rotate().resize({ width }).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height, channels: info.channels };
}

async function decoded(data: Buffer): Promise<RawPixels> {
  const { data: raw, info } = await sharp(data).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data: raw, width: info.width, height: info.height, channels: info.channels };
}

/** A chart: flat background, coloured bars, thin lines and small text. */
function chartSvg(): Buffer {
  const bars = [120, 260, 90, 330, 210]
    .map(
      (h, i) =>
        `<rect x="${60 + i * 110}" y="${400 - h}" width="70" height="${h}" fill="${['#e15759', '#4e79a7', '#59a14f', '#f28e2b', '#b07aa1'][i]}"/>`,
    )
    .join('');
  const text = `<text x="60" y="40" font-family="sans-serif" font-size="20" fill="#222">Renders per month</text>`;
  return Buffer.from(
    `<svg xmlns="http://www.w3.org/2000/svg" width="640" height="440"><rect width="100%" height="100%" fill="#fff"/>${bars}${text}<line x1="40" x2="620" y1="400" y2="400" stroke="#333"/></svg>`,
  );
}

let photo: RawPixels;
let chart: RawPixels;

beforeAll(async () => {
  photo = await rawOf(fixture('jolla.jpg'), 640);
  chart = await rawOf(chartSvg(), 640);
});

describe('perceptualDistance', () => {
  it('is 0 for identical pixels and grows as the encoder quality falls', async () => {
    expect(perceptualDistance(photo, photo)).toBe(0);
    const at = async (quality: number) => perceptualDistance(photo, await decoded((await encodeAt(photo, 'jpeg', quality, false)).data));
    const [low, mid, high] = [await at(20), await at(60), await at(95)];
    expect(low).toBeGreaterThan(mid);
    expect(mid).toBeGreaterThan(high);
    expect(high).toBeGreaterThan(0);
  });

  it('refuses images of different sizes', () => {
    expect(() => perceptualDistance(photo, { ...photo, width: photo.width - 1 })).toThrow(RangeError);
  });
});

describe('looksLikeGraphics', () => {
  it('tells a chart from a photo', () => {
    expect(looksLikeGraphics(chart)).toBe(true);
    expect(looksLikeGraphics(photo)).toBe(false);
  });
});

describe('probeOf', () => {
  it('keeps a small output whole and tiles a large one at full scale', async () => {
    const small = await rawOf(fixture('jolla.jpg'), 240);
    expect(probeOf(small)).toBe(small);
    const probe = probeOf(photo);
    expect(probe.width * probe.height).toBeLessThan(photo.width * photo.height);
    expect(probe.width % 64).toBe(0);
    expect(probe.height % 64).toBe(0);
  });

  it.each([
    [48, 1440],
    [63, 2000],
    [2560, 51],
    [3840, 63],
  ])('tiles a %i x %i strip with tiles as narrow as it', async (width, height) => {
    const { data, info } = await sharp(fixture('jolla.jpg'))
      .resize(width, height, { fit: 'fill' })
      .removeAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true });
    const probe = probeOf({ data, width: info.width, height: info.height, channels: info.channels });
    expect(Math.min(probe.width, probe.height)).toBe(Math.min(width, height));
    expect(probe.width * probe.height).toBeLessThan(width * height);
    expect(probe.data.length).toBe(probe.width * probe.height * info.channels);
  });
});

describe('encodeAutoQuality', () => {
  it.each(['jpeg', 'webp', 'avif'] as const)('encodes a photo as %s at a quality that rises with the level', async (format) => {
    const results = [];
    for (const level of ['eco', 'good', 'best'] as const) results.push(await encodeAutoQuality(photo, format, level));
    for (const result of results) {
      const meta = await sharp(result.data).metadata();
      expect(meta.format).toBe(format === 'avif' ? 'heif' : format);
      expect([meta.width, meta.height]).toEqual([photo.width, photo.height]);
      expect(result.graphics).toBe(false);
      expect(result.encodes).toBeLessThanOrEqual(MAX_PROBE_ENCODES + 1);
      expect(result.cost).toBeGreaterThanOrEqual(1);
      expect(result.cost).toBeLessThanOrEqual(result.encodes);
    }
    const [eco, good, best] = results as [(typeof results)[0], (typeof results)[0], (typeof results)[0]];
    expect(eco.quality).toBeLessThanOrEqual(good.quality);
    expect(good.quality).toBeLessThanOrEqual(best.quality);
    expect(eco.data.length).toBeLessThan(best.data.length);
  });

  it("holds a photo at about the fixed default's quality at good when the target is out of reach, not at best", async () => {
    const unreachable = { target: 1e-6 };
    const ceilings = { jpeg: DEFAULT_QUALITY + 5, webp: DEFAULT_QUALITY, avif: DEFAULT_QUALITY };
    for (const format of ['jpeg', 'webp', 'avif'] as const) {
      expect((await encodeAutoQuality(photo, format, 'good', unreachable)).quality).toBe(ceilings[format]);
      expect((await encodeAutoQuality(photo, format, 'best', unreachable)).quality).toBeGreaterThan(ceilings[format] + 5);
    }
  });

  it('keeps full-resolution chroma on graphics', async () => {
    const jpeg = await encodeAutoQuality(chart, 'jpeg', 'good');
    expect(jpeg.graphics).toBe(true);
    expect((await sharp(jpeg.data).metadata()).chromaSubsampling).toBe('4:4:4');
    const fixedPhoto = await encodeAutoQuality(photo, 'jpeg', 'good');
    expect((await sharp(fixedPhoto.data).metadata()).chromaSubsampling).toBe('4:2:0');
  });

  it.each(['jpeg', 'webp', 'avif'] as const)('encodes strips narrower than a probe tile as %s', async (format) => {
    for (const [width, height] of [
      [48, 1440],
      [2560, 51],
    ] as const) {
      const { data, info } = await sharp(fixture('jolla.jpg'))
        .resize(width, height, { fit: 'fill' })
        .removeAlpha()
        .raw()
        .toBuffer({ resolveWithObject: true });
      const result = await encodeAutoQuality({ data, width: info.width, height: info.height, channels: info.channels }, format, 'good');
      const meta = await sharp(result.data).metadata();
      expect([meta.width, meta.height]).toEqual([width, height]);
    }
  });

  it('writes a flat chart as lossless WebP, smaller than its lossy encode', async () => {
    const webp = await encodeAutoQuality(chart, 'webp', 'good');
    expect(webp.quality).toBe(100);
    expect(perceptualDistance(chart, await decoded(webp.data))).toBe(0);
    expect(webp.data.length).toBeLessThan((await encodeAt(chart, 'webp', 75, true)).data.length);
  });
});
