import { readFile } from 'node:fs/promises';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { CLAIM_CONTENT_TYPES, type ClaimFormat, fakeHeifGrid, fakeHeifOfSize, fileClaiming } from '../support/fixtures.js';
import { expectNothingInternal, expectRefusal } from '../support/hostile.js';
import { fetchVariant, fixture } from '../support/images.js';
import { setupHarness, setupTenant } from '../support/setup-harness.js';

/**
 * Hostile files through the whole pipeline (real bucket, real worker): SVG in any disguise, polyglots
 * whose extra payload must never reach the CDN, and decompression bombs refused from the header.
 */
const harness = setupHarness();
const tenant = setupTenant(harness, 'hostile-files');

const SVG = Buffer.from(
  '<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">' +
    '<image href="file:///etc/passwd"/><script>alert(document.domain)</script></svg>',
);
const HTML_PAYLOAD = '<html><script>alert(document.cookie)</script></html>';

async function uploadBytes(bytes: Buffer, contentType: string) {
  const { asset } = await tenant.client.upload(new Uint8Array(bytes), { filename: 'upload', contentType });
  return { asset, complete: await tenant.client.request('POST', `/v1/uploads/${asset.id}/complete`, {}) };
}

/** A small PNG that declares `width` × `height`: a few hundred bytes that would inflate to gigabytes. */
async function bombPng(width: number, height: number): Promise<Buffer> {
  const png = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#888' } })
    .png()
    .toBuffer();
  const out = Buffer.from(png);
  out.writeUInt32BE(width, 16); // IHDR width and height; libvips reads the header before the pixels
  out.writeUInt32BE(height, 20);
  return out;
}

describe('SVG', () => {
  it('is refused when declared as SVG, and when disguised as a raster type', async () => {
    const declared = await tenant.client.request('POST', '/v1/uploads', { filename: 'x.svg', contentType: 'image/svg+xml', size: SVG.length });
    expectRefusal(harness, declared, 415, 'unsupported_media_type');
    for (const contentType of ['image/png', 'image/jpeg', 'image/webp']) {
      const { asset, complete } = await uploadBytes(SVG, contentType);
      expectRefusal(harness, complete, 415, 'content_mismatch');
      expect((await tenant.client.request('GET', `/v1/assets/${asset.id}`)).body.status).toBe('awaiting_upload');
    }
  });
});

describe('HEIC in disguise', () => {
  it('a JPEG declared as HEIC, and a HEIC declared as JPEG, are content_mismatch', async () => {
    const jpeg = await readFile(fixture('320x240.jpg'));
    for (const contentType of ['image/heic', 'image/heif']) {
      expectRefusal(harness, (await uploadBytes(jpeg, contentType)).complete, 415, 'content_mismatch');
    }
    const heic = await readFile(fixture('heif-alpha.heic'));
    const { complete } = await uploadBytes(heic, 'image/jpeg');
    expectRefusal(harness, complete, 415, 'content_mismatch');
    expect(complete.body.error?.details).toEqual({ declared: 'image/jpeg', detected: 'image/heic' });
  });
});

describe('polyglots', () => {
  it('a PNG and a JPEG carrying HTML and a ZIP render as images, and the payload never reaches a variant', async () => {
    const png = await sharp({ create: { width: 300, height: 200, channels: 3, background: '#3a6' } })
      .png()
      .toBuffer();
    const jpeg = await readFile(fixture('320x240.jpg'));
    const zip = Buffer.concat([Buffer.from('PK\u0003\u0004'), Buffer.from(HTML_PAYLOAD)]);
    for (const [image, contentType] of [
      [png, 'image/png'],
      [jpeg, 'image/jpeg'],
    ] as const) {
      const { asset, complete } = await uploadBytes(Buffer.concat([image, Buffer.from(HTML_PAYLOAD), zip]), contentType);
      expect(complete.status).toBe(202);
      const ready = await tenant.client.waitForAsset(asset.id);
      expect(ready.status).toBe('ready');
      for (const variant of ready.variants) {
        const fetched = await fetchVariant(variant.url);
        expect(fetched.headers.get('content-type')).toBe('image/webp');
        expect(fetched.data.includes('<script>')).toBe(false);
        expect(fetched.data.includes('PK\u0003\u0004')).toBe(false);
      }
    }
  });

  it('a GIF header in front of a script is refused (its bytes claim 12,605 × 15,419 pixels), naming nothing internal', async () => {
    const gifScript = Buffer.from(`GIF89a=1;${HTML_PAYLOAD}`);
    const { asset, complete } = await uploadBytes(gifScript, 'image/gif');
    expect(complete.status).toBe(202);
    const failed = await tenant.client.waitForAsset(asset.id);
    expect(failed.status).toBe('failed');
    // `=1;<` stands where the header's width and height are: the claim is refused before decoding.
    expect(failed.error?.code).toBe('too_many_pixels');
    expect(failed.variants).toEqual([]);
    expectNothingInternal(harness, failed);
  });
});

