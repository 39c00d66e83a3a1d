import { readFile } from 'node:fs/promises';
import { jobs } from '@darkroom/db/schema';
import { eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestTenant } from '../support/fixtures.js';
import type { Harness } from '../support/harness.js';
import { fixture } from '../support/images.js';
import { importItemsOf, runImport, serve, startImportSetup, type FileServer, type ImportSetup } from '../support/imports.js';
import { currentDeliveryKey, expectPrivateUrls } from '../support/private-urls.js';

/**
 * What an imported asset is (docs/api.md#imports-tenant-api-key): its metadata the item's over the
 * import's plus the import block, the import's preset and visibility, its job on the backfill lane.
 */
let setup: ImportSetup;
let harness: Harness;
let tenant: TestTenant;
let server: FileServer;

beforeAll(async () => {
  const jpeg = await readFile(fixture('320x240.jpg'));
  setup = await startImportSetup('imported-assets', {
    '/one.jpg': serve(jpeg),
    '/two.jpg': serve(jpeg),
    '/three.jpg': serve(jpeg),
    '/four.jpg': serve(jpeg),
  });
  ({ harness, tenant, server } = setup);
});
afterAll(() => setup?.close());

describe('an imported asset', () => {
  it("has the item's metadata over the import's, and the import block over both", async () => {
    const done = await runImport(tenant.client, {
      source: {
        type: 'urls',
        items: [
          { url: `${server.url('/one.jpg')}?X-Amz-Signature=abc`, metadata: { album: 'item', caption: 'one', import: 'not mine to set' } },
          { url: server.url('/two.jpg'), filename: 'named.jpg' },
        ],
      },
      metadata: { album: 'import', library: 'old-cms', tags: ['a', 'b'] },
    });
    const [one, two] = await importItemsOf(tenant.client, done.id);
    const first = await tenant.client.waitForAsset(one!.assetId!);
    expect(first.metadata).toEqual({
      album: 'item',
      caption: 'one',
      library: 'old-cms',
      tags: ['a', 'b'],
      import: { id: done.id, source: server.url('/one.jpg') },
    });
    expect(first.filename).toBe('one.jpg');
    const second = await tenant.client.waitForAsset(two!.assetId!);
    expect(second.metadata).toEqual({
      album: 'import',
      library: 'old-cms',
      tags: ['a', 'b'],
      import: { id: done.id, source: server.url('/two.jpg') },
    });
    expect(second.filename).toBe('named.jpg');
  });

  it("renders with the import's preset, and a private import's assets are private, every URL of them a private one", async () => {
    const spec = { name: 'thumb', fit: 'cover', width: 48, height: 48, format: 'webp', quality: 60 };
    expect((await tenant.client.raw('PUT', '/v1/presets/imported', { variants: [spec] })).status).toBe(200);
    const done = await runImport(tenant.client, {
      source: { type: 'urls', items: [{ url: server.url('/three.jpg') }] },
      preset: 'imported',
      visibility: 'private',
    });
    const [item] = await importItemsOf(tenant.client, done.id);
    const asset = await tenant.client.waitForAsset(item!.assetId!);
    expect(asset).toMatchObject({ status: 'ready', preset: 'imported', visibility: 'private' });
    expect(asset.variants.map((v) => v.name)).toEqual(['thumb']);
    expectPrivateUrls(asset, await currentDeliveryKey(harness, tenant.tenantId), harness.api.config.deliveryBaseUrl);

    // A preset that does not exist is refused at the call, before anything is recorded.
    const unknown = await tenant.client.raw('POST', '/v1/imports', {
      source: { type: 'urls', items: [{ url: server.url('/four.jpg') }] },
      preset: 'nope',
    });
    expect([unknown.status, unknown.body.error?.code]).toEqual([404, 'preset_not_found']);
    expect(server.hits('/four.jpg')).toBe(0);
  });

  it('is processed on the backfill lane, so an import never takes the slots of live uploads', async () => {
    const done = await runImport(tenant.client, { source: { type: 'urls', items: [{ url: server.url('/four.jpg') }] } });
    const [item] = await importItemsOf(tenant.client, done.id);
    await tenant.client.waitForAsset(item!.assetId!);
    const rows = await harness.api.db.select({ lane: jobs.lane, state: jobs.state }).from(jobs).where(eq(jobs.assetId, item!.assetId!));
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.map((r) => r.lane)).toEqual(rows.map(() => 'backfill'));
    // An upload's job, for contrast, is on the default lane.
    const { asset } = await tenant.client.uploadAndComplete(new Uint8Array(await readFile(fixture('320x240.jpg'))), {
      filename: 'live.jpg',
      contentType: 'image/jpeg',
    });
    const live = await harness.api.db
      .select({ lane: jobs.lane })
      .from(jobs)
      .where(inArray(jobs.assetId, [asset.id]));
    expect(live.map((r) => r.lane)).toEqual(['default']);
  });
});
