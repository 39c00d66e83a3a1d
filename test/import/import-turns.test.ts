import { readFile } from 'node:fs/promises';
import type { ImportView } from '@darkroom/core/contract/import';
import { MAX_IMPORT_ITEMS } from '@darkroom/core/limits';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestTenant, type TestTenant } from '../support/fixtures.js';
import { fixture } from '../support/images.js';
import { type FileServer, serve, startFileServer, startImport, waitForImport } from '../support/imports.js';
import { waitFor } from '../support/services.js';
import { setupHarness } from '../support/setup-harness.js';

/**
 * Imports run on the workers a slice at a time (packages/intake/src/imports/slices.ts), one queue
 * entry per import under way, never one per file, served round-robin by tenant: four long imports
 * hold a worker's four import slots for a turn each (import-turns.ts), never for good, so a fifth
 * tenant's import starts within a turn and ends while they still run.
 */
const TURN_MS = 1000;
const harness = setupHarness({ withWorker: false, importTurnMs: TURN_MS, env: { IMPORT_ALLOW_PRIVATE: 'true', IMPORT_CONCURRENCY: '1' } });
let server: FileServer;

beforeAll(async () => {
  const png = await readFile(fixture('Flag_of_the_Netherlands-alpha.png'));
  // Each file of the long imports takes a while to come: a hundred of them hold a slot for half a minute at least.
  server = await startFileServer({ '/slow.png': (req, res) => void setTimeout(() => serve(png)(req, res), 300), '/fast.png': serve(png) });
});
afterAll(() => server?.close());

async function importer(name: string): Promise<TestTenant> {
  const tenant = await createTestTenant(harness, name);
  harness.runImportsOf(tenant.tenantId);
  return tenant;
}

const statusOf = async (tenant: TestTenant, imp: ImportView) => (await tenant.client.raw('GET', `/v1/imports/${imp.id}`)).body.import as ImportView;

describe('four long imports of four tenants, and a fifth tenant’s short one', () => {
  it('the fifth starts within a turn and is done while the four still run, each of them going on after', async () => {
    const long: { tenant: TestTenant; imp: ImportView }[] = [];
    for (const name of ['turns-a', 'turns-b', 'turns-c', 'turns-d']) {
      const tenant = await importer(name);
      const items = Array.from({ length: 100 }, (_, n) => ({ url: `${server.url('/slow.png')}?n=${n}` }));
      long.push({ tenant, imp: await startImport(tenant.client, { source: { type: 'urls', items } }) });
    }
    // Every slot of the process taken: each long import has moved a file.
    await waitFor(
      'the four long imports under way',
      async () => (await Promise.all(long.map(async (l) => (await statusOf(l.tenant, l.imp)).counts.imported))).every((n) => n > 0),
      30_000,
    );

    const fifth = await importer('turns-e');
    const short = await startImport(fifth.client, { source: { type: 'urls', items: [{ url: server.url('/fast.png') }] } });
    const done = await waitForImport(fifth.client, short.id, undefined, 20_000);
    expect(done).toMatchObject({ status: 'done', counts: { imported: 1 } });
    const at = await Promise.all(long.map(async (l) => statusOf(l.tenant, l.imp)));
    expect(at.map((imp) => imp.status)).toEqual(['running', 'running', 'running', 'running']);

    // Each long import gets its slot back and goes on.
    const later = await waitFor(
      'each long import to move on',
      async () => {
        const now = await Promise.all(long.map(async (l) => statusOf(l.tenant, l.imp)));
        return now.every((imp, n) => imp.counts.imported > at[n]!.counts.imported) && now;
      },
      30_000,
      200,
    );
    expect(later.map((imp) => imp.status)).toEqual(['running', 'running', 'running', 'running']);
    for (const l of long) expect((await l.tenant.client.raw('POST', `/v1/imports/${l.imp.id}/cancel`)).status).toBe(200);
  });
});

const entries = async () => {
  const counts = await harness.api.importQueue.queue.getJobCounts('waiting', 'prioritized', 'delayed', 'active');
  return Object.values(counts).reduce((sum, n) => sum + n, 0);
};

describe('a one-file import behind four 10,000-item imports of other tenants', () => {
  it('is done within 30 s while the four run on, the queue holding one entry per import', async () => {
    const large: { tenant: TestTenant; imp: ImportView }[] = [];
    for (const name of ['slices-a', 'slices-b', 'slices-c', 'slices-d']) {
      const tenant = await importer(name);
      const items = Array.from({ length: MAX_IMPORT_ITEMS }, (_, n) => ({ url: `${server.url('/slow.png')}?n=${n}` }));
      large.push({ tenant, imp: await startImport(tenant.client, { source: { type: 'urls', items } }) });
    }
    let most = 0;
    const watching = setInterval(() => void entries().then((n) => (most = Math.max(most, n))), 100);
    try {
      const small = await importer('slices-e');
      const startedAt = Date.now();
      const one = await startImport(small.client, { source: { type: 'urls', items: [{ url: server.url('/fast.png') }] } });
      const done = await waitForImport(small.client, one.id, undefined, 30_000);
      expect(done).toMatchObject({ status: 'done', counts: { imported: 1 } });
      expect(Date.now() - startedAt).toBeLessThan(30_000);
      const now = await Promise.all(large.map(async (l) => (await l.tenant.client.raw('GET', `/v1/imports/${l.imp.id}`)).body.import as ImportView));
      expect(now.map((imp) => imp.status)).toEqual(['running', 'running', 'running', 'running']);
      expect(now.every((imp) => imp.counts.imported < MAX_IMPORT_ITEMS)).toBe(true);
    } finally {
      clearInterval(watching);
    }
    // Five imports, five entries at most: 40,000 files never made 40,000 entries.
    expect(most).toBeGreaterThan(0);
    expect(most).toBeLessThanOrEqual(5);
    for (const l of large) expect((await l.tenant.client.raw('POST', `/v1/imports/${l.imp.id}/cancel`)).status).toBe(200);
  });
});
