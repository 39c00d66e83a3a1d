import { readFile } from 'node:fs/promises';
import { isImageSpec, PRESETS, type VariantSpec } from '@darkroom/core/presets';
import { variantPrefix } from '@darkroom/core/keys';
import { assets, jobs, variants } from '@darkroom/db/schema';
import { and, asc, eq } from 'drizzle-orm';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import type { TestApi } from '../support/client.js';
import { createTestTenant } from '../support/fixtures.js';
import { fetchVariant, fixture } from '../support/images.js';
import { objectSha256 } from '../support/objects.js';
import { waitFor } from '../support/services.js';
import { setupHarness } from '../support/setup-harness.js';

/** Variants that come out the same are encoded once and stored once; every row still has its URL. */
const harness = setupHarness();
let client: TestApi;
let tenantId: string;
let photo: Uint8Array; // 640×480: smaller than the `medium` and `large` boxes

beforeAll(async () => {
  ({ client, tenantId } = await createTestTenant(harness, 'shared-variants'));
  photo = new Uint8Array(await readFile(fixture('DSCN0010.jpg')));
});

const rowsOf = (assetId: string) => harness.api.db.select().from(variants).where(eq(variants.assetId, assetId)).orderBy(asc(variants.name));

async function objectKeys(assetId: string): Promise<string[]> {
  const keys: string[] = [];
  const { publicBucket } = harness.api.config.storage;
  for await (const o of harness.api.storage.listObjects({ bucket: publicBucket, prefix: variantPrefix(tenantId, assetId) })) keys.push(o.key);
  return keys.sort();
}

/** Every row points at an object that exists, with the row's bytes, size and dimensions; and no object is unreferenced. */
async function expectRowsResolve(assetId: string): Promise<void> {
  const rows = await rowsOf(assetId);
  const bucket = harness.api.config.storage.publicBucket;
  for (const row of rows) {
    const head = await harness.api.storage.headObject({ bucket, key: row.key });
    expect(head.size, row.name).toBe(row.size);
    const bytes = await harness.api.storage.getRange({ bucket, key: row.key, start: 0, end: row.size - 1 });
    const meta = await sharp(bytes).metadata();
    expect([meta.width, meta.height], row.name).toEqual([row.width, row.height]);
  }
  expect(await objectKeys(assetId)).toEqual([...new Set(rows.map((r) => r.key))].sort());
}

