import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestTenant } from '../support/fixtures.js';
import { fixture } from '../support/images.js';
import { importItemsOf, runImport, serve, startImportSetup, type FileServer, type ImportSetup } from '../support/imports.js';

/**
 * Never twice (docs/api.md#imports-tenant-api-key): an item's identity is its externalId, else its URL
 * without what presigning adds; an identity with an asset makes no new one, in a later import or in
 * the same list, until that asset is deleted.
 */
let setup: ImportSetup;
let tenant: TestTenant;
let server: FileServer;

beforeAll(async () => {
  const png = await readFile(fixture('Flag_of_the_Netherlands-alpha.png'));
  const paths = ['/a.png', '/b.png', '/c.png', '/d.png', '/e.png', '/f.png'];
  setup = await startImportSetup('url-identity', {
    ...Object.fromEntries(paths.map((p) => [p, serve(png)])),
    // Slow to refuse: a second item of the same file is taken while the first is still in hand.
    '/refused.png': (_req, res) => void setTimeout(() => res.writeHead(403).end(), 300),
  });
  ({ tenant, server } = setup);
});
afterAll(() => setup?.close());

/** A URL presigned as S3 (SigV4) signs one: its signature, date and credential change with each signing. */
function presigned(path: string, signing: number): string {
  const query = new URLSearchParams({
    'X-Amz-Algorithm': 'AWS4-HMAC-SHA256',
    'X-Amz-Credential': `AKIAEXAMPLE/2025010${signing}/us-east-1/s3/aws4_request`,
    'X-Amz-Date': `2025010${signing}T000000Z`,
    'X-Amz-Expires': '3600',
    'X-Amz-SignedHeaders': 'host',
    'X-Amz-Signature': `${signing}`.repeat(64),
    versionId: 'v1',
  });
  return `${server.url(path)}?${query}`;
}

const urls = (items: { url: string; externalId?: string }[]) => ({ source: { type: 'urls', items } });

describe('an item’s identity', () => {
  it('is its URL without the signature: presigned URLs signed again make nothing new, each skipped with the asset it made', async () => {
    const paths = ['/a.png', '/b.png'];
    const first = await runImport(tenant.client, urls(paths.map((p) => ({ url: presigned(p, 1) }))));
    expect(first.counts).toMatchObject({ found: 2, imported: 2, skipped: 0, failed: 0 });
    const made = await importItemsOf(tenant.client, first.id);
    // What an item shows of its source keeps the parameters that are not the signature's.
    expect(made.map((i) => i.source)).toEqual(paths.map((p) => `${server.url(p)}?versionId=v1`));

    const again = await runImport(tenant.client, urls(paths.map((p) => ({ url: presigned(p, 2) }))));
    expect(again.counts).toMatchObject({ found: 2, imported: 0, skipped: 2, failed: 0, bytes: 0 });
    const skipped = await importItemsOf(tenant.client, again.id);
    expect(skipped.map((i) => [i.status, i.reason, i.assetId])).toEqual(made.map((i) => ['skipped', 'already_imported', i.assetId]));
    // Skipped without a request: nothing was fetched the second time.
    expect(server.hits('/a.png')).toBe(1);
    // Another parameter of its own (another version of the object) is another file.
    const otherVersion = await runImport(tenant.client, urls([{ url: presigned('/a.png', 3).replace('versionId=v1', 'versionId=v2') }]));
    expect(otherVersion.counts).toMatchObject({ imported: 1, skipped: 0 });
  });

  it('is its externalId when it has one, whatever its URL', async () => {
    const first = await runImport(tenant.client, urls([{ url: server.url('/c.png'), externalId: 'cms-photo-1' }]));
    const [made] = await importItemsOf(tenant.client, first.id);
    expect(made).toMatchObject({ status: 'imported', externalId: 'cms-photo-1' });

    const moved = await runImport(
      tenant.client,
      urls([
        { url: server.url('/d.png'), externalId: 'cms-photo-1' },
        // The same URL under another externalId is another item of the platform's: an asset of its own.
        { url: server.url('/c.png'), externalId: 'cms-photo-2' },
      ]),
    );
    const items = await importItemsOf(tenant.client, moved.id);
    expect(items.map((i) => [i.status, i.externalId])).toEqual([
      ['skipped', 'cms-photo-1'],
      ['imported', 'cms-photo-2'],
    ]);
    expect(items[0]!.assetId).toBe(made!.assetId);
    expect(items[1]!.assetId).not.toBe(made!.assetId);
    expect(server.hits('/d.png')).toBe(0);
  });

  it('appears more than once in one list: one asset, the other items skipped with it', async () => {
    const done = await runImport(
      tenant.client,
      urls([
        { url: presigned('/e.png', 1) },
        { url: server.url('/f.png') },
        { url: presigned('/e.png', 2) },
        { url: `${presigned('/e.png', 3)}#again` },
      ]),
    );
    expect(done.counts).toMatchObject({ found: 4, imported: 2, skipped: 2, failed: 0 });
    const items = await importItemsOf(tenant.client, done.id);
    const sameFile = [items[0]!, items[2]!, items[3]!];
    expect(sameFile.map((i) => i.status).sort()).toEqual(['imported', 'skipped', 'skipped']);
    expect(new Set(sameFile.map((i) => i.assetId)).size).toBe(1);
    expect(sameFile.filter((i) => i.status === 'skipped').every((i) => i.reason === 'already_imported')).toBe(true);
    expect(server.hits('/e.png')).toBe(1);
  });

  it('held by an item of the same list that then fails is given back: each of them fails as it would alone, none skipped', async () => {
    const done = await runImport(tenant.client, urls([1, 2, 3].map((n) => ({ url: presigned('/refused.png', n) }))));
    expect(done.counts).toMatchObject({ found: 3, imported: 0, skipped: 0, failed: 3 });
    const items = await importItemsOf(tenant.client, done.id);
    expect(items.map((i) => [i.status, i.error?.code, i.assetId])).toEqual(items.map(() => ['failed', 'source_forbidden', null]));
    expect(server.hits('/refused.png')).toBe(3);
  });

  it('is imported again once its asset was deleted', async () => {
    const item = { url: server.url('/c.png'), externalId: 'to-delete' };
    const first = await runImport(tenant.client, urls([item]));
    const [made] = await importItemsOf(tenant.client, first.id);
    await tenant.client.waitForAsset(made!.assetId!);
    expect((await tenant.client.raw('DELETE', `/v1/assets/${made!.assetId}`)).status).toBe(204);

    const again = await runImport(tenant.client, urls([item]));
    const [remade] = await importItemsOf(tenant.client, again.id);
    expect(remade).toMatchObject({ status: 'imported', externalId: 'to-delete' });
    expect(remade!.assetId).not.toBe(made!.assetId);
    expect((await tenant.client.waitForAsset(remade!.assetId!)).status).toBe('ready');
    // And it holds again: a third import skips it, with the new asset.
    const third = await runImport(tenant.client, urls([item]));
    expect((await importItemsOf(tenant.client, third.id))[0]).toMatchObject({ status: 'skipped', assetId: remade!.assetId });
  });
});
