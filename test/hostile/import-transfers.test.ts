import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ImportView } from '@darkroom/core/contract/import';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestTenant, type TestTenant } from '../support/fixtures.js';
import { type HostileBucket, type SeenObjectRequest, startHostileBucket, trickle } from '../support/hostile-bucket.js';
import { importItemsOf, startImport, waitForImport } from '../support/imports.js';
import { waitFor } from '../support/services.js';
import { setupHarness } from '../support/setup-harness.js';

/**
 * A file's transfer from a source the tenant chose is bounded as a URL's is (docs/security.md,
 * imports): IMPORT_CONNECT_TIMEOUT to connect, a minute without a byte (at most IMPORT_ITEM_TIMEOUT),
 * IMPORT_ITEM_TIMEOUT in all; and a pause or a cancel closes the transfers in flight at once, for a
 * bucket source and a URL source alike. Each source is a small server of the test's own.
 */
const SIZE = 1_000_000;
const KEY = 'k/slow.jpg';

/** A server that lists one object and answers its GET with `get`. */
const oneObject = (get: (key: string, req: IncomingMessage, res: ServerResponse) => void) =>
  startHostileBucket({ list: () => ({ keys: [{ key: KEY, size: SIZE }], truncated: false }), get });

const bucketSource = (server: HostileBucket) => ({
  type: 'bucket',
  endpoint: server.endpoint,
  region: 'us-east-1',
  bucket: server.bucket,
  accessKeyId: 'AKIASTRANGER',
  secretAccessKey: 'stranger-secret',
});

const urlSource = (server: HostileBucket) => ({ type: 'urls', items: [{ url: `${server.endpoint}/${server.bucket}/${KEY}` }] });

describe('a bucket source’s file that never arrives whole', () => {
  const harness = setupHarness({
    withWorker: false,
    env: { IMPORT_ALLOW_PRIVATE: 'true', IMPORT_RETRY_SCHEDULE: '100ms', IMPORT_ITEM_TIMEOUT: '3s' },
  });
  let tenant: TestTenant;
  const servers: HostileBucket[] = [];
  beforeAll(async () => {
    tenant = await createTestTenant(harness, 'hostile-transfers-limits');
    harness.runImportsOf(tenant.tenantId);
  });
  afterAll(async () => {
    for (const server of servers) await server.close();
  });

  async function failedItem(get: Parameters<typeof oneObject>[0]) {
    const server = await oneObject(get);
    servers.push(server);
    const done = await waitForImport(tenant.client, (await startImport(tenant.client, { source: bucketSource(server) })).id, undefined, 30_000);
    expect(done).toMatchObject({ status: 'done', counts: { found: 1, imported: 0, failed: 1 } });
    const [item] = await importItemsOf(tenant.client, done.id);
    // Tried again once (IMPORT_RETRY_SCHEDULE's one delay), and each connection closed.
    expect(server.objectRequests.length).toBe(2);
    await waitFor('the connections to close', async () => server.objectRequests.every((r) => r.closedAt !== null), 5000);
    return item!.error!;
  }

  it('trickling a byte at a time is cut off at IMPORT_ITEM_TIMEOUT', async () => {
    const error = await failedItem(trickle(SIZE, 200));
    expect(error).toMatchObject({ code: 'source_unreachable' });
    expect(error.message).toMatch(/did not answer in full within 3 s/);
  });

  it('falling silent after its first bytes is cut off within the limits, not the storage client’s minute', async () => {
    const error = await failedItem((_key, _req, res) => {
      res.writeHead(200, { 'content-type': 'image/jpeg', 'content-length': SIZE });
      res.write(Buffer.from([0xff, 0xd8, 0xff, 0xe0]));
    });
    expect(error.code).toBe('source_unreachable');
    expect(error.message).toMatch(/no answer came in time|did not answer in full within 3 s/);
  });
});

describe('pause and cancel', () => {
  const harness = setupHarness({ withWorker: false, env: { IMPORT_ALLOW_PRIVATE: 'true' } });
  let tenant: TestTenant;
  let server: HostileBucket;
  beforeAll(async () => {
    tenant = await createTestTenant(harness, 'hostile-transfers-controls');
    harness.runImportsOf(tenant.tenantId);
    server = await oneObject(trickle(SIZE, 200));
  });
  afterAll(() => server?.close());

  /** Waits for the source's next GET (the transfer under way), then makes `control`: the time it was asked, and that GET. */
  async function controlInFlight(imp: ImportView, control: 'pause' | 'cancel'): Promise<{ at: number; request: SeenObjectRequest }> {
    const before = server.objectRequests.length;
    const request = await waitFor('a transfer under way', async () => server.objectRequests[before], 20_000, 10);
    const at = Date.now();
    const res = await tenant.client.raw('POST', `/v1/imports/${imp.id}/${control}`);
    expect(res.status).toBe(200);
    return { at, request };
  }

  /** The transfer's connection closed within a second or so of the control (the lease's renewal, 5 s, is not what stopped it). */
  async function expectClosedAtOnce({ at, request }: { at: number; request: SeenObjectRequest }, what: string) {
    await waitFor(`${what}: the transfer's connection to close`, async () => request.closedAt !== null, 20_000, 10);
    expect(request.closedAt! - at, what).toBeLessThan(2500);
  }

  for (const [kind, source] of [
    ['bucket', bucketSource],
    ['URL', urlSource],
  ] as const) {
    it(`of a ${kind} source close its transfer in flight at once, and resume takes the file again`, async () => {
      const imp = await startImport(tenant.client, { source: source(server) });
      await expectClosedAtOnce(await controlInFlight(imp, 'pause'), 'paused');
      expect((await tenant.client.raw('GET', `/v1/imports/${imp.id}`)).body.import.status).toBe('paused');
      expect((await tenant.client.raw('POST', `/v1/imports/${imp.id}/resume`)).status).toBe(200);
      await expectClosedAtOnce(await controlInFlight(imp, 'cancel'), 'canceled');
      const ended = await waitForImport(tenant.client, imp.id);
      expect([ended.status, ended.counts.imported]).toEqual(['canceled', 0]);
    });
  }
});
