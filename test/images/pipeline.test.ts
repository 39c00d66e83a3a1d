import { readFile } from 'node:fs/promises';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { asMultipart } from '../support/client.js';
import { noisePng } from '../support/fixtures.js';
import { fetchVariant, fixture, meanAbsoluteDifference, thumbprint } from '../support/images.js';
import { setupHarness, setupTenant } from '../support/setup-harness.js';

const PRESET_BOUNDS: Record<string, { width: number; height: number; fit: 'cover' | 'inside' }> = {
  thumb: { width: 256, height: 256, fit: 'cover' },
  small: { width: 640, height: 640, fit: 'inside' },
  medium: { width: 1280, height: 1280, fit: 'inside' },
  large: { width: 2560, height: 2560, fit: 'inside' },
};

const harness = setupHarness();
const tenant = setupTenant(harness, 'pipeline');

/** Every variant: public, immutable-cached WebP within its preset box, with its recorded size and dimensions. */
async function checkVariants(asset: any) {
  expect(asset.variants.map((v: any) => v.name).sort()).toEqual(['large', 'medium', 'small', 'thumb']);
  const fetched = new Map<string, Awaited<ReturnType<typeof fetchVariant>>>();
  for (const variant of asset.variants) {
    const got = await fetchVariant(variant.url);
    expect(got.status, variant.url).toBe(200);
    expect(got.headers.get('content-type')).toBe('image/webp');
    expect(got.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(got.meta.format).toBe('webp');
    expect(got.data.length).toBe(variant.size);
    expect([got.meta.width, got.meta.pageHeight ?? got.meta.height]).toEqual([variant.width, variant.height]);
    const bounds = PRESET_BOUNDS[variant.name]!;
    expect(variant.width).toBeLessThanOrEqual(Math.min(bounds.width, asset.width));
    expect(variant.height).toBeLessThanOrEqual(Math.min(bounds.height, asset.height));
    expect(got.meta.exif).toBeUndefined();
    expect(got.meta.xmp).toBeUndefined();
    fetched.set(variant.name, got);
  }
  return fetched;
}

describe('pipeline, end to end', () => {
  it('turns a camera JPEG with GPS into public WebP variants without any EXIF', async () => {
    const { asset: queued, job } = await tenant.client.uploadFile(fixture('DSCN0010.jpg'), 'image/jpeg');
    expect(queued.status).toBe('queued');
    expect(job.state).toBe('queued');

    const asset = await tenant.client.waitForAsset(queued.id);
    expect(asset.status).toBe('ready');
    expect(asset).toMatchObject({ width: 640, height: 480, format: 'jpeg', contentType: 'image/jpeg', error: null });
    expect(asset.dominantColor).toMatch(/^#[0-9a-f]{6}$/);
    expect(Buffer.from(asset.placeholder!, 'base64').length).toBeGreaterThan(5);
    expect(asset.readyAt).not.toBeNull();

    const variants = await checkVariants(asset);
    const thumb = variants.get('thumb')!;
    expect([thumb.meta.width, thumb.meta.height]).toEqual([256, 256]);
    expect(variants.get('small')!.meta.width).toBe(640); // never upscaled past the original
    for (const got of variants.values()) expect(got.data.includes('GPS')).toBe(false);

    const finished = await tenant.client.request('GET', `/v1/jobs/${job.id}`);
    expect(finished.body).toMatchObject({ state: 'completed', attempts: 1, maxAttempts: 5, error: null });

    // The worker's metrics say where the job's time went, one observation per stage of an image job.
    const { values } = await harness.workerDeps.metrics.jobStageDuration.get();
    const counts: Record<string, number> = Object.fromEntries(
      values
        .filter((v) => v.metricName === 'darkroom_asset_job_stage_seconds_count' && v.labels.kind === 'image')
        .map((v) => [String(v.labels.stage), v.value]),
    );
    expect(Object.keys(counts).sort()).toEqual(['download', 'moderate', 'record', 'render', 'render_wait', 'upload']);
    expect(Object.values(counts).every((n) => n >= 1)).toBe(true);
  });

  it('shows all eight EXIF orientations upright, as displayed (600x450)', async () => {
    const uploads = await Promise.all([1, 2, 3, 4, 5, 6, 7, 8].map((n) => tenant.client.uploadFile(fixture(`Landscape_${n}.jpg`), 'image/jpeg')));
    const assets = await Promise.all(uploads.map((u) => tenant.client.waitForAsset(u.asset.id)));
    const prints: Buffer[] = [];
    for (const asset of assets) {
      expect(asset.status).toBe('ready');
      expect([asset.width, asset.height]).toEqual([600, 450]);
      const small = asset.variants.find((v: any) => v.name === 'small');
      expect([small?.width, small?.height]).toEqual([600, 450]);
      prints.push(await thumbprint((await fetchVariant(small!.url)).data));
    }
    // Upright means every orientation shows the same picture as orientation 1.
    for (const [i, print] of prints.entries()) {
      expect(meanAbsoluteDifference(print, prints[0]!), `Landscape_${i + 1}`).toBeLessThan(12);
    }
    // And the check can tell: a picture turned on its side is far from upright.
    const sideways = await thumbprint(
      await sharp(await readFile(fixture('Landscape_1.jpg')))
        .rotate(180)
        .toBuffer(),
    );
    expect(meanAbsoluteDifference(sideways, prints[0]!)).toBeGreaterThan(20);
  });

  it('keeps animations animated and small images unscaled', async () => {
    const gif = await tenant.client.uploadFile(fixture('animated-loop-3.gif'), 'image/gif');
    const small = await tenant.client.uploadFile(fixture('320x240.jpg'), 'image/jpeg');
    const [animated, tiny] = await Promise.all([tenant.client.waitForAsset(gif.asset.id), tenant.client.waitForAsset(small.asset.id)]);

    expect(animated.status).toBe('ready');
    const large = await fetchVariant(animated.variants.find((v: any) => v.name === 'large')!.url);
    expect(large.meta.pages).toBe(10);

    expect(tiny.status).toBe('ready');
    for (const variant of tiny.variants) {
      expect(variant.width).toBeLessThanOrEqual(320);
      expect(variant.height).toBeLessThanOrEqual(240);
    }
  });

  it('handles CMYK, alpha PNG and 16-bit TIFF', async () => {
    const uploads = await Promise.all([
      tenant.client.uploadFile(fixture('Channel_digital_image_CMYK_color.jpg'), 'image/jpeg'),
      tenant.client.uploadFile(fixture('Flag_of_the_Netherlands-alpha.png'), 'image/png'),
      tenant.client.uploadFile(fixture('tifftag-photoshop.tiff'), 'image/tiff'),
    ]);
    const [cmyk, png, tiff] = await Promise.all(uploads.map((u) => tenant.client.waitForAsset(u.asset.id)));
    for (const asset of [cmyk, png, tiff]) {
      expect(asset?.status, asset?.filename).toBe('ready');
      await checkVariants(asset);
    }
    const cmykSmall = await fetchVariant(cmyk!.variants.find((v: any) => v.name === 'small')!.url);
    expect(cmykSmall.meta.channels).toBe(3);
    expect(cmykSmall.meta.space).toBe('srgb');
    const pngSmall = await fetchVariant(png!.variants.find((v: any) => v.name === 'small')!.url);
    expect(pngSmall.meta.hasAlpha).toBe(true);
  });

  it('takes a file above the multipart threshold through presigned parts', async () => {
    // Random pixels do not compress, so the PNG stays above the 32 MiB threshold.
    const width = 3400;
    const height = 3400;
    const png = await noisePng(width, height);
    expect(png.length).toBeGreaterThan(32 * 1024 * 1024);

    const { asset, upload, parts } = await tenant.client.upload(png, { filename: 'noise.png', contentType: 'image/png' });
    const { parts: urls, partSize } = asMultipart(upload);
    expect(urls.length).toBe(Math.ceil(png.length / partSize));
    const completed = await tenant.client.request('POST', `/v1/uploads/${asset.id}/complete`, { parts });
    expect(completed.status).toBe(202);

    const ready = await tenant.client.waitForAsset(asset.id, 120_000);
    expect(ready).toMatchObject({ status: 'ready', width, height, size: png.length });
    const large = await fetchVariant(ready.variants.find((v: any) => v.name === 'large')!.url);
    expect([large.meta.width, large.meta.height]).toEqual([2560, 2560]);
  });
});
