import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BadMediaError, DarkroomError } from '@darkroom/core/errors';
import { isImageSpec, PRESETS, variantSpecHash } from '@darkroom/core/presets';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { probeImage } from './probe.js';
import { renderImage, renderVariants } from './render.js';
import { classifyDecodeError } from './sharp-errors.js';
import { exifHasGps, fixture, greySignature, meanAbsDiff, tempDir, webpChunks } from './test-fixtures.js';
import type { RenderedVariant } from './types.js';

const OPTIONS = { maxInputPixels: 100_000_000 };
const SPECS = PRESETS.default!.variants.filter(isImageSpec);

async function render(path: string): Promise<RenderedVariant[]> {
  return renderVariants(path, await probeImage(path, OPTIONS), SPECS, OPTIONS);
}

function variant(variants: RenderedVariant[], name: string): RenderedVariant {
  const found = variants.find((v) => v.spec.name === name);
  if (!found) throw new Error(`no ${name} variant`);
  return found;
}

function sizes(variants: RenderedVariant[]): Record<string, string> {
  return Object.fromEntries(variants.map((v) => [v.spec.name, `${v.width}x${v.height}`]));
}

/** What every variant must be, whatever the input: a WebP of the reported size, inside the box, with no metadata. */
async function expectCleanWebp(v: RenderedVariant): Promise<void> {
  const meta = await sharp(v.data, { animated: true }).metadata();
  expect(meta.format).toBe('webp');
  expect(meta.width).toBe(v.width);
  expect(meta.pageHeight ?? meta.height).toBe(v.height);
  expect(v.width).toBeLessThanOrEqual(v.spec.width);
  expect(v.height).toBeLessThanOrEqual(v.spec.height);
  expect([meta.exif, meta.xmp, meta.icc, meta.iptc]).toEqual([undefined, undefined, undefined, undefined]);
  expect(webpChunks(v.data).filter((id) => ['EXIF', 'XMP ', 'ICCP'].includes(id))).toEqual([]);
  expect(v).toMatchObject({ size: v.data.length, format: 'webp', contentType: 'image/webp', specHash: variantSpecHash(v.spec) });
}

const STILL_FIXTURES = [
  '320x240.jpg',
  'Channel_digital_image_CMYK_color.jpg',
  'DSCN0010.jpg',
  'Flag_of_the_Netherlands-alpha.png',
  'HMD_Nokia_8.3_5G.jpg',
  'jolla.jpg',
  'tifftag-photoshop.tiff',
  ...[1, 2, 3, 4, 5, 6, 7, 8].map((n) => `Landscape_${n}.jpg`),
];
const ANIMATED_FIXTURES = ['animated-loop-3.gif', 'animated-loop-3.webp'];

