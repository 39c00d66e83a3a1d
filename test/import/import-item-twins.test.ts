import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { claimImport } from '@darkroom/db/queries/import-claims';
import { claimImportItems, finishImportItem } from '@darkroom/db/queries/import-runs';
import { getImport } from '@darkroom/db/queries/imports';
import { getTenant } from '@darkroom/db/queries/tenants';
import type { ImportItem } from '@darkroom/db/import-schema';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createImportRecorder } from '@darkroom/intake';
import { createLimiter } from '@darkroom/core/limiter';
import { tenantUploadLimits } from '@darkroom/intake';
import { importItem, openImportSource, type ImportDeps, type ItemContext } from '@darkroom/intake/imports';
import { createImportDeps } from '../../apps/worker/src/imports/imports.js';
import { assetStatusCounts } from '../support/import-rows.js';
import { tinyJpegs } from '../support/source-bucket.js';
import { setupHarness, setupTenant } from '../support/setup-harness.js';

const harness = setupHarness({ withWorker: false, env: { IMPORT_ALLOW_PRIVATE: 'true' } });
const tenant = setupTenant(harness, 'import-twins');
let server: Server;
let base: string;
/** What a worker's import lane runs its items with. */
let importDeps: ImportDeps & { close(): Promise<void> };

beforeAll(async () => {
  importDeps = createImportDeps(harness.workerDeps, harness.api.queue);
  const photos = await tinyJpegs(8);
  server = createServer((req, res) => {
    const body = photos[Number(new URL(req.url!, 'http://files').pathname.slice(1))];
    if (!body) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-length': body.length }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server?.close();
  await importDeps?.close();
});

/**
 * An import of `count` photos whose items two runners hold: one that claimed them and let its lease
 * lapse, and one that took the import up and claimed them again; with what both hold to import them.
 */
async function heldTwice(count: number): Promise<{ context: ItemContext; stale: ImportItem[]; current: ImportItem[] }> {
  const items = Array.from({ length: count }, (_, n) => ({ url: `${base}/${n}` }));
  const started = await tenant.client.raw('POST', '/v1/imports', { source: { type: 'urls', items } });
  expect(started.status).toBe(202);
  const importId = started.body.import.id;
  const claimAs = async (owner: string, leaseMs: number) => {
    expect(await claimImport(harness.api.db, { owner, leaseMs, tenantIds: [tenant.tenantId] })).toMatchObject({ id: importId });
    return claimImportItems(harness.api.db, { importId, limit: count });
  };
  const stale = await claimAs('lapsed', 1);
  await new Promise((resolve) => setTimeout(resolve, 20));
  const current = await claimAs('current', 60_000);
  const imp = (await getImport(harness.api.db, { id: importId }))!;
  const row = (await getTenant(harness.api.db, { id: tenant.tenantId }))!;
  const log = pino({ level: 'silent' });
  const context: ItemContext = {
    deps: importDeps,
    log,
    imp,
    tenant: row,
    source: await openImportSource(importDeps, imp),
    limits: tenantUploadLimits(importDeps, row),
    signal: new AbortController().signal,
    listFailures: 0,
    bucketDown: false,
    recorder: createImportRecorder(importDeps, log),
    lanes: { reads: createLimiter(8), transfers: createLimiter(8) },
  };
  return { context, stale, current };
}

describe('one import item in two runners at once', () => {
  // A runner whose lease lapsed (its process frozen a while, or cut off from Postgres) still has its
  // items in hand when it wakes, and the runner that took the import up has taken them again.
  it('makes one asset, which both find imported, and records the outcome of the claim under way alone', async () => {
    const { context, stale, current } = await heldTwice(8);
    expect(current.map((i) => i.attempts)).toEqual(stale.map((i) => i.attempts + 1));
    const twins = stale.map((item, n) => [item, current[n]!] as const);
    const settled = await Promise.all(
      twins.map(async (pair) => {
        const outcomes = await Promise.all(pair.map((item) => importItem(context, item)));
        const recorded = await Promise.all(pair.map((item, k) => finishImportItem(harness.api.db, { item, outcome: outcomes[k]!, metering: true })));
        return { outcomes, recorded };
      }),
    );
    for (const { outcomes, recorded } of settled) {
      expect(outcomes[0]).toMatchObject({ status: 'imported' });
      expect(outcomes[1]).toEqual(outcomes[0]);
      expect(recorded).toEqual([false, true]);
    }
    expect(await assetStatusCounts(harness.api.db, tenant.tenantId)).toEqual({ queued: stale.length });
    const { body } = await tenant.client.raw('POST', `/v1/imports/${context.imp.id}/cancel`);
    expect(body.import.counts).toMatchObject({ imported: stale.length, failed: 0 });
  });
});
