import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { MAX_DELIVERY_DIMENSION } from '@darkroom/core/limits';
import { describe, expect, it } from 'vitest';
import { deliverySourceFacts, renderOnRequest, type DeliveryRender } from './deliver.js';
import { deliverySize } from './delivery-size.js';
import { fixture, tempDir, writeBombPng } from './test-fixtures.js';

const options = { maxInputPixels: 100_000_000, timeoutSeconds: 30, video: { maxDurationSeconds: 900, maxPixels: 8_847_360 } };
const render = (over: Partial<DeliveryRender>): DeliveryRender => ({
  width: 64,
  height: 64,
  fit: 'inside',
  gravity: 'center',
  quality: 75,
  format: 'png',
  crop: null,
  focus: null,
  faces: [],
  zoom: 1,
  effect: null,
  ...over,
});

describe('deliverySize', () => {
  const photo = { width: 4000, height: 3000 };
  it('fits inside the box, never above the (cropped) original', () => {
    expect(deliverySize({ width: 640, fit: 'inside' }, photo, null)).toEqual({ width: 640, height: 480 });
    expect(deliverySize({ height: 300, fit: 'inside' }, photo, null)).toEqual({ width: 400, height: 300 });
    expect(deliverySize({ width: 640, height: 100, fit: 'inside' }, photo, null)).toEqual({ width: 133, height: 100 });
    expect(deliverySize({ fit: 'inside' }, photo, null)).toEqual(photo);
    expect(deliverySize({ width: 9000, fit: 'inside' }, photo, { x: 10, y: 10, width: 500, height: 250 })).toEqual({ width: 500, height: 250 });
  });

  it('fills a cover box exactly, or its aspect at 1:1 when the original is smaller', () => {
    expect(deliverySize({ width: 640, height: 640, fit: 'cover' }, photo, null)).toEqual({ width: 640, height: 640 });
    expect(deliverySize({ width: 6000, height: 3000, fit: 'cover' }, photo, null)).toEqual({ width: 4000, height: 2000 });
  });

  it('never passes MAX_DELIVERY_DIMENSION a side, asked (dpr) or unbounded, and a wide original renders', async () => {
    const panorama = { width: 20_000, height: 40 };
    expect(deliverySize({ fit: 'inside' }, panorama, null)).toEqual({ width: MAX_DELIVERY_DIMENSION, height: 16 });
    expect(deliverySize({ width: 3 * MAX_DELIVERY_DIMENSION, fit: 'inside' }, panorama, null)).toEqual({ width: MAX_DELIVERY_DIMENSION, height: 16 });
    const large = { width: 30_000, height: 20_000 };
    expect(deliverySize({ width: 24_576, height: 12_288, fit: 'cover' }, large, null)).toEqual({ width: MAX_DELIVERY_DIMENSION, height: 4096 });
    // What WebP cannot write whole (16,383 px at most) answers at the bound.
    const path = join(await tempDir(), 'strip.png');
    await sharp({ create: { width: 16_400, height: 8, channels: 3, background: '#369' } })
      .png()
      .toFile(path);
    const size = deliverySize({ fit: 'inside' }, { width: 16_400, height: 8 }, null);
    const out = await renderOnRequest(path, 'image', render({ ...size, format: 'webp' }), options);
    expect([out.width, out.height]).toEqual([MAX_DELIVERY_DIMENSION, 4]);
  });
});

/** 300×100: red, green and blue squares side by side. */
async function bandsFile(): Promise<string> {
  const square = (background: string) =>
    sharp({ create: { width: 100, height: 100, channels: 3, background } })
      .png()
      .toBuffer();
  const bytes = await sharp({ create: { width: 300, height: 100, channels: 3, background: '#000' } })
    .composite([
      { input: await square('#ff0000'), left: 0, top: 0 },
      { input: await square('#00ff00'), left: 100, top: 0 },
      { input: await square('#0000ff'), left: 200, top: 0 },
    ])
    .png()
    .toBuffer();
  const path = join(await tempDir(), 'bands.png');
  await writeFile(path, bytes);
  return path;
}

const mean = async (data: Buffer) => (await sharp(data).stats()).channels.slice(0, 3).map((c) => Math.round(c.mean));

