import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture } from '../support/images.js';
import { waitForImport } from '../support/imports.js';
import { setupHarness, setupTenant } from '../support/setup-harness.js';

const harness = setupHarness({ env: { IMPORT_ALLOW_PRIVATE: 'true' } });
const tenant = setupTenant(harness, 'url-import');
let server: Server;
let base: string;

beforeAll(async () => {
  harness.runImportsOf(tenant.tenantId);
  const photos = new Map([
    ['/a.jpg', await readFile(fixture('jolla.jpg'))],
    ['/b.png', await readFile(fixture('Flag_of_the_Netherlands-alpha.png'))],
  ]);
  server = createServer((req, res) => {
    const body = photos.get(new URL(req.url!, 'http://x').pathname);
    if (!body) return res.writeHead(404).end();
    res.writeHead(200, { 'content-length': body.length, 'content-type': 'application/octet-stream' }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server?.close();
});

describe('a URL import', () => {
  it('makes one asset per file, checked like an upload, and skips them the second time', async () => {
    const items = [{ url: `${base}/a.jpg` }, { url: `${base}/b.png?X-Amz-Signature=one`, externalId: 'flag' }, { url: `${base}/missing.jpg` }];
    const started = await tenant.client.raw('POST', '/v1/imports', { source: { type: 'urls', items }, metadata: { batch: 1 } });
    expect(started.status).toBe(202);
    const done = await waitForImport(tenant.client, started.body.import.id);
    expect(done).toMatchObject({ status: 'done', counts: { found: 3, imported: 2, skipped: 0, failed: 1 } });
    const { body } = await tenant.client.raw('GET', `/v1/imports/${done.id}/items`);
    expect(body.items.map((i: any) => i.status)).toEqual(['imported', 'imported', 'failed']);
    expect(body.items[2].error.code).toBe('source_not_found');
    expect(body.items[1].source).toBe(`${base}/b.png`);
    const asset = await tenant.client.waitForAsset(body.items[0].assetId);
    expect(asset).toMatchObject({ status: 'ready', contentType: 'image/jpeg', filename: 'a.jpg' });
    expect(asset.metadata).toEqual({ batch: 1, import: { id: done.id, source: `${base}/a.jpg` } });

    const again = await tenant.client.raw('POST', '/v1/imports', { source: { type: 'urls', items } });
    const second = await waitForImport(tenant.client, again.body.import.id);
    expect(second.counts).toMatchObject({ imported: 0, skipped: 2, failed: 1 });
  });
});
