import { readFile } from 'node:fs/promises';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getImage, imagePath, setAssetShape, startDelivery, type DeliveryServer } from '../support/delivery.js';
import { fixture, meanAbsoluteDifference, thumbprint } from '../support/images.js';
import { clip, uploadVideo } from '../support/video.js';
import { setupHarness, setupTenant } from '../support/setup-harness.js';

/** What a delivery shows: crop, focus, attention, animation, video posters, HEIC, orientation, transparency. */
const harness = setupHarness();
let delivery: DeliveryServer;
const tenant = setupTenant(harness, 'delivery-shapes');

beforeAll(async () => {
  delivery = await startDelivery(harness);
});
afterAll(() => delivery?.close());

async function ready(bytes: Buffer, contentType: string, filename: string) {
  const { asset } = await tenant.client.uploadAndComplete(new Uint8Array(bytes), { filename, contentType });
  const done = await tenant.client.waitForAsset(asset.id, 120_000);
  expect(done.status).toBe('ready');
  return done;
}

const url = (id: string, revision: number, options: string) => `${delivery.baseUrl}${imagePath(id, revision, options)}`;

/** Mean red, green and blue of an image. */
async function meanColour(data: Buffer): Promise<[number, number, number]> {
  const { channels } = await sharp(data).stats();
  return [channels[0]!.mean, channels[1]!.mean, channels[2]!.mean].map(Math.round) as [number, number, number];
}

/** 1200×400: a red, a green and a blue band, 400 px each. */
async function bands(): Promise<Buffer> {
  const band = (r: number, g: number, b: number) =>
    sharp({ create: { width: 400, height: 400, channels: 3, background: { r, g, b } } })
      .png()
      .toBuffer();
  const [red, green, blue] = await Promise.all([band(255, 0, 0), band(0, 255, 0), band(0, 0, 255)]);
  return sharp({ create: { width: 1200, height: 400, channels: 3, background: '#000' } })
    .composite([
      { input: red, left: 0, top: 0 },
      { input: green, left: 400, top: 0 },
      { input: blue, left: 800, top: 0 },
    ])
    .png()
    .toBuffer();
}

describe('crop and focus', () => {
  it('crops around the focus (g_focus), the centre (g_center), and within the crop', async () => {
    const asset = await ready(await bands(), 'image/png', 'bands.png');
    const square = 'w_96,h_96,c_cover,f_png';
    // No focus yet: g_focus is the centre.
    const first = await getImage(url(asset.id, 1, square));
    expect([first.status, first.body]).toEqual([200, null]);
    expect(await meanColour(first.data)).toEqual([0, 255, 0]);

    const focused = await setAssetShape(harness, asset.id, { focus: { x: 0.1, y: 0.5 } });
    expect(focused).toBe(2);
    expect(await meanColour((await getImage(url(asset.id, 2, square))).data)).toEqual([255, 0, 0]);
    expect(await meanColour((await getImage(url(asset.id, 2, `${square},g_center`))).data)).toEqual([0, 255, 0]);

    // The crop keeps the blue band only: every delivery is cut from it, never upscaled past it.
    await setAssetShape(harness, asset.id, { crop: { x: 800, y: 0, width: 400, height: 400 } });
    const cropped = await getImage(url(asset.id, 3, 'w_640,f_png'));
    expect(cropped.meta).toMatchObject({ width: 400, height: 400 });
    expect(await meanColour(cropped.data)).toEqual([0, 0, 255]);

    // A focus outside the crop (on the red band) moves to the nearest point inside it: green's edge.
    await setAssetShape(harness, asset.id, { crop: { x: 400, y: 0, width: 800, height: 400 }, focus: { x: 0.05, y: 0.5 } });
    expect(await meanColour((await getImage(url(asset.id, 4, square))).data)).toEqual([0, 255, 0]);
  });

  it('g_auto crops to the most salient region (sharp attention)', async () => {
    const flat = sharp({ create: { width: 1200, height: 400, channels: 3, background: { r: 128, g: 128, b: 128 } } });
    const detail = await sharp({
      create: { width: 300, height: 300, channels: 3, background: '#000', noise: { type: 'gaussian', mean: 128, sigma: 90 } },
    })
      .png()
      .toBuffer();
    const asset = await ready(
      await flat
        .composite([{ input: detail, left: 880, top: 50 }])
        .png()
        .toBuffer(),
      'image/png',
      'detail.png',
    );
    const auto = await getImage(url(asset.id, 1, 'w_96,h_96,c_cover,g_auto,f_png'));
    const centre = await getImage(url(asset.id, 1, 'w_96,h_96,c_cover,g_center,f_png'));
    expect([auto.meta?.width, auto.meta?.height]).toEqual([96, 96]);
    const spread = async (data: Buffer) => (await sharp(data).stats()).channels[0]!.stdev;
    // The flat centre has no spread at all; the detailed patch keeps some through the 400 → 96 shrink.
    expect(await spread(centre.data)).toBeLessThan(1);
    expect(await spread(auto.data)).toBeGreaterThan(5);
  });
});

