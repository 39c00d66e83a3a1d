import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import { SVG_IMAGE, bombPng, fakeHeifOfSize, jpegPolyglot, pngPolyglot, swapOriginal } from '../support/fixtures.js';
import { fixture } from '../support/images.js';
import { setupHarness, setupTenant } from '../support/setup-harness.js';

/**
 * The admin preview decodes untrusted originals inside the tenant-facing API process, so it must
 * judge a file exactly as the worker does (one media module) and survive whatever it is given.
 */
// No worker at first: every preview is asked for before the worker has seen the file.
const harness = setupHarness({ withWorker: false });
const tenant = setupTenant(harness, 'hostile-preview');

async function preview(assetId: string): Promise<{ outcome: string; data: Buffer }> {
  const res = await fetch(`${harness.baseUrl}/admin/assets/${assetId}/original-preview`, {
    headers: { authorization: `Bearer ${harness.adminToken}` },
  });
  const data = Buffer.from(await res.arrayBuffer());
  if (res.status === 200) return { outcome: 'ready', data };
  expect(res.status, data.toString()).toBe(422);
  return { outcome: (JSON.parse(data.toString()) as { error: { code: string } }).error.code, data };
}

/** Uploaded through the real API and bucket; bytes `complete` refuses (SVG, nothing) replace a good original afterwards. */
async function hostileAsset(bytes: Buffer, contentType: string | null): Promise<string> {
  const carrier = contentType ? bytes : await sharp(fixture('320x240.jpg')).toBuffer();
  const { asset } = await tenant.client.uploadAndComplete(carrier, { filename: 'hostile', contentType: contentType ?? 'image/jpeg' });
  if (!contentType) await swapOriginal(harness, asset.id, bytes);
  return asset.id as string;
}

describe('the admin preview refuses what the worker refuses, with the same code', () => {
  it('an SVG, a JPEG polyglot, bombs (PNG, HEIC), a cut HEIC and an empty file; a PNG with HTML after its end and a HEIC render', async () => {
    const cases = {
      svg: { bytes: SVG_IMAGE, contentType: null, expected: 'unsupported_format' },
      jpegPolyglot: { bytes: jpegPolyglot(), contentType: 'image/jpeg', expected: 'corrupt_image' },
      bomb: { bytes: bombPng(20_000, 20_000), contentType: 'image/png', expected: 'too_many_pixels' },
      empty: { bytes: Buffer.alloc(0), contentType: null, expected: 'empty_file' },
      pngPolyglot: { bytes: await pngPolyglot(), contentType: 'image/png', expected: 'ready' },
      heicBomb: { bytes: fakeHeifOfSize(20_000, 10_000), contentType: 'image/heic', expected: 'too_many_pixels' },
      heicCut: {
        bytes: (await readFile(fixture('iphone_13_pro_max.HEIC'))).subarray(0, 1_000_000),
        contentType: 'image/heic',
        expected: 'corrupt_image',
      },
      heic: { bytes: await readFile(fixture('heif-alpha.heic')), contentType: 'image/heic', expected: 'ready' },
    };
    const ids: Record<string, string> = {};
    const previews: Record<string, string> = {};
    for (const [name, { bytes, contentType }] of Object.entries(cases)) {
      ids[name] = await hostileAsset(bytes, contentType);
      const { outcome, data } = await preview(ids[name]!);
      previews[name] = outcome;
      // What comes back is a re-encoded WebP, never the attacker's bytes.
      if (outcome === 'ready') expect((await sharp(data).metadata()).format).toBe('webp');
      if (outcome === 'ready') expect(data.includes(Buffer.from('<script'))).toBe(false);
    }
    expect(previews).toEqual(Object.fromEntries(Object.entries(cases).map(([name, c]) => [name, c.expected])));

    harness.startWorker();
    const recorded: Record<string, string> = {};
    for (const [name, id] of Object.entries(ids)) {
      const settled = await tenant.client.waitForAsset(id);
      recorded[name] = settled.status === 'ready' ? 'ready' : settled.error!.code;
    }
    expect(recorded).toEqual(previews);
  });

  it('keeps serving after every hostile preview', async () => {
    expect((await fetch(`${harness.baseUrl}/healthz`)).status).toBe(200);
    const { asset } = await tenant.client.uploadFile(fixture('Landscape_3.jpg'), 'image/jpeg');
    expect((await preview(asset.id)).outcome).toBe('ready');
  });
});