describe('renderVariants', () => {
  const rendered = new Map<string, RenderedVariant[]>();
  beforeAll(async () => {
    for (const name of [...STILL_FIXTURES, ...ANIMATED_FIXTURES]) rendered.set(name, await render(fixture(name)));
  });

  it.each([...STILL_FIXTURES, ...ANIMATED_FIXTURES])('renders %s as clean WebP variants within their boxes', async (name) => {
    const variants = rendered.get(name)!;
    expect(variants.map((v) => v.spec.name)).toEqual(['thumb', 'small', 'medium', 'large']);
    for (const v of variants) await expectCleanWebp(v);
  });

  it('renders big photos to exact sizes: thumb 256x256, the rest inside their boxes', () => {
    expect(sizes(rendered.get('jolla.jpg')!)).toEqual({ thumb: '256x256', small: '640x480', medium: '1280x960', large: '2560x1920' });
    expect(sizes(rendered.get('HMD_Nokia_8.3_5G.jpg')!)).toEqual({ thumb: '256x256', small: '640x274', medium: '1280x549', large: '2560x1098' });
  });

  it('never upscales: 320x240 stays 320x240, and its thumb is a 240x240 crop', () => {
    expect(sizes(rendered.get('320x240.jpg')!)).toEqual({ thumb: '240x240', small: '320x240', medium: '320x240', large: '320x240' });
  });

  it('encodes variants that come out the same once: a small photo gets one picture for small, medium and large', () => {
    const [thumb, small, medium, large] = rendered.get('320x240.jpg')!;
    expect(small!.data).toBe(medium!.data); // the same buffer: one encode
    expect(large!.data).toBe(small!.data);
    expect(new Set([small, medium, large].map((v) => v!.outputHash)).size).toBe(1);
    expect(thumb!.outputHash).not.toBe(small!.outputHash);
    // Each still says which spec it is.
    expect([small, medium, large].map((v) => [v!.spec.name, v!.specHash])).toEqual(SPECS.slice(1).map((spec) => [spec.name, variantSpecHash(spec)]));
    // A photo larger than every box shares nothing.
    expect(new Set(rendered.get('jolla.jpg')!.map((v) => v.outputHash)).size).toBe(4);
    // Animations too.
    const animated = rendered.get('animated-loop-3.gif')!;
    expect(new Set(animated.map((v) => v.data)).size).toBe(new Set(animated.map((v) => v.outputHash)).size);
  });

  it('encodes a cover box that crops nothing as the inside picture of its size, and PNG variants of any quality once', async () => {
    const path = fixture('DSCN0010.jpg'); // 640×480: 4:3
    const webp = (name: string, fit: 'cover' | 'inside', width: number, height: number) =>
      ({ name, fit, width, height, format: 'webp', quality: 80 }) as const;
    const png = (name: string, quality: number) => ({ name, fit: 'inside', width: 320, height: 320, format: 'png', quality }) as const;
    const specs = [
      webp('card', 'cover', 640, 480),
      webp('small', 'inside', 640, 640),
      webp('thumb', 'cover', 256, 256),
      png('p90', 90),
      png('p40', 40),
    ];
    for (const framing of [undefined, { crop: null, focus: { x: 0.2, y: 0.8 } }]) {
      const [card, small, thumb, p90, p40] = await renderVariants(path, await probeImage(path, OPTIONS), specs, { ...OPTIONS, framing });
      expect(card!.data).toBe(small!.data);
      expect(card!.outputHash).toBe(small!.outputHash);
      expect(p90!.data).toBe(p40!.data);
      expect(p90!.outputHash).toBe(p40!.outputHash);
      // A cover box that crops is a picture of its own.
      expect(thumb!.outputHash).not.toBe(small!.outputHash);
      expect(new Set([card, thumb, p90].map((v) => v!.outputHash)).size).toBe(3);
    }
  });

  it('stores a small square image once for the cover thumb and the inside boxes', async () => {
    const dir = await tempDir();
    const path = join(dir, 'square.png');
    await sharp({ create: { width: 200, height: 200, channels: 3, background: '#996633' } })
      .png()
      .toFile(path);
    const variants = await render(path);
    expect(sizes(variants)).toEqual({ thumb: '200x200', small: '200x200', medium: '200x200', large: '200x200' });
    expect(new Set(variants.map((v) => v.outputHash)).size).toBe(1);
    expect(new Set(variants.map((v) => v.data)).size).toBe(1);
  });

  it('crops a cover thumb of a small wide image to a square at 1:1', async () => {
    const dir = await tempDir();
    const path = join(dir, 'wide.png');
    await sharp({ create: { width: 200, height: 100, channels: 3, background: '#336699' } })
      .png()
      .toFile(path);
    expect(sizes(await render(path))).toEqual({ thumb: '100x100', small: '200x100', medium: '200x100', large: '200x100' });
  });

  describe('EXIF orientation', () => {
    const LANDSCAPES = [1, 2, 3, 4, 5, 6, 7, 8];

    it.each(LANDSCAPES)('Landscape_%i comes out 600x450 (thumb 256x256)', (n) => {
      expect(sizes(rendered.get(`Landscape_${n}.jpg`)!)).toEqual({ thumb: '256x256', small: '600x450', medium: '600x450', large: '600x450' });
    });

    it.each(LANDSCAPES)('Landscape_%i comes out upright: every variant looks like Landscape_1', async (n) => {
      for (const name of ['thumb', 'small']) {
        const reference = await greySignature(variant(rendered.get('Landscape_1.jpg')!, name).data);
        const actual = await greySignature(variant(rendered.get(`Landscape_${n}.jpg`)!, name).data);
        // Measured: about 1 for upright copies (each has its own digit in the middle); 39+ when turned or mirrored.
        expect(meanAbsDiff(actual, reference)).toBeLessThan(8);
      }
    });

    it.each([2, 3, 4, 5, 6, 7, 8])('the comparison would catch Landscape_%i left as stored', async (n) => {
      const reference = await greySignature(variant(rendered.get('Landscape_1.jpg')!, 'small').data);
      const stored = await greySignature(fixture(`Landscape_${n}.jpg`)); // sharp does not auto-orient by default
      expect(meanAbsDiff(stored, reference)).toBeGreaterThan(20);
    });
  });

  it('strips EXIF, XMP and GPS from DSCN0010.jpg (which has GPS coordinates)', async () => {
    const original = await sharp(fixture('DSCN0010.jpg')).metadata();
    expect(exifHasGps(original.exif!)).toBe(true); // the test means something only if the input has GPS
    for (const v of rendered.get('DSCN0010.jpg')!) {
      const meta = await sharp(v.data).metadata();
      expect({ exif: meta.exif, xmp: meta.xmp, icc: meta.icc }).toEqual({ exif: undefined, xmp: undefined, icc: undefined });
      expect(webpChunks(v.data)).toEqual(['VP8 ']); // a simple lossy WebP: no VP8X, so no room for metadata chunks
    }
  });

  it('converts CMYK (with its ICC profile) to 3-channel sRGB with plausible colours', async () => {
    const small = variant(rendered.get('Channel_digital_image_CMYK_color.jpg')!, 'small');
    expect(small.width).toBe(500);
    const { data, info } = await sharp(small.data).raw().toBuffer({ resolveWithObject: true });
    expect(info.channels).toBe(3);
    expect((await sharp(small.data).metadata()).space).toBe('srgb');
    // The lawn (left, lower middle) is green; the path (bottom right) is a light grey-beige.
    const lawn = regionMean(data, info.width, { left: 0, top: 200, width: 150, height: 40 });
    expect(lawn.g).toBeGreaterThan(lawn.r + 15);
    expect(lawn.g).toBeGreaterThan(lawn.b + 30);
    const path = regionMean(data, info.width, { left: 420, top: 260, width: 60, height: 40 });
    expect(Math.max(path.r, path.g, path.b) - Math.min(path.r, path.g, path.b)).toBeLessThan(40);
    expect(path.g).toBeGreaterThan(120);
  });

  it('keeps alpha for a transparent PNG', async () => {
    for (const v of rendered.get('Flag_of_the_Netherlands-alpha.png')!) {
      const meta = await sharp(v.data).metadata();
      expect(meta.hasAlpha).toBe(true);
      expect((await sharp(v.data).stats()).isOpaque).toBe(false);
    }
  });

  it('renders a 16-bit TIFF to 8-bit WebP that looks like the original', async () => {
    const small = variant(rendered.get('tifftag-photoshop.tiff')!, 'small');
    expect(`${small.width}x${small.height}`).toBe('317x211');
    const reference = await greySignature(fixture('tifftag-photoshop.tiff'));
    expect(meanAbsDiff(await greySignature(small.data), reference)).toBeLessThan(4);
  });

  it.each(ANIMATED_FIXTURES)('keeps %s animated: 10 frames with their delays and loop count, thumb included', async (name) => {
    const input = await sharp(fixture(name), { animated: true }).metadata();
    for (const v of rendered.get(name)!) {
      const meta = await sharp(v.data, { animated: true }).metadata();
      expect(meta.pages).toBe(10);
      expect(meta.delay).toEqual(input.delay);
      expect(meta.loop).toBe(input.loop);
      const first = await greySignature(v.data, 0);
      const last = await greySignature(v.data, 9);
      expect(meanAbsDiff(first, last)).toBeGreaterThan(1); // real animation, not one frame repeated
    }
    expect(sizes(rendered.get(name)!)).toEqual({ thumb: '256x256', small: '370x285', medium: '370x285', large: '370x285' });
  });

  it('decodes a still image once, at the size of the largest variant', async () => {
    const path = fixture('jolla.jpg');
    const { pixels } = await renderImage(path, await probeImage(path, OPTIONS), SPECS, OPTIONS);
    expect({ width: pixels.width, height: pixels.height, channels: pixels.channels }).toEqual({ width: 2560, height: 1920, channels: 3 });
    expect(pixels.data.length).toBe(2560 * 1920 * 3);
  });

  it('encodes variants in parallel when given spare slots: the same bytes, in the preset order', async () => {
    const path = fixture('HMD_Nokia_8.3_5G.jpg');
    const probe = await probeImage(path, OPTIONS);
    let asked = 0;
    const parallel = await renderVariants(path, probe, SPECS, {
      ...OPTIONS,
      spareEncodes: () => {
        asked += 1;
        return 3;
      },
    });
    expect(asked).toBe(1);
    expect(parallel.map((v) => v.spec.name)).toEqual(['thumb', 'small', 'medium', 'large']);
    const sequential = rendered.get('HMD_Nokia_8.3_5G.jpg')!;
    for (const [i, v] of parallel.entries()) expect(v.data.equals(sequential[i]!.data), v.spec.name).toBe(true);
  });

  it('fails truncated.jpg as corrupt_image instead of rendering a mostly grey image', async () => {
    const error = await render(fixture('truncated.jpg')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BadMediaError);
    expect(error).toMatchObject({ code: 'corrupt_image', details: { cause: 'VipsJpeg: premature end of JPEG image' } });
  });

  it('still renders a JPEG whose only fault is a libjpeg warning (junk bytes before a marker)', async () => {
    // sharp's default failOn 'warning' rejects this file; failOn 'error' must not.
    const original = await readFile(fixture('Landscape_1.jpg'));
    const sos = original.indexOf(Buffer.from([0xff, 0xda]));
    const path = join(await tempDir(), 'junk-before-sos.jpg');
    await writeFile(path, Buffer.concat([original.subarray(0, sos), Buffer.from('junkjunk'), original.subarray(sos)]));
    await expect(sharp(path, { failOn: 'warning' }).toBuffer()).rejects.toThrow(/extraneous bytes before marker/);
    expect(sizes(await render(path))).toEqual({ thumb: '256x256', small: '600x450', medium: '600x450', large: '600x450' });
  });

  it('renders AVIF, which libvips reads with its own HEIF loader (HEIC goes to the WASM decoder)', async () => {
    const path = join(await tempDir(), 'landscape.avif');
    await sharp(fixture('Landscape_6.jpg'), { autoOrient: true }).avif({ quality: 60 }).toFile(path);
    const probe = await probeImage(path, OPTIONS);
    expect(probe).toMatchObject({ format: 'avif', width: 600, height: 450 });
    const small = variant(await renderVariants(path, probe, SPECS, OPTIONS), 'small');
    const reference = await greySignature(variant(rendered.get('Landscape_1.jpg')!, 'small').data);
    expect(meanAbsDiff(await greySignature(small.data), reference)).toBeLessThan(8);
  });

  it('treats timeoutSeconds as a budget for all pipelines of a render, not each one', async () => {
    const path = fixture('jolla.jpg');
    const probe = await probeImage(path, OPTIONS);
    // The decode alone takes tens of milliseconds, so the variants start after the deadline.
    const error = await renderVariants(path, probe, SPECS, { ...OPTIONS, timeoutSeconds: 0.005 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DarkroomError);
    expect(error).not.toBeInstanceOf(BadMediaError);
    expect(error).toMatchObject({ code: 'render_timeout', details: { timeoutSeconds: 0.005 } });
  });

  it('enforces the pixel limit while decoding, too', async () => {
    const path = fixture('jolla.jpg');
    const probe = await probeImage(path, OPTIONS);
    await expect(renderVariants(path, probe, SPECS, { maxInputPixels: 1_000_000 })).rejects.toMatchObject({ code: 'too_many_pixels' });
  });
});

describe('classifyDecodeError', () => {
  it('turns a sharp timeout into render_timeout, not bad media, naming the limit', () => {
    const error = classifyDecodeError(new Error('timeout: 29% complete\nVipsImage: killed'), { timeoutSeconds: 30 });
    expect(error).toBeInstanceOf(DarkroomError);
    expect(error).not.toBeInstanceOf(BadMediaError);
    expect(error).toMatchObject({ code: 'render_timeout', message: 'Rendering was stopped after the 30-second time limit.' });
  });

  it('leaves system and memory errors alone', () => {
    const enospc = Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
    expect(classifyDecodeError(enospc)).toBe(enospc);
    const oom = new Error('vips_malloc: out of memory --- size == 1GB');
    expect(classifyDecodeError(oom)).toBe(oom);
  });
});

function regionMean(
  rgb: Buffer,
  width: number,
  region: { left: number; top: number; width: number; height: number },
): { r: number; g: number; b: number } {
  let r = 0;
  let g = 0;
  let b = 0;
  for (let y = region.top; y < region.top + region.height; y++) {
    for (let x = region.left; x < region.left + region.width; x++) {
      const at = (y * width + x) * 3;
      r += rgb[at]!;
      g += rgb[at + 1]!;
      b += rgb[at + 2]!;
    }
  }
  const n = region.width * region.height;
  return { r: r / n, g: g / n, b: b / n };
}
