import { readFile } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { assets } from '@darkroom/db/schema';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestTenant, type TestTenant } from '../support/fixtures.js';
import type { Harness } from '../support/harness.js';
import { fixture } from '../support/images.js';
import {
  importItemsOf,
  runImport,
  serve,
  startImport,
  startImportSetup,
  waitForImport,
  type FileServer,
  type ImportSetup,
} from '../support/imports.js';
import { waitFor } from '../support/services.js';

/**
 * Driving an import (docs/api.md#imports-tenant-api-key): a dry run that only asks, pause, resume and
 * cancel, and 409 once it is over.
 */
let setup: ImportSetup;
let harness: Harness;
let tenant: TestTenant;
let server: FileServer;
let png: Buffer;
const MAX_BYTES = 100_000;
/** Requests to /held/* past the first two wait here until the test lets them answer. */
let held: ServerResponse[] = [];
let holding = true;

beforeAll(async () => {
  png = await readFile(fixture('Flag_of_the_Netherlands-alpha.png'));
  const routes = Object.fromEntries(['/a.png', '/b.png', '/c.png'].map((p) => [p, serve(png)]));
  setup = await startImportSetup('import-controls', routes, { env: { IMPORT_CONCURRENCY: '2' } });
  ({ harness, tenant, server } = setup);
  server.routes.set('/huge.png', (_req, res) => res.writeHead(200, { 'content-length': 10_000_000 }).end());
  for (let n = 0; n < 6; n++) {
    server.routes.set(`/held/${n}.png`, (_req, res) => {
      if (holding && n >= 2) held.push(res);
      else serve(png)(_req, res);
    });
  }
  expect((await tenant.admin.request('PATCH', `/v1/admin/tenants/${tenant.tenantId}`, { maxUploadBytes: MAX_BYTES })).status).toBe(200);
});
afterAll(() => setup?.close());

/** Lets every held request answer, and the ones to come. */
function release(): void {
  holding = false;
  for (const res of held) res.writeHead(200, { 'content-length': png.length }).end(png);
  held = [];
}

const tenantAssets = async () =>
  (await harness.api.db.select({ n: sql<number>`count(*)::int` }).from(assets).where(eq(assets.tenantId, tenant.tenantId)))[0]!.n;

const control = (id: string, action: string) => tenant.client.raw('POST', `/v1/imports/${id}/${action}`);
const heldRequests = () => server.requests.filter((r) => r.path.startsWith('/held/')).length;

describe('a dry run', () => {
  it('asks with HEAD alone and makes nothing: counts what it would import, skip and fail', async () => {
    await runImport(tenant.client, { source: { type: 'urls', items: [{ url: server.url('/a.png') }] } });
    const before = { assets: await tenantAssets(), requests: server.requests.length };
    // The same file twice in a row, both looked at at once (IMPORT_CONCURRENCY 2).
    const paths = ['/a.png', '/b.png', '/b.png?X-Amz-Signature=again', '/c.png', '/huge.png', '/missing.png'];
    const done = await runImport(tenant.client, { source: { type: 'urls', items: paths.map((p) => ({ url: server.url(p) })) }, dryRun: true });
    expect(done).toMatchObject({ status: 'done', dryRun: true, counts: { found: 6, imported: 2, skipped: 2, failed: 2 } });
    const items = await importItemsOf(tenant.client, done.id);
    expect(items.map((i) => (i.status === 'failed' ? i.error!.code : i.status))).toEqual([
      'skipped',
      'imported',
      // The same file as an earlier item of the list: the import would make it once.
      'skipped',
      'imported',
      'file_too_large',
      'source_not_found',
    ]);
    expect(items[0]).toMatchObject({ reason: 'already_imported' });
    expect(items[0]!.assetId).not.toBeNull();
    expect(items.slice(1).map((i) => i.assetId)).toEqual([null, null, null, null, null]);
    const asked = server.requests.slice(before.requests);
    // The identity already imported is not even asked about.
    expect(asked.map((r) => `${r.method} ${r.path}`).sort()).not.toContain('HEAD /a.png');
    expect(asked.every((r) => r.method === 'HEAD')).toBe(true);
    expect(await tenantAssets()).toBe(before.assets);
    // And a real import after it finds everything still to do.
    const real = await runImport(tenant.client, {
      source: { type: 'urls', items: ['/a.png', '/b.png', '/c.png'].map((p) => ({ url: server.url(p) })) },
    });
    expect(real.counts).toMatchObject({ imported: 2, skipped: 1 });
  });
});

