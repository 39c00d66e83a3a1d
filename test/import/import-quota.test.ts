import { readFile } from 'node:fs/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import { fixture } from '../support/images.js';
import { importItemsOf, runImport, serve, startFileServer, type FileServer } from '../support/imports.js';
import { setupHarness, setupTenant } from '../support/setup-harness.js';

/**
 * An import item past a quota (docs/api.md#quotas) fails with quota_exceeded before a byte of it is
 * written, and the import goes on with the next item.
 */
const harness = setupHarness({ withWorker: false, env: { IMPORT_ALLOW_PRIVATE: 'true' } });
const tenant = setupTenant(harness, 'import-quota');
let server: FileServer;

beforeAll(async () => {
  harness.runImportsOf(tenant.tenantId);
  server = await startFileServer({
    '/big.jpg': serve(await readFile(fixture('jolla.jpg'))),
    '/small.png': serve(await readFile(fixture('Flag_of_the_Netherlands-alpha.png'))),
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
});