describe('renderOnRequest', () => {
  it('cuts from the crop, then the cover region around the focus, at the planned size', async () => {
    const path = await bandsFile();
    const cover = render({ fit: 'cover', gravity: 'focus' });
    expect(await mean((await renderOnRequest(path, 'image', cover, options)).data)).toEqual([0, 255, 0]); // no focus: the centre
    const left = await renderOnRequest(path, 'image', { ...cover, focus: { x: 0, y: 0.5 } }, options);
    expect([left.width, left.height, ...(await mean(left.data))]).toEqual([64, 64, 255, 0, 0]);
    const right = await renderOnRequest(path, 'image', { ...cover, gravity: 'center', crop: { x: 200, y: 0, width: 100, height: 100 } }, options);
    expect(await mean(right.data)).toEqual([0, 0, 255]);
  });

  it('writes each format, with no metadata', async () => {
    for (const format of ['avif', 'webp', 'jpeg', 'png', 'gif'] as const) {
      const out = await renderOnRequest(fixture('Landscape_6.jpg'), 'image', render({ width: 120, height: 90, format }), options);
      const meta = await sharp(out.data).metadata();
      expect([out.contentType, meta.width, meta.height, meta.exif, meta.icc]).toEqual([`image/${format}`, 120, 90, undefined, undefined]);
    }
  });

  it('keeps an animation animated in WebP and GIF, and takes its first frame for other formats', async () => {
    const gif = fixture('animated-loop-3.gif');
    expect(await deliverySourceFacts(gif, 'image', options)).toEqual({ animated: true, hasAlpha: true });
    for (const format of ['webp', 'gif'] as const) {
      const out = await renderOnRequest(gif, 'image', render({ width: 74, height: 57, format }), options);
      expect((await sharp(out.data, { animated: true }).metadata()).pages).toBeGreaterThan(1);
    }
    const still = await renderOnRequest(gif, 'image', render({ width: 74, height: 57, format: 'jpeg' }), options);
    expect((await sharp(still.data).metadata()).pages ?? 1).toBe(1);
  });

  it('cuts a cover region from every frame of an animation decoded a run of frames at a time', async () => {
    // Ten 1,000 px frames, each one colour: decoded four at a time, so the runs meet twice.
    const [side, pages] = [1000, 10];
    const colour = (page: number) => [page * 25, 255 - page * 25, 128];
    const strip = Buffer.alloc(side * side * pages * 3);
    for (let page = 0; page < pages; page++) {
      const [r, g, b] = colour(page);
      for (let i = page * side * side; i < (page + 1) * side * side; i++) strip.set([r!, g!, b!], i * 3);
    }
    const path = join(await tempDir(), 'frames.gif');
    await sharp(strip, { raw: { width: side, height: side * pages, channels: 3, pageHeight: side } })
      .gif({ delay: 100 })
      .toFile(path);
    const out = await renderOnRequest(path, 'image', render({ width: 40, height: 20, fit: 'cover', format: 'webp' }), options);
    const { data, info } = await sharp(out.data, { animated: true }).raw().toBuffer({ resolveWithObject: true });
    expect([info.width, info.pageHeight, info.pages]).toEqual([40, 20, pages]);
    for (let page = 0; page < pages; page++) {
      const at = page * 40 * 20 * info.channels;
      const got = [data[at]!, data[at + 1]!, data[at + 2]!];
      for (const [c, value] of colour(page).entries()) expect(Math.abs(got[c]! - value)).toBeLessThan(12);
    }
  });

  it('refuses an original over the pixel limit before decoding it', async () => {
    const path = join(await tempDir(), 'bomb.png');
    await writeBombPng(path, 20_000, 20_000);
    await expect(renderOnRequest(path, 'image', render({}), options)).rejects.toMatchObject({ code: 'too_many_pixels' });
  });
});

describe('renderOnRequest with q_auto', () => {
  it('searches the quality of a still, says which it chose and how many encodes it made', async () => {
    const asked = render({ width: 640, height: 480, fit: 'inside', format: 'webp', quality: 'auto-eco' });
    const auto = await renderOnRequest(fixture('jolla.jpg'), 'image', asked, options);
    expect(auto).toMatchObject({ format: 'webp', width: 640, height: 480 });
    expect(auto.quality).toBeGreaterThanOrEqual(30);
    expect(auto.quality).toBeLessThanOrEqual(95);
    expect(auto.encodes).toBeGreaterThan(1);
    // Probes of at most 16 tiles of 64² px against 640×480: at most 3 × 0.21 of an encode, plus the full one.
    expect(auto.cost).toBe(2);
    const fixed = await renderOnRequest(fixture('jolla.jpg'), 'image', { ...asked, quality: auto.quality as number }, options);
    expect(fixed).toMatchObject({ quality: auto.quality, encodes: 1, cost: 1 });
    // The same number through q_auto's tuned encoder (WebP's method 5): a little smaller, never larger.
    expect(auto.data.length).toBeLessThanOrEqual(fixed.data.length);
    expect(auto.data.length).toBeGreaterThan(fixed.data.length * 0.85);
  });

  it('gives an animation the level its fixed quality, and PNG none', async () => {
    const animated = await renderOnRequest(
      fixture('animated-loop-3.gif'),
      'image',
      render({ width: 32, height: 32, format: 'webp', quality: 'auto' }),
      options,
    );
    expect(animated).toMatchObject({ quality: 75, encodes: 1, cost: 1 });
    const png = await renderOnRequest(fixture('jolla.jpg'), 'image', render({ width: 64, height: 48, format: 'png', quality: 'auto' }), options);
    expect(png).toMatchObject({ quality: undefined, encodes: 1, cost: 1 });
  });
});
