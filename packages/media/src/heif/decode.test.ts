import { readFile } from 'node:fs/promises';
import { BadMediaError } from '@darkroom/core/errors';
import sharp, { type Sharp } from 'sharp';
import { describe, expect, it } from 'vitest';
import { probeImage } from '../probe.js';
import { classifyDecodeError } from '../sharp-errors.js';
import { fixture, meanAbsDiff } from '../test-fixtures.js';
import { HeifThreadError, decodeInThread, openHeif } from './decode.js';
import { fakeHeifOfSize } from './test-fixtures.js';

const OPTIONS = { maxInputPixels: 100_000_000 };
const IPHONE = fixture('iphone_13_pro_max.HEIC');
/**
 * `heif-convert -q 95` (Debian's libheif-examples 1.15) of the iPhone HEIC, read WITHOUT auto-orient
 * (its JPEG has upright pixels but keeps EXIF Orientation 6), converted to sRGB through the ICC
 * profile it carries and shrunk to 189x252: see fixtures/images/SOURCES.md.
 */
const REFERENCE = fixture('iphone_13_pro_max.reference.png');
const REFERENCE_SIZE = { width: 189, height: 252 };

async function rgbAtReferenceSize(pipeline: Sharp): Promise<Buffer> {
  return pipeline.resize(REFERENCE_SIZE.width, REFERENCE_SIZE.height, { fit: 'fill' }).toColourspace('srgb').removeAlpha().raw().toBuffer();
}

