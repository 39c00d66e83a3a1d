import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestTenant } from '../support/fixtures.js';
import type { Harness } from '../support/harness.js';
import { fixture } from '../support/images.js';
import { importItemsOf, startImport, startImportSetup, waitForImport, type FileServer, type ImportSetup, type Route } from '../support/imports.js';
import { startReceiver, verifyReceipt, type Receiver } from '../support/receiver.js';
import { waitFor } from '../support/services.js';
import { openSse } from '../support/sse.js';
import { addWebhook, WEBHOOK_TEST_ENV } from '../support/webhooks.js';

/**
 * An import's events (docs/api.md#imports-tenant-api-key, "Events and limits"): `import.done` stored,
 * on the feed, the stream and webhooks; `import.progress` live on the stream alone; and each asset's
 * own events as an upload's.
 */
let setup: ImportSetup;
let harness: Harness;
let tenant: TestTenant;
let server: FileServer;
let receiver: Receiver;
const FILES = ['/1.jpg', '/2.jpg', '/3.jpg', '/4.jpg'];

/** Answers the photo after a pause: one file at a time (IMPORT_CONCURRENCY 1), the import runs past a progress interval. */
const later =
  (bytes: Buffer): Route =>
  (_req, res) =>
    void setTimeout(() => res.writeHead(200, { 'content-length': bytes.length }).end(bytes), 400);

beforeAll(async () => {
  const jpeg = await readFile(fixture('320x240.jpg'));
  setup = await startImportSetup('import-events', Object.fromEntries(FILES.map((p) => [p, later(jpeg)])), {
    env: { ...WEBHOOK_TEST_ENV, IMPORT_CONCURRENCY: '1' },
  });
  ({ harness, tenant, server } = setup);
  receiver = await startReceiver();
});
afterAll(async () => {
  await receiver?.stop();
  await setup?.close();
});

/** The feed's events of `type` once `count` of them have settled (the feed waits out transactions still open). */
const feedOf = (type: string, count: number) =>
  waitFor(`${count} ${type} on the feed`, async () => {
    const events = await tenant.client.events({ type });
    return events.length >= count && events;
  });

describe('an import’s events', () => {
  it('streams import.progress while it runs, then stores import.done for the feed, the stream and a webhook, with asset.uploaded for each asset', async () => {
    const { secret } = await addWebhook(tenant.client, receiver.url);
    const stream = await openSse(harness.baseUrl, '/v1/events/stream', tenant.client.token!);
    const started = await startImport(tenant.client, { source: { type: 'urls', items: FILES.map((p) => ({ url: server.url(p) })) } });
    const done = await waitForImport(tenant.client, started.id);
    expect(done).toMatchObject({ status: 'done', counts: { found: 4, imported: 4 } });

    // Stored: once on the feed, with the import as GET shows it at its end.
    const feed = await feedOf('import.done', 1);
    expect(feed.map((e) => (e.data as any).import)).toEqual([done]);
    const [stored] = feed;

    // Streamed: every progress of this import while it ran, its counts never going back, then import.done.
    const [streamedDone] = await stream.waitForEvents(1, (e) => e.event === 'import.done');
    stream.close();
    expect(streamedDone!.id).toBe(stored!.id);
    expect(streamedDone!.data.data.import).toEqual(done);
    const progress = stream.events.filter((e) => e.event === 'import.progress').map((e) => e.data);
    expect(progress.length).toBeGreaterThanOrEqual(2);
    for (const view of progress) {
      expect(view).toMatchObject({ type: 'import.progress', data: { import: { id: done.id, status: 'running', counts: { found: 4 } } } });
    }
    const imported = progress.map((view) => view.data.import.counts.imported);
    expect(imported).toEqual([...imported].sort((a, b) => a - b));
    expect(imported[0]).toBeLessThan(4);
    // Live only: never on the feed.
    expect((await tenant.client.events()).some((e) => (e.type as string) === 'import.progress')).toBe(false);

    // To a webhook: import.done, signed, as the feed has it; never import.progress.
    const receipt = await receiver.until('import.done at the webhook', (r) => r.find((x) => JSON.parse(x.body).type === 'import.done'));
    expect(verifyReceipt(secret, receipt)).toEqual({ type: 'import.done', timestamp: stored!.createdAt, data: stored!.data });
    expect(receipt.webhookId).toBe(stored!.id);

    // Each asset's own events, as an upload's: asset.uploaded, on the feed and at the webhook.
    const assetIds = (await importItemsOf(tenant.client, done.id)).map((i) => i.assetId);
    const uploaded = await feedOf('asset.uploaded', assetIds.length);
    expect(uploaded.map((e) => (e.data as any).asset.id).sort()).toEqual([...assetIds].sort());
    await receiver.until('asset.uploaded of each asset at the webhook', (r) => {
      const seen = r.map((x) => JSON.parse(x.body)).filter((p) => p.type === 'asset.uploaded');
      return seen.length === assetIds.length;
    });
    expect(receiver.receipts.some((r) => JSON.parse(r.body).type === 'import.progress')).toBe(false);
  });

  it('stores import.canceled for a canceled import, on the feed and at the webhook', async () => {
    const started = await startImport(tenant.client, { source: { type: 'urls', items: FILES.map((p) => ({ url: `${server.url(p)}?again` })) } });
    const canceled = await tenant.client.raw('POST', `/v1/imports/${started.id}/cancel`);
    expect(canceled.status).toBe(200);
    const ended = await waitForImport(tenant.client, started.id);
    expect(ended.status).toBe('canceled');
    const [event] = await feedOf('import.canceled', 1);
    expect((event!.data as any).import).toMatchObject({ id: started.id, status: 'canceled' });
    await receiver.until('import.canceled at the webhook', (r) => r.find((x) => x.webhookId === event!.id));
  });
});