describe('what a delivery is made from', () => {
  it('keeps an animated GIF animated: WebP where taken, else GIF; a still format takes its first frame', async () => {
    const asset = await ready(await readFile(fixture('animated-loop-3.gif')), 'image/gif', 'loop.gif');
    const webp = await getImage(url(asset.id, 1, 'w_128'), { accept: 'image/avif,image/webp,*/*' });
    expect([webp.headers.get('content-type'), webp.headers.get('vary'), (webp.meta?.pages ?? 1) > 1]).toEqual(['image/webp', 'Accept', true]);
    expect(webp.meta?.width).toBe(128);
    const gif = await getImage(url(asset.id, 1, 'w_128'), { accept: '*/*' });
    expect([gif.headers.get('content-type'), (gif.meta?.pages ?? 1) > 1]).toEqual(['image/gif', true]);
    const jpeg = await getImage(url(asset.id, 1, 'w_128,f_jpeg'));
    expect([jpeg.meta?.format, jpeg.meta?.pages ?? 1]).toEqual(['jpeg', 1]);
  });

  it('keeps an animated WebP animated, cropped frame by frame', async () => {
    const asset = await ready(await readFile(fixture('animated-loop-3.webp')), 'image/webp', 'loop.webp');
    await setAssetShape(harness, asset.id, { crop: { x: 100, y: 80, width: 200, height: 150 } });
    const cropped = await getImage(url(asset.id, 2, 'w_128,f_webp'));
    expect(cropped.meta).toMatchObject({ format: 'webp', width: 128, pageHeight: 96 });
    expect(cropped.meta?.pages).toBeGreaterThan(1);
  });

  it("renders a video's poster frame", async () => {
    const { asset } = await uploadVideo(tenant.client, await clip('basic.mp4'));
    const video = await tenant.client.waitForAsset(asset.id, 120_000);
    expect(video.status).toBe('ready');
    const poster = await getImage(url(video.id, 1, 'w_64,f_jpeg'));
    expect(poster.meta).toMatchObject({ format: 'jpeg', width: 64, height: 36 });
    const auto = await getImage(url(video.id, 1, 'w_64'), { accept: 'image/webp' });
    expect(auto.meta).toMatchObject({ format: 'webp', width: 64 });
  });

  it('renders a HEIC upright, in sRGB, with no metadata', async () => {
    const asset = await ready(await readFile(fixture('iphone_13_pro_max.HEIC')), 'image/heic', 'iphone.heic');
    const got = await getImage(url(asset.id, 1, 'w_384,f_jpeg'));
    expect(got.meta).toMatchObject({ format: 'jpeg', width: 384, height: 512, space: 'srgb' });
    expect([got.meta?.exif, got.meta?.xmp, got.meta?.icc]).toEqual([undefined, undefined, undefined]);
    expect(got.data.includes('GPS')).toBe(false);
    const reference = await thumbprint(await readFile(fixture('iphone_13_pro_max.reference.png')));
    expect(meanAbsoluteDifference(await thumbprint(got.data), reference)).toBeLessThan(6);
  });

  it('turns a photo upright from its EXIF orientation and drops the EXIF', async () => {
    const asset = await ready(await readFile(fixture('Landscape_6.jpg')), 'image/jpeg', 'landscape-6.jpg');
    const got = await getImage(url(asset.id, 1, 'w_384,f_webp'));
    expect(got.meta).toMatchObject({ width: 384, height: 288 });
    expect(got.meta?.exif).toBeUndefined();
    const upright = await sharp(await readFile(fixture('Landscape_6.jpg')))
      .autoOrient()
      .toBuffer();
    expect(meanAbsoluteDifference(await thumbprint(got.data), await thumbprint(upright))).toBeLessThan(6);
  });

  it('answers PNG for transparency when the browser takes neither AVIF nor WebP', async () => {
    const asset = await ready(await readFile(fixture('Flag_of_the_Netherlands-alpha.png')), 'image/png', 'flag.png');
    const png = await getImage(url(asset.id, 1, 'w_256'), { accept: 'image/png,*/*' });
    expect([png.meta?.format, png.meta?.hasAlpha, png.headers.get('vary')]).toEqual(['png', true, 'Accept']);
    const opaque = await ready(await readFile(fixture('320x240.jpg')), 'image/jpeg', 'small.jpg');
    const jpeg = await getImage(url(opaque.id, 1, 'w_256'), { accept: 'image/png,*/*' });
    expect(jpeg.meta?.format).toBe('jpeg');
  });
});
