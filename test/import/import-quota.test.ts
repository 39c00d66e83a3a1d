import { readFile } from 'node:fs/promises';
import { originalKey } from '@darkroom/core/keys';
import { beforeAll, describe, expect, it } from 'vitest';
import { fixture } from '../support/images.js';
import { importItemsOf, runImport, serve, startFileServer, type FileServer } from '../support/imports.js';
import { setupHarness, setupTenant } from '../support/setup-harness.js';

/**
 * An import item past a quota (docs/api.md#quotas) fails with quota_exceeded before a byte of it is
 * written (once its bytes are in, when its server announced no size), and the import goes on with the
 * next item.
 */
const harness = setupHarness({ withWorker: false, env: { IMPORT_ALLOW_PRIVATE: 'true' } });
const tenant = setupTenant(harness, 'import-quota');
let server: FileServer;

beforeAll(async () => {
  harness.runImportsOf(tenant.tenantId);
  const big = await readFile(fixture('jolla.jpg'));
  server = await startFileServer({
    '/big.jpg': serve(big),
    '/small.png': serve(await readFile(fixture('Flag_of_the_Netherlands-alpha.png'))),
    // No Content-Length: its size is known only once its bytes are in.
    '/chunked.jpg': (_req, res) => {
      res.writeHead(200, { 'content-type': 'image/jpeg' });
      res.end(big);
    },
  });
  return () => server.close();
});

describe('an import under a quota', () => {
  it('fails the item that would pass it, and imports the next', async () => {
    const patched = await tenant.admin.request('PATCH', `/v1/admin/tenants/${tenant.tenantId}`, { quotas: { uploadBytesPerMonth: 100_000 } });
    expect(patched.status).toBe(200);
    const items = [{ url: server.url('/big.jpg') }, { url: server.url('/small.png') }];
    const done = await runImport(tenant.client, { source: { type: 'urls', items } });
    expect(done).toMatchObject({ status: 'done', counts: { found: 2, imported: 1, failed: 1 } });
    const [big, small] = await importItemsOf(tenant.client, done.id);
    expect(big).toMatchObject({ status: 'failed', assetId: null, error: { code: 'quota_exceeded' } });
    expect(small).toMatchObject({ status: 'imported' });
  });

  it('fails a file of unknown size once its bytes show it passes the quota, keeping none of it: they were all kept', async () => {
    const patched = await tenant.admin.request('PATCH', `/v1/admin/tenants/${tenant.tenantId}`, { quotas: { storedBytes: 100_000 } });
    expect(patched.status).toBe(200);
    const items = [1, 2, 3].map((n) => ({ url: server.url(`/chunked.jpg?n=${n}`) }));
    const done = await runImport(tenant.client, { source: { type: 'urls', items } });
    expect(done).toMatchObject({ status: 'done', counts: { found: 3, imported: 0, failed: 3, bytes: 0 } });
    for (const item of await importItemsOf(tenant.client, done.id)) {
      expect(item).toMatchObject({ status: 'failed', assetId: null, error: { code: 'quota_exceeded' } });
    }
    const originals = harness.workerDeps.storage.listObjects({ bucket: harness.api.config.storage.bucket, prefix: originalKey(tenant.tenantId, '') });
    let kept = 0;
    for await (const _ of originals) kept++;
    // The one original of the first test's small.png.
    expect(kept).toBe(1);
  });
});
