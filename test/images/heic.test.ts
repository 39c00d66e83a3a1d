import { readFile } from 'node:fs/promises';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { fetchVariant, fixture, meanAbsoluteDifference, thumbprint } from '../support/images.js';
import { setupHarness, setupTenant } from '../support/setup-harness.js';

/** iPhone HEIC through the real API, bucket and worker: the same presets and pipeline as any photo. */
const harness = setupHarness();
const tenant = setupTenant(harness, 'heic');

/** Every variant: a WebP of its recorded size, with no EXIF, XMP or ICC, and no GPS bytes. */
async function fetchClean(asset: any) {
  const fetched = new Map<string, Awaited<ReturnType<typeof fetchVariant>>>();
  for (const variant of asset.variants) {
    const got = await fetchVariant(variant.url);
    expect(got.status, variant.url).toBe(200);
    expect(got.headers.get('content-type')).toBe('image/webp');
    expect([got.meta.format, got.meta.width, got.meta.height]).toEqual(['webp', variant.width, variant.height]);
    expect([got.meta.exif, got.meta.xmp, got.meta.icc]).toEqual([undefined, undefined, undefined]);
    expect(got.data.includes('GPS')).toBe(false);
    fetched.set(variant.name, got);
  }
  return fetched;
}

describe('HEIC, end to end', () => {
  it('turns the iPhone HEIC (irot 270 + EXIF Orientation 6) into upright variants without EXIF', async () => {
    const { asset: queued } = await tenant.client.uploadFile(fixture('iphone_13_pro_max.HEIC'), 'image/heic');
    const asset = await tenant.client.waitForAsset(queued.id, 180_000);
    expect(asset).toMatchObject({ status: 'ready', width: 3024, height: 4032, format: 'heif', contentType: 'image/heic', error: null });
    expect(asset.dominantColor).toMatch(/^#[0-9a-f]{6}$/);
    expect(Buffer.from(asset.placeholder!, 'base64').length).toBeGreaterThan(5);
    const sizes = Object.fromEntries(asset.variants.map((v) => [v.name, `${v.width}x${v.height}`]));
    expect(sizes).toEqual({ thumb: '256x256', small: '480x640', medium: '960x1280', large: '1920x2560' });

    const variants = await fetchClean(asset);
    // Upright: the small variant shows what heif-convert's pixels show (fixtures/images/SOURCES.md);
    // the same picture turned once more by the EXIF orientation would not.
    const reference = await readFile(fixture('iphone_13_pro_max.reference.png'));
    const small = await thumbprint(variants.get('small')!.data);
    expect(meanAbsoluteDifference(small, await thumbprint(reference))).toBeLessThan(6);
    const sideways = await thumbprint(await sharp(reference).rotate(90).resize(189, 252, { fit: 'fill' }).toBuffer());
    expect(meanAbsoluteDifference(small, sideways)).toBeGreaterThan(20);
  });

  it('takes a HEIC declared as image/heif, and leaves its GPS location behind', async () => {
    const { asset: queued } = await tenant.client.uploadFile(fixture('heif-gps.heic'), 'image/heif');
    const asset = await tenant.client.waitForAsset(queued.id, 120_000);
    expect(asset).toMatchObject({ status: 'ready', width: 160, height: 120, format: 'heif', contentType: 'image/heif' });
    await fetchClean(asset);
  });

  it('keeps the alpha channel of a HEIC that has transparent pixels', async () => {
    const { asset: queued } = await tenant.client.uploadFile(fixture('heif-alpha.heic'), 'image/heic');
    const asset = await tenant.client.waitForAsset(queued.id, 120_000);
    expect(asset).toMatchObject({ status: 'ready', width: 96, height: 64 });
    const small = (await fetchClean(asset)).get('small')!;
    expect(small.meta.hasAlpha).toBe(true);
  });
});