describe('identical variants, stored once', () => {
  it('a photo smaller than three boxes of the default preset gets 4 variants in 2 objects, every URL serving the right bytes', async () => {
    const { asset } = await client.uploadAndComplete(photo, { filename: 'small.jpg', contentType: 'image/jpeg' });
    const ready = await client.waitForAsset(asset.id);
    expect(ready.status).toBe('ready');
    const byName = Object.fromEntries(ready.variants.map((v: any) => [v.name, v]));
    expect(Object.keys(byName).sort()).toEqual(['large', 'medium', 'small', 'thumb']);
    expect(byName.medium.url).toBe(byName.small.url);
    expect(byName.large.url).toBe(byName.small.url);
    expect(byName.thumb.url).not.toBe(byName.small.url);
    for (const v of ready.variants) {
      const got = await fetchVariant(v.url);
      expect(got.status, v.name).toBe(200);
      expect(got.data.length).toBe(v.size);
      expect([got.meta.width, got.meta.height]).toEqual([v.width, v.height]);
    }
    expect([byName.small.width, byName.small.height]).toEqual([640, 480]);
    expect(await harness.countVariantObjects(tenantId, asset.id)).toBe(2);
    await expectRowsResolve(asset.id);

    // A new revision (a crop or focus change bumps it) is cut anew: new URLs, and the old objects go.
    await harness.api.db.update(assets).set({ revision: 2 }).where(eq(assets.id, asset.id));
    const admin = client.withToken(harness.adminToken);
    expect((await admin.request('POST', `/v1/admin/assets/${asset.id}/reprocess`, {})).status).toBe(202);
    const again = await waitFor('the reprocessed variants', async () => {
      const rows = await rowsOf(asset.id);
      return rows.every((r) => r.key.includes('/r2/')) ? rows : null;
    });
    expect(new Set(again.map((r) => r.key)).size).toBe(2);
    await waitFor('the old revision’s objects to go', async () => (await harness.countVariantObjects(tenantId, asset.id)) === 2);
    await expectRowsResolve(asset.id);
  });

  it('backfills: a changed spec that renders the same keeps the object, one that renders differently gets a new one, and unshared objects go', async () => {
    const spec = (name: string, width: number, quality = 70): VariantSpec => ({ name, fit: 'inside', width, height: width, format: 'webp', quality });
    const thumb: VariantSpec = { name: 'thumb', fit: 'cover', width: 128, height: 128, format: 'webp', quality: 70 };
    const setPreset = async (list: VariantSpec[]) => expect((await client.request('PUT', '/v1/presets/shared', { variants: list })).status).toBe(200);
    let backfills = 0;
    const backfill = async () => {
      expect((await client.request('POST', '/v1/presets/shared/backfill', {})).body.queued).toBe(1);
      backfills++;
      await waitFor('the backfill to finish', async () => {
        const rows = await harness.api.db
          .select()
          .from(jobs)
          .where(and(eq(jobs.tenantId, tenantId), eq(jobs.kind, 'backfill')));
        return rows.length === backfills && rows.every((j) => j.state === 'completed');
      });
    };

    await setPreset([thumb, spec('a', 800), spec('b', 1000)]);
    const { asset } = await client.uploadAndComplete(photo, { filename: 'b.jpg', contentType: 'image/jpeg', preset: 'shared' });
    expect((await client.waitForAsset(asset.id)).status).toBe('ready');
    const first = Object.fromEntries((await rowsOf(asset.id)).map((r) => [r.name, r.key]));
    expect(first.a).toBe(first.b);
    const sharedBytes = await objectSha256(harness.api.storage, { bucket: harness.api.config.storage.publicBucket, key: first.a! });

    // A larger box is still 640×480 for this photo: b is re-rendered, but its object is the one it shares, untouched.
    await setPreset([thumb, spec('a', 800), spec('b', 2000)]);
    await backfill();
    const second = Object.fromEntries((await rowsOf(asset.id)).map((r) => [r.name, r.key]));
    expect(second).toEqual(first);
    expect(await objectSha256(harness.api.storage, { bucket: harness.api.config.storage.publicBucket, key: first.a! })).toBe(sharedBytes);
    await expectRowsResolve(asset.id);

    // Another quality renders differently: b gets a new object, and a keeps the one they shared.
    await setPreset([thumb, spec('a', 800), spec('b', 2000, 40)]);
    await backfill();
    const third = Object.fromEntries((await rowsOf(asset.id)).map((r) => [r.name, r.key]));
    expect(third.a).toBe(first.a);
    expect(third.b).not.toBe(first.b);
    await expectRowsResolve(asset.id);

    // Without a, nothing points at the old shared object any more: it goes.
    await setPreset([thumb, spec('b', 2000, 40)]);
    await backfill();
    expect((await rowsOf(asset.id)).map((r) => r.name)).toEqual(['b', 'thumb']);
    // The job is completed with the new rows; the objects they replaced are deleted right after.
    await waitFor('the unshared object to go', async () => !(await objectKeys(asset.id)).includes(first.a!));
    await expectRowsResolve(asset.id);
  });

  it('ten photos (the demo’s and the test images) under a preset with a 4:3 card: no two objects of an asset are the same bytes', async () => {
    const card: VariantSpec = { name: 'card', fit: 'cover', width: 640, height: 480, format: 'webp', quality: 80 };
    const images = PRESETS.default!.variants.filter(isImageSpec);
    expect((await client.request('PUT', '/v1/presets/cards', { variants: [...images, card] })).status).toBe(200);
    const photos: [string, string][] = [
      ...['DSCN0010.jpg', 'Landscape_6.jpg', 'HMD_Nokia_8.3_5G.jpg', 'Channel_digital_image_CMYK_color.jpg', '320x240.jpg', 'jolla.jpg'].map(
        (name): [string, string] => [name, 'image/jpeg'],
      ),
      ['animated-loop-3.gif', 'image/gif'],
      ['Flag_of_the_Netherlands-alpha.png', 'image/png'],
      ['iphone_13_pro_max.HEIC', 'image/heic'],
      ['tifftag-photoshop.tiff', 'image/tiff'],
    ];
    const uploaded = await Promise.all(
      photos.map(async ([name, contentType]) => {
        const bytes = new Uint8Array(await readFile(fixture(name)));
        return { name, id: (await client.uploadAndComplete(bytes, { filename: name, contentType, preset: 'cards' })).asset.id as string };
      }),
    );
    const ready = new Map<string, any>();
    for (const { name, id } of uploaded) {
      const asset = await client.waitForAsset(id);
      expect(asset.status, name).toBe('ready');
      ready.set(name, asset);
    }

    // The bucket, listed: every object under each asset's prefix, by its bytes.
    const bucket = harness.api.config.storage.publicBucket;
    let objects = 0;
    for (const { name, id } of uploaded) {
      const byBytes = new Map<string, string[]>();
      for await (const o of harness.api.storage.listObjects({ bucket, prefix: variantPrefix(tenantId, id) })) {
        const sha = await objectSha256(harness.api.storage, { bucket, key: o.key });
        byBytes.set(sha, [...(byBytes.get(sha) ?? []), o.key]);
        objects++;
      }
      expect(
        [...byBytes.values()].filter((keys) => keys.length > 1),
        name,
      ).toEqual([]);
      await expectRowsResolve(id);
    }
    expect(objects).toBeGreaterThan(photos.length);

    // The 4:3 photos at least as large as the card: the card crops nothing, and is their `small` picture.
    for (const name of ['DSCN0010.jpg', 'jolla.jpg']) {
      const byName = Object.fromEntries(ready.get(name).variants.map((v: any) => [v.name, v]));
      expect(byName.card.url, name).toBe(byName.small.url);
      expect([byName.card.width, byName.card.height]).toEqual([640, 480]);
    }
    // A photo of another shape is cropped: a picture of its own.
    const wide = Object.fromEntries(ready.get('HMD_Nokia_8.3_5G.jpg').variants.map((v: any) => [v.name, v]));
    expect(wide.card.url).not.toBe(wide.small.url);
  });
});