describe('pause, resume and cancel', () => {
  it('pause takes no new item, resume finishes every file once, and a finished import refuses them with 409', async () => {
    holding = true;
    const items = [0, 1, 2, 3, 4, 5].map((n) => ({ url: server.url(`/held/${n}.png`) }));
    const started = await startImport(tenant.client, { source: { type: 'urls', items } });
    // Two files imported, two in flight: the import is well under way when it is paused.
    await waitFor('two files in flight', async () => held.length === 2);
    const paused = await control(started.id, 'pause');
    expect([paused.status, paused.body.import.status]).toEqual([200, 'paused']);
    expect((await control(started.id, 'pause')).body.import.status).toBe('paused');
    release();
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(heldRequests(), 'no file asked for once paused').toBe(4);
    expect((await tenant.client.raw('GET', `/v1/imports/${started.id}`)).body.import.status).toBe('paused');

    const resumed = await control(started.id, 'resume');
    expect([resumed.status, resumed.body.import.status]).toEqual([200, 'running']);
    const done = await waitForImport(tenant.client, started.id);
    expect(done.counts).toMatchObject({ found: 6, imported: 6, skipped: 0, failed: 0 });
    const made = await importItemsOf(tenant.client, done.id);
    expect(new Set(made.map((i) => i.assetId)).size).toBe(6);
    expect(await Promise.all(made.map(async (i) => (await tenant.client.waitForAsset(i.assetId!)).status))).toEqual(made.map(() => 'ready'));

    for (const action of ['pause', 'resume', 'cancel']) {
      const refused = await control(started.id, action);
      expect([refused.status, refused.body.error?.code], action).toEqual([409, 'invalid_state']);
    }
  });

  it('cancel ends it with import.canceled, takes no new item, and keeps what it imported', async () => {
    holding = true;
    const items = [0, 1, 2, 3, 4, 5].map((n) => ({ url: `${server.url(`/held/${n}.png`)}?cancel` }));
    const started = await startImport(tenant.client, { source: { type: 'urls', items } });
    await waitFor('two files held', async () => held.length === 2);
    const canceled = await control(started.id, 'cancel');
    expect([canceled.status, canceled.body.import.status]).toEqual([200, 'canceled']);
    expect(canceled.body.import.finishedAt).not.toBeNull();
    const askedAtCancel = heldRequests();
    release();
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(heldRequests(), 'no file asked for once canceled').toBe(askedAtCancel);

    const ended = (await tenant.client.raw('GET', `/v1/imports/${started.id}`)).body.import;
    expect(ended.status).toBe('canceled');
    expect(ended.counts.imported).toBeLessThan(6);
    const kept = await importItemsOf(tenant.client, started.id, { status: 'imported' });
    expect(kept.length).toBe(ended.counts.imported);
    for (const item of kept) expect((await tenant.client.waitForAsset(item.assetId!)).status).toBe('ready');
    // Canceling again answers it as it is; pausing or resuming it is refused.
    expect((await control(started.id, 'cancel')).body.import.status).toBe('canceled');
    expect((await control(started.id, 'resume')).status).toBe(409);
  });
});