describe('bombs', () => {
  it('PNGs declaring 100 000 × 100 000 and 60 000 × 60 000 are refused from the header, without retries', async () => {
    for (const [width, height] of [
      [100_000, 100_000],
      [60_000, 60_000],
    ] as const) {
      const { asset, complete } = await uploadBytes(await bombPng(width, height), 'image/png');
      expect(complete.status).toBe(202);
      const failed = await tenant.client.waitForAsset(asset.id);
      expect(failed.status).toBe('failed');
      expect(failed.error?.code).toBe('too_many_pixels');
      expectNothingInternal(harness, failed);
      const jobs = await tenant.client.request('GET', `/v1/assets/${asset.id}/jobs`);
      expect(jobs.body.items[0]).toMatchObject({ state: 'failed', attempts: 1 });
    }
  });

  it('a PNG claiming 1 × 300,000,000 and a file of each other raster format claiming too many pixels are too_many_pixels, without retries', async () => {
    const claims: [ClaimFormat, number, number][] = [
      ['png', 1, 300_000_000],
      ['jpeg', 65_535, 65_535],
      ['gif', 65_535, 65_535],
      ['webp-vp8l', 16_384, 16_384],
      ['webp-vp8x', 20_000, 10_000],
      ['tiff-le', 1, 300_000_000],
    ];
    await Promise.all(
      claims.map(async ([format, width, height]) => {
        const { asset, complete } = await uploadBytes(fileClaiming(format, width, height), CLAIM_CONTENT_TYPES[format]);
        expect(complete.status, format).toBe(202);
        const failed = await tenant.client.waitForAsset(asset.id);
        expect(failed, format).toMatchObject({ status: 'failed', error: { code: 'too_many_pixels' }, variants: [] });
        expect(failed.error?.message, format).toMatch(new RegExp(`^The image is ${width}x${height} pixels`));
        expectNothingInternal(harness, failed);
        const jobs = await tenant.client.request('GET', `/v1/assets/${asset.id}/jobs`);
        expect(jobs.body.items[0], format).toMatchObject({ state: 'failed', attempts: 1 });
      }),
    );
  });

  it('HEICs claiming 200 megapixels, a grid of 10,000 tiles, or cut off in their tiles fail from the header, without retries', async () => {
    const iphone = await readFile(fixture('iphone_13_pro_max.HEIC'));
    const cases = [
      { bytes: fakeHeifOfSize(20_000, 10_000), code: 'too_many_pixels' },
      { bytes: fakeHeifGrid(100, 100, 64), code: 'too_many_pixels' },
      { bytes: iphone.subarray(0, 1_000_000), code: 'corrupt_image' },
    ];
    for (const { bytes, code } of cases) {
      const { asset, complete } = await uploadBytes(bytes, 'image/heic');
      expect(complete.status).toBe(202);
      const failed = await tenant.client.waitForAsset(asset.id);
      expect(failed).toMatchObject({ status: 'failed', error: { code }, variants: [] });
      expectNothingInternal(harness, failed);
      const jobs = await tenant.client.request('GET', `/v1/assets/${asset.id}/jobs`);
      expect(jobs.body.items[0]).toMatchObject({ state: 'failed', attempts: 1 });
    }
  });

  it('the worker keeps serving after all of them', async () => {
    const { asset } = await tenant.client.uploadFile(fixture('320x240.jpg'), 'image/jpeg');
    expect((await tenant.client.waitForAsset(asset.id)).status).toBe('ready');
  });
});