describe('openHeif (libheif WASM in a worker thread)', () => {
  it('decodes the iPhone HEIC upright and in sRGB: within 1/255 of the heif-convert reference', async () => {
    const probe = await probeImage(IPHONE, OPTIONS);
    expect(probe).toMatchObject({ format: 'heif', width: 3024, height: 4032, hasAlpha: false });
    const decoded = await openHeif(IPHONE, probe, OPTIONS);
    const ours = await rgbAtReferenceSize(decoded.clone());
    const reference = await sharp(REFERENCE).raw().toBuffer();
    expect(meanAbsDiff(ours, reference)).toBeLessThan(1);

    // The check can tell: without the ICC profile, Display P3 values read as sRGB are visibly off…
    const bare = await decodeInThread(IPHONE, { ...OPTIONS, reserve: 0 });
    const untagged = await rgbAtReferenceSize(
      sharp(Buffer.from(bare.pixels), { raw: { width: bare.width, height: bare.height, channels: bare.channels } }),
    );
    expect(meanAbsDiff(untagged, reference)).toBeGreaterThan(3);
    // …and turning the pixels again by the EXIF orientation (6: 90° clockwise) shows the photo on its side.
    const turnedAgain = await rgbAtReferenceSize(decoded.clone().rotate(90));
    expect(meanAbsDiff(turnedAgain, reference)).toBeGreaterThan(20);
  });

  it('drops an alpha channel only where it is opaque everywhere', async () => {
    // heif-enc kept the alpha plane of an RGBA PNG whose alpha is 255 everywhere.
    expect(await probeImage(fixture('heif-opaque-alpha.heic'), OPTIONS)).toMatchObject({ hasAlpha: true });
    const opaque = await decodeInThread(fixture('heif-opaque-alpha.heic'), { ...OPTIONS, reserve: 0 });
    expect(opaque.channels).toBe(3);
    expect([...new Uint8Array(opaque.pixels, 0, 3)]).toEqual([40, 160, 90].map((v) => expect.closeTo(v, -1)));
    const probe = await probeImage(fixture('heif-alpha.heic'), OPTIONS);
    expect(probe).toMatchObject({ format: 'heif', width: 96, height: 64, hasAlpha: true });
    const { data, info } = await (await openHeif(fixture('heif-alpha.heic'), probe, OPTIONS)).raw().toBuffer({ resolveWithObject: true });
    expect(info.channels).toBe(4);
    // The source (fixtures/images/SOURCES.md): the left half opaque, the right half transparent.
    const alphaAt = (x: number, y: number) => data[(y * info.width + x) * 4 + 3]!;
    expect([alphaAt(10, 10), alphaAt(40, 50)]).toEqual([255, 255]);
    expect([alphaAt(60, 10), alphaAt(90, 50)]).toEqual([0, 0]);
  });

  it('decodes a 10-bit HEIC as 8-bit, with the colours of its 16-bit source', async () => {
    const probe = await probeImage(fixture('heif-10bit.heic'), OPTIONS);
    const { data, info } = await (await openHeif(fixture('heif-10bit.heic'), probe, OPTIONS))
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true });
    expect(info).toMatchObject({ width: 96, height: 64, channels: 3 });
    // The source is R = 255·x/96, G = 80, B = 255·y/64 (SOURCES.md); lossy coding moves them a little.
    for (const [x, y] of [
      [10, 10],
      [48, 32],
      [90, 60],
    ] as const) {
      const at = (y * 96 + x) * 3;
      const expected = [(255 * x) / 96, 80, (255 * y) / 64];
      for (const [c, value] of expected.entries()) {
        expect(Math.abs(data[at + c]! - value), `(${x},${y}) channel ${c}`).toBeLessThan(10);
      }
    }
  });

  it('takes the primary image, not the first one in the file', async () => {
    // heif-enc made a red 80x60 image, then a blue 60x80 one; the file's pitm was set to the second.
    const path = fixture('heif-primary-second.heic');
    const probe = await probeImage(path, OPTIONS);
    expect(probe).toMatchObject({ width: 60, height: 80 });
    const { dominant } = await (await openHeif(path, probe, OPTIONS)).stats();
    expect(dominant.b).toBeGreaterThan(150);
    expect(dominant.r).toBeLessThan(80);
  });

  it('decodes bytes as well as a file (the admin preview), leaving the caller its buffer', async () => {
    const bytes = await readFile(fixture('heif-primary-second.heic'));
    const probe = await probeImage(bytes, OPTIONS);
    const { info } = await (await openHeif(bytes, probe, OPTIONS)).raw().toBuffer({ resolveWithObject: true });
    expect(info).toMatchObject({ width: 60, height: 80 });
    expect(bytes.length).toBe(833); // copied to the thread, not moved away from us
  });

  it('keeps the main thread free while it decodes', async () => {
    const probe = await probeImage(IPHONE, OPTIONS);
    let ticks = 0;
    const timer = setInterval(() => ticks++, 20);
    try {
      await openHeif(IPHONE, probe, OPTIONS);
    } finally {
      clearInterval(timer);
    }
    // The decode takes seconds: on this thread, no timer could fire until it was done.
    expect(ticks).toBeGreaterThan(10);
  });

  it('stops a decode past its deadline and reports it as a timeout', async () => {
    const error = await decodeInThread(IPHONE, { ...OPTIONS, reserve: 0, deadline: performance.now() + 200 }).catch((e: unknown) => e);
    expect(String(error)).toMatch(/timeout: the HEIF decode took longer than 1 s/);
    expect(classifyDecodeError(error, { timeoutSeconds: 1 })).toMatchObject({ code: 'render_timeout' });
    const late = await decodeInThread(IPHONE, { ...OPTIONS, reserve: 0, deadline: performance.now() - 1 }).catch((e: unknown) => e);
    expect(String(late)).toMatch(/timeout/);
  });

  it('refuses in the thread too: a file libheif cannot decode is corrupt_image, too many pixels too_many_pixels', async () => {
    // Its structure is fine (the header check passes), but there is no HEVC configuration or data.
    const hollow = await decodeInThread(fakeHeifOfSize(64, 64), { ...OPTIONS, reserve: 0 }).catch((e: unknown) => e);
    expect(hollow).toBeInstanceOf(BadMediaError);
    expect(hollow).toMatchObject({ code: 'corrupt_image' });
    const big = await decodeInThread(IPHONE, { maxInputPixels: 1_000_000, reserve: 0 }).catch((e: unknown) => e);
    expect(big).toMatchObject({ code: 'too_many_pixels', details: { width: 3024, height: 4032 } });
  });
});

describe('HeifThreadError', () => {
  it('is the machine’s trouble, so the worker retries it instead of failing the asset', () => {
    const error = new HeifThreadError('the HEIF decode thread exited with code 1 before it replied');
    expect(classifyDecodeError(error)).toBe(error);
  });
});
