import { readFile } from 'node:fs/promises';
import type { ImageVariantSpec } from '@darkroom/core/presets';
import { variants } from '@darkroom/db/schema';
import { probeImage, renderVariants } from '@darkroom/media';
import { asc, eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import type { TestApi } from '../support/client.js';
import { createTestTenant } from '../support/fixtures.js';
import { fixture } from '../support/images.js';
import { setupHarness } from '../support/setup-harness.js';

/**
 * A preset's image variant with `quality: "auto"` (spec: api-images.md, "Quality chosen per image"):
 * the worker runs delivery's `q_auto` search per image and records the number it chose.
 */
const harness = setupHarness();
let client: TestApi;

const SPECS: ImageVariantSpec[] = [
  { name: 'auto', fit: 'inside', width: 640, height: 640, format: 'webp', quality: 'auto' },
  { name: 'fixed', fit: 'inside', width: 640, height: 640, format: 'webp', quality: 80 },
  { name: 'eco', fit: 'cover', width: 256, height: 256, format: 'jpeg', quality: 'auto-eco' },
];

/** A flat graphic, a photo the search finds easy (soft, dark) and one it finds hard (fine detail). */
const IMAGES = {
  graphic: { file: 'Flag_of_the_Netherlands-alpha.png', contentType: 'image/png' },
  easy: { file: 'photos/none-city-night.jpg', contentType: 'image/jpeg' },
  detailed: { file: 'photos/none-biplane.jpg', contentType: 'image/jpeg' },
} as const;

beforeAll(async () => {
  ({ client } = await createTestTenant(harness, 'preset-auto-quality'));
  expect((await client.request('PUT', '/v1/presets/searched', { variants: SPECS })).status).toBe(200);
});

type Row = typeof variants.$inferSelect;

async function renderedRows(image: keyof typeof IMAGES): Promise<Record<string, Row>> {
  const { file, contentType } = IMAGES[image];
  const bytes = new Uint8Array(await readFile(fixture(file)));
  const { asset } = await client.uploadAndComplete(bytes, { filename: file.split('/').pop()!, contentType, preset: 'searched' });
  expect((await client.waitForAsset(asset.id)).status).toBe('ready');
  const rows = await harness.api.db.select().from(variants).where(eq(variants.assetId, asset.id)).orderBy(asc(variants.name));
  return Object.fromEntries(rows.map((row) => [row.name, row]));
}

/** The same specs rendered here, by @darkroom/media alone: what the search chooses for each. */
async function searchedHere(image: keyof typeof IMAGES) {
  const path = fixture(IMAGES[image].file);
  const options = { maxInputPixels: 100_000_000 };
  const rendered = await renderVariants(path, await probeImage(path, options), SPECS, options);
  return Object.fromEntries(rendered.map((v) => [v.spec.name, v]));
}

async function storedBytes(row: Row): Promise<Buffer> {
  const bucket = harness.api.config.storage.publicBucket;
  return harness.api.storage.getRange({ bucket, key: row.key, start: 0, end: row.size - 1 });
}

describe('a preset variant of quality "auto"', () => {
  it('records the number the search chose for its bytes, which differs from image to image', async () => {
    const chosen: Record<string, number | null> = {};
    for (const image of Object.keys(IMAGES) as (keyof typeof IMAGES)[]) {
      const [rows, here] = await Promise.all([renderedRows(image), searchedHere(image)]);
      for (const name of ['auto', 'eco']) {
        // The search is deterministic: the worker's object is the bytes the search makes here, at the quality it found.
        expect(rows[name]!.quality, `${image} ${name}`).toBe(here[name]!.quality);
        expect((await storedBytes(rows[name]!)).equals(here[name]!.data), `${image} ${name}`).toBe(true);
      }
      expect(rows.fixed!.quality, image).toBe(80);
      chosen[image] = rows.auto!.quality;
    }
    // A flat graphic comes out as lossless WebP (100); a soft photo low, a detailed one well above it.
    expect(chosen.graphic).toBe(100);
    expect(chosen.easy).toBeLessThan(70);
    expect(chosen.detailed).toBeGreaterThan((chosen.easy as number) + 10);
  });

  it('writes fewer bytes than the fixed default on an easy image', async () => {
    const rows = await renderedRows('easy');
    expect(rows.auto!.width).toBe(rows.fixed!.width);
    expect(rows.auto!.size).toBeLessThan(rows.fixed!.size * 0.8);
  });
});