describe('who may see an import', () => {
  it('another tenant gets 404 on every route of it, as for an id that is no import', async () => {
    const other: TestTenant = await createTestTenant(harness, 'import-controls-other');
    const done = await runImport(tenant.client, { source: { type: 'urls', items: [{ url: server.url('/a.png') }] } });
    for (const id of [done.id, '00000000-0000-7000-8000-000000000000', 'not-an-id']) {
      for (const [method, path] of [
        ['GET', ''],
        ['GET', '/items'],
        ['POST', '/pause'],
        ['POST', '/resume'],
        ['POST', '/cancel'],
      ] as const) {
        const res = await other.client.raw(method, `/v1/imports/${id}${path}`);
        expect([res.status, res.body.error?.code], `${method} ${id}${path}`).toEqual([404, 'not_found']);
      }
    }
    expect((await other.client.raw('GET', '/v1/imports')).body.items).toEqual([]);
  });

  it('an upload token gets 403 on every import route', async () => {
    const done = await runImport(tenant.client, { source: { type: 'urls', items: [{ url: server.url('/a.png') }] } });
    const browser = await tenant.client.withUploadToken();
    const routes = [
      ['POST', '/v1/imports', { source: { type: 'urls', items: [{ url: server.url('/b.png') }] } }],
      ['GET', '/v1/imports'],
      ['GET', `/v1/imports/${done.id}`],
      ['GET', `/v1/imports/${done.id}/items`],
      ['POST', `/v1/imports/${done.id}/pause`],
      ['POST', `/v1/imports/${done.id}/resume`],
      ['POST', `/v1/imports/${done.id}/cancel`],
    ] as const;
    for (const [method, path, body] of routes) {
      const res = await browser.raw(method, path, body);
      expect([res.status, res.body.error?.code], `${method} ${path}`).toEqual([403, 'forbidden']);
    }
  });
});

describe('the lists', () => {
  it("of a tenant's imports, newest first, and of an import's items by status, page by page", async () => {
    const lister = await createTestTenant(harness, 'import-controls-lists');
    harness.runImportsOf(lister.tenantId);
    const ids: string[] = [];
    for (const n of [0, 1, 2]) {
      const paths = ['/a.png', '/missing-1.png', '/b.png', '/missing-2.png', '/c.png'];
      const items = paths.map((p) => ({ url: `${server.url(p)}?list=${n}` }));
      ids.push((await runImport(lister.client, { source: { type: 'urls', items } })).id);
    }
    const first = await lister.client.raw('GET', '/v1/imports?limit=2');
    expect(first.body.items.map((i: { id: string }) => i.id)).toEqual([ids[2], ids[1]]);
    expect(first.body.nextCursor).not.toBeNull();
    const second = await lister.client.raw('GET', `/v1/imports?limit=2&cursor=${first.body.nextCursor}`);
    expect([second.body.items.map((i: { id: string }) => i.id), second.body.nextCursor]).toEqual([[ids[0]], null]);

    const all = await importItemsOf(lister.client, ids[0]!, { limit: 2 });
    expect(all.map((i) => new URL(i.source).pathname)).toEqual(['/a.png', '/missing-1.png', '/b.png', '/missing-2.png', '/c.png']);
    const failed = await importItemsOf(lister.client, ids[0]!, { status: 'failed', limit: 1 });
    expect(failed.map((i) => [new URL(i.source).pathname, i.error?.code])).toEqual([
      ['/missing-1.png', 'source_not_found'],
      ['/missing-2.png', 'source_not_found'],
    ]);
    const imported = await importItemsOf(lister.client, ids[0]!, { status: 'imported', limit: 2 });
    expect(imported.map((i) => new URL(i.source).pathname)).toEqual(['/a.png', '/b.png', '/c.png']);
    expect(await importItemsOf(lister.client, ids[0]!, { status: 'skipped' })).toEqual([]);
    const bad = await lister.client.raw('GET', `/v1/imports/${ids[0]}/items?status=pending`);
    expect([bad.status, bad.body.error?.code]).toEqual([400, 'invalid_request']);
  });
});
