import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { assets } from '@darkroom/db/schema';
import { recordAssetEvent } from '@darkroom/db/queries/events';
import { webhookAttempts } from '@darkroom/db/webhook-schema';
import { desc, eq } from 'drizzle-orm';
import { dispatchOnce } from '../../apps/worker/src/webhooks/dispatcher.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestTenant, failedUpload } from '../support/fixtures.js';
import { fixture } from '../support/images.js';
import { startReceiver, verifyReceipt, type Receipt, type Receiver } from '../support/receiver.js';
import { waitFor } from '../support/services.js';
import { addWebhook, deliveryLog, deliveryPages, WEBHOOK_TEST_ENV } from '../support/webhooks.js';
import { setupHarness } from '../support/setup-harness.js';

/** Webhook deliveries end to end: the real API and worker, a real receiver on a loopback port. */
const harness = setupHarness({ env: WEBHOOK_TEST_ENV });
let jpeg: Uint8Array;
const receivers: Receiver[] = [];

beforeAll(async () => {
  jpeg = new Uint8Array(await readFile(fixture('320x240.jpg')));
});
afterAll(async () => {
  for (const receiver of receivers) await receiver.stop();
});

async function receiver(answer?: Parameters<typeof startReceiver>[0]): Promise<Receiver> {
  const started = await startReceiver(answer);
  receivers.push(started);
  return started;
}

const eventTypes = (receipts: Receipt[], assetId: string) =>
  [...new Set(receipts.filter((r) => JSON.parse(r.body).data.asset.id === assetId).map((r) => JSON.parse(r.body).type as string))].sort();

describe('a receiver that verifies every delivery with standardwebhooks', () => {
  it('gets uploaded, processing and ready for a good image, failed for a corrupt one, each with the asset as GET shows it', async () => {
    const { client } = await createTestTenant(harness, 'webhooks-flow');
    const hook = await receiver();
    const { secret } = await addWebhook(client, hook.url);
    const { asset } = await client.uploadAndComplete(jpeg, { filename: 'w.jpg', contentType: 'image/jpeg' });
    const ready = await client.waitForAsset(asset.id);
    const { asset: broken } = await failedUpload(client);
    await hook.until('every event of both assets', (r) => eventTypes(r, asset.id).length === 3 && eventTypes(r, broken.id).length === 3);

    expect(eventTypes(hook.receipts, asset.id)).toEqual(['asset.processing', 'asset.ready', 'asset.uploaded']);
    expect(eventTypes(hook.receipts, broken.id)).toEqual(['asset.failed', 'asset.processing', 'asset.uploaded']);
    for (const receipt of hook.receipts) {
      expect(receipt.headers['content-type']).toBe('application/json');
      const payload = verifyReceipt(secret, receipt);
      expect(Object.keys(payload).sort()).toEqual(['data', 'timestamp', 'type']);
    }
    // Each carries the asset as the feed (and GET, for the last) shows it, under the event's id.
    for (const event of [...(await client.feed({ assetId: asset.id })), ...(await client.feed({ assetId: broken.id }))]) {
      const receipt = hook.receipts.find((r) => r.webhookId === event.id)!;
      expect(receipt, event.type).toBeDefined();
      expect(JSON.parse(receipt.body)).toEqual({ type: event.type, timestamp: event.createdAt, data: event.data });
    }
    const readyReceipt = hook.receipts.find((r) => JSON.parse(r.body).type === 'asset.ready')!;
    expect(JSON.parse(readyReceipt.body).data.asset).toEqual(ready);
    const failed = hook.receipts.find((r) => JSON.parse(r.body).type === 'asset.failed')!;
    expect(JSON.parse(failed.body).data.asset).toEqual((await client.request('GET', `/v1/assets/${broken.id}`)).body);
  });

  it('gets only the types it asked for', async () => {
    const { client } = await createTestTenant(harness, 'webhooks-types');
    const hook = await receiver();
    await addWebhook(client, hook.url, { events: ['asset.ready'] });
    const control = await receiver();
    await addWebhook(client, control.url);
    const { asset } = await client.uploadAndComplete(jpeg, { filename: 't.jpg', contentType: 'image/jpeg' });
    await control.until('all three events at the control receiver', (r) => eventTypes(r, asset.id).length === 3);
    await hook.until('the ready event', (r) => eventTypes(r, asset.id).length === 1);
    expect(eventTypes(hook.receipts, asset.id)).toEqual(['asset.ready']);
  });
});

describe('the dispatcher', () => {
  it('never moves past an event still being committed: one committed later with an earlier id still arrives', async () => {
    const { client } = await createTestTenant(harness, 'webhooks-settled');
    const hook = await receiver();
    await addWebhook(client, hook.url, { events: ['asset.updated'] });
    const { asset } = await client.upload(jpeg, { filename: 'open.jpg', contentType: 'image/jpeg' });
    const [row] = await harness.api.db.select().from(assets).where(eq(assets.id, asset.id));
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let wrote!: (id: string) => void;
    const slowId = new Promise<string>((resolve) => (wrote = resolve));
    // A slow writer: its event gets the earlier id but commits last.
    const slow = harness.api.db.transaction(async (tx) => {
      wrote((await recordAssetEvent(tx, { type: 'asset.updated', asset: row! })).id);
      await held;
    });
    const slowEvent = await slowId;
    const fast = await harness.api.db.transaction((tx) => recordAssetEvent(tx, { type: 'asset.updated', asset: row! }));
    const pass = await waitFor('a dispatch pass of our own', () => dispatchOnce(harness.workerDeps, harness.api.webhookQueue), 30_000, 50);
    expect(pass.events.map((e) => e.id)).not.toContain(fast.id);
    release();
    await slow;
    await hook.until('both events', (r) => [slowEvent, fast.id].every((id) => r.some((x) => x.webhookId === id)));
  });
});

describe('a receiver that fails, then is down, then comes back', () => {
  it('gets every event in the end, retried under the same webhook-id, with each attempt in the delivery log', async () => {
    const { client } = await createTestTenant(harness, 'webhooks-outage');
    let up = false;
    const hook = await receiver(() => (up ? 204 : 500));
    const { webhook, secret } = await addWebhook(client, hook.url);
    const { asset } = await client.uploadAndComplete(jpeg, { filename: 'o.jpg', contentType: 'image/jpeg' });
    await hook.until('two 500s', (r) => r.length >= 2);
    await hook.stop();
    await waitFor(
      'an attempt refused while the receiver is down',
      async () => (await deliveryLog(client, webhook.id)).some((a) => a.error === 'connection refused'),
      60_000,
      200,
    );
    up = true;
    await hook.start();
    await client.waitForAsset(asset.id);
    await hook.until('all three events delivered', () => new Set(hook.delivered().map((r) => r.webhookId)).size === 3);

    const events = await client.feed({ assetId: asset.id });
    expect(new Set(hook.delivered().map((r) => r.webhookId))).toEqual(new Set(events.map((e) => e.id)));
    for (const receipt of hook.receipts) verifyReceipt(secret, receipt);
    // The 500s were attempts of these same events, under the same id as their later success.
    const failedIds = hook.receipts.filter((r) => r.answered === 500).map((r) => r.webhookId);
    for (const id of failedIds) expect(events.map((e) => e.id)).toContain(id);

    const log = await waitFor(
      'the log to settle',
      async () => {
        const rows = await deliveryLog(client, webhook.id);
        return rows.every((a) => a.status !== 'pending') && rows.filter((a) => a.status === 'succeeded').length === 3 ? rows : null;
      },
      30_000,
      200,
    );
    for (const event of events) {
      const attempts = log.filter((a) => a.eventId === event.id).sort((a, b) => a.attempt - b.attempt);
      expect(attempts.map((a) => a.attempt)).toEqual(attempts.map((_, i) => i + 1));
      expect(attempts.at(-1)).toMatchObject({ status: 'succeeded', eventType: event.type, nextAttemptAt: null });
      for (const failed of attempts.slice(0, -1)) {
        expect(failed.status).toBe('failed');
        expect(failed.nextAttemptAt).not.toBeNull();
        // Answered 500, or refused while the port was closed (or cut off as it closed).
        expect(
          failed.responseStatus === 500 || ['connection refused', 'connection reset by the receiver'].includes(failed.error ?? ''),
          JSON.stringify(failed),
        ).toBe(true);
      }
    }
    expect(log.filter((a) => a.responseStatus === 500).length).toBeGreaterThanOrEqual(2);
    // Newest first, one row per attempt.
    expect(log.map((a) => a.id)).toEqual([...log.map((a) => a.id)].sort().reverse());
  });
});

describe('the delivery log', () => {
  it('pages newest first: following nextCursor gives every attempt exactly once, then null', async () => {
    const { client } = await createTestTenant(harness, 'webhooks-log-pages');
    // The first three requests fail: the log holds retries as well as first attempts.
    const hook = await receiver((_receipt, index) => (index < 3 ? 500 : 204));
    const { webhook } = await addWebhook(client, hook.url);
    const { asset } = await client.uploadAndComplete(jpeg, { filename: 'l.jpg', contentType: 'image/jpeg' });
    await client.waitForAsset(asset.id);
    const attempts = harness.api.db.select().from(webhookAttempts).where(eq(webhookAttempts.webhookId, webhook.id));
    const rows = await waitFor(
      'every attempt recorded',
      async () => {
        const all = await attempts.orderBy(desc(webhookAttempts.id));
        return all.filter((a) => a.status === 'succeeded').length === 3 && all.every((a) => a.status !== 'pending') && all;
      },
      60_000,
      200,
    );
    expect(rows.map((a) => a.status).sort()).toEqual(['failed', 'failed', 'failed', 'succeeded', 'succeeded', 'succeeded']);

    for (const limit of [1, 4, 6, 100]) {
      const pages = await deliveryPages(client, webhook.id, limit);
      // Full pages, then the rest; a last page that is full still ends with a null cursor.
      expect(
        pages.map((p) => p.length),
        `limit ${limit}`,
      ).toEqual(Array.from({ length: Math.ceil(6 / limit) }, (_, i) => Math.min(limit, 6 - i * limit)));
      const listed = pages.flat();
      expect(
        listed.map((a) => a.id),
        `limit ${limit}`,
      ).toEqual(rows.map((a) => a.id));
      // Newest first: each event's retry comes before the attempt it retried.
      for (const event of new Set(listed.map((a) => a.eventId))) {
        const numbers = listed.filter((a) => a.eventId === event).map((a) => a.attempt);
        expect(numbers).toEqual([...numbers].sort((a, b) => b - a));
      }
    }
  });
});

describe('410 Gone', () => {
  it('disables the webhook at once: nothing more is sent to it', async () => {
    const { client } = await createTestTenant(harness, 'webhooks-gone');
    const gone = await receiver(() => 410);
    const { webhook } = await addWebhook(client, gone.url);
    const control = await receiver();
    await addWebhook(client, control.url);
    const { asset: first } = await client.uploadAndComplete(jpeg, { filename: 'g1.jpg', contentType: 'image/jpeg' });
    await gone.until('the first 410', (r) => r.length >= 1);
    await waitFor(
      'the webhook to be disabled',
      async () => {
        const list = await client.request('GET', '/v1/webhooks');
        return list.body.items.find((w: { id: string }) => w.id === webhook.id)?.enabled === false;
      },
      30_000,
      200,
    );
    await control.until('the first asset’s events', (r) => eventTypes(r, first.id).length === 3);
    const before = gone.receipts.length;
    const { asset: second } = await client.uploadAndComplete(jpeg, { filename: 'g2.jpg', contentType: 'image/jpeg' });
    await control.until('the second asset’s events', (r) => eventTypes(r, second.id).length === 3);
    expect(gone.receipts.length).toBe(before);
    expect(gone.receipts.every((r) => JSON.parse(r.body).data.asset.id === first.id)).toBe(true);
    const log = await deliveryLog(client, webhook.id);
    expect(log.find((a) => a.responseStatus === 410)).toMatchObject({ status: 'failed', nextAttemptAt: null });
  });
});

describe('secret rotation', () => {
  it('signs with the old and the new secret during the overlap, each verifiable on its own', async () => {
    const { client } = await createTestTenant(harness, 'webhooks-rotate');
    const hook = await receiver();
    const { webhook, secret: old } = await addWebhook(client, hook.url, { events: ['asset.uploaded'] });
    const rotated = await client.request('POST', `/v1/webhooks/${webhook.id}/rotate-secret`);
    expect(rotated.status).toBe(200);
    const fresh = rotated.body.secret as string;
    expect(fresh).toMatch(/^whsec_/);
    expect(fresh).not.toBe(old);
    await client.uploadAndComplete(jpeg, { filename: 'r.jpg', contentType: 'image/jpeg' });
    const [receipt] = await hook.until('the uploaded event', (r) => (r.length > 0 ? r : null));
    expect(receipt!.signature.split(' ')).toHaveLength(2);
    expect(verifyReceipt(fresh, receipt!).type).toBe('asset.uploaded');
    expect(verifyReceipt(old, receipt!).type).toBe('asset.uploaded');
  });
});

describe('redelivery', () => {
  it('sends an event again now, under the same webhook-id, to one webhook or to every one taking its type', async () => {
    const { client } = await createTestTenant(harness, 'webhooks-redeliver');
    const [a, b] = [await receiver(), await receiver()];
    const { webhook, secret } = await addWebhook(client, a.url, { events: ['asset.uploaded'] });
    await addWebhook(client, b.url, { events: ['asset.uploaded'] });
    await client.uploadAndComplete(jpeg, { filename: 'd.jpg', contentType: 'image/jpeg' });
    const [first] = await a.until('the uploaded event', (r) => (r.length > 0 ? r : null));
    await b.until('the uploaded event', (r) => r.length > 0);

    const one = await client.request('POST', `/v1/events/${first!.webhookId}/redeliver`, { webhookId: webhook.id });
    expect(one.status).toBe(202);
    expect(one.body.webhookIds).toEqual([webhook.id]);
    const [, again] = await a.until('the redelivery', (r) => (r.length >= 2 ? r : null));
    expect(again!.webhookId).toBe(first!.webhookId);
    expect(verifyReceipt(secret, again!)).toEqual(verifyReceipt(secret, first!));

    const all = await client.request('POST', `/v1/events/${first!.webhookId}/redeliver`, {});
    expect(all.status).toBe(202);
    expect(all.body.webhookIds).toHaveLength(2);
    await a.until('a third copy', (r) => r.length >= 3);
    await b.until('a second copy', (r) => r.length >= 2);

    const other = await createTestTenant(harness, 'webhooks-redeliver-other');
    expect((await other.client.request('POST', `/v1/events/${first!.webhookId}/redeliver`, {})).status).toBe(404);
    expect(
      (await client.request('POST', `/v1/events/${first!.webhookId}/redeliver`, { webhookId: '0190d8f0-0000-7000-8000-000000000000' })).status,
    ).toBe(404);
  });
});

describe('a slow receiver', () => {
  it('holds up no other receiver: the fast one gets every event while the slow one still hangs', async () => {
    const { client } = await createTestTenant(harness, 'webhooks-slow');
    const slow = await receiver(() => 'hang');
    const { webhook: slowHook } = await addWebhook(client, slow.url);
    const fast = await receiver();
    await addWebhook(client, fast.url);
    const { asset } = await client.uploadAndComplete(jpeg, { filename: 's.jpg', contentType: 'image/jpeg' });
    await slow.until('the slow receiver to hang on a request', () => slow.hangingCount > 0);
    await fast.until('every event at the fast receiver', (r) => eventTypes(r, asset.id).length === 3);
    // Still inside the slow receiver's 10 s: its requests have not been answered or timed out.
    expect(slow.hangingCount).toBeGreaterThan(0);
    expect((await client.request('PATCH', `/v1/webhooks/${slowHook.id}`, { enabled: false })).status).toBe(200);
  });
});

describe('a redirect', () => {
  it('is not followed: the 3xx is a failed attempt', async () => {
    const { client } = await createTestTenant(harness, 'webhooks-redirect');
    const hook = await receiver(() => 302);
    const { webhook } = await addWebhook(client, hook.url, { events: ['asset.uploaded'] });
    await client.uploadAndComplete(jpeg, { filename: 'x.jpg', contentType: 'image/jpeg' });
    const [attempt] = await waitFor(
      'the attempt in the log',
      async () => {
        const log = (await deliveryLog(client, webhook.id)).filter((a) => a.status === 'failed');
        return log.length > 0 ? log : null;
      },
      60_000,
      200,
    );
    expect(attempt).toMatchObject({ responseStatus: 302, error: 'redirect not followed (HTTP 302)' });
    expect(attempt?.nextAttemptAt).not.toBeNull();
    expect(hook.receipts.every((r) => r.path === '/hook')).toBe(true); // never /elsewhere
    expect((await client.request('PATCH', `/v1/webhooks/${webhook.id}`, { enabled: false })).status).toBe(200);
  });
});

describe('metrics', () => {
  it('count deliveries by outcome and their latency in the worker, and the backlog in the API', async () => {
    const worker = await harness.workerDeps.metrics.registry.metrics();
    expect(worker).toMatch(/darkroom_webhook_deliveries_total\{outcome="succeeded"\} [1-9]/);
    expect(worker).toMatch(/darkroom_webhook_delivery_duration_seconds_count\{outcome="succeeded"\} [1-9]/);
    expect(worker).toMatch(/darkroom_events_dispatched_total\{type="asset.ready"\} [1-9]/);
    const api = await (await fetch(`${harness.baseUrl}/metrics`)).text();
    expect(api).toMatch(/darkroom_webhook_queue_depth\{state="waiting"\} \d+/);
    expect(api).toMatch(/darkroom_webhook_deliveries_pending \d+/);
  });
});

describe('a receiver that answers a NUL byte', () => {
  it('has its attempt recorded like any other: the log shows it done, not pending, and it is not sent again', async () => {
    const { client } = await createTestTenant(harness, 'webhooks-nul');
    // Postgres text holds no NUL: what the receiver answered must still be recordable.
    let requests = 0;
    const nul = createServer((req, res) => {
      requests++;
      req.resume();
      req.on('end', () => res.writeHead(200).end('ok\u0000thanks'));
    });
    await new Promise<void>((resolve) => nul.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(nul.address() as AddressInfo).port}/hook`;
      const { webhook } = await addWebhook(client, url, { events: ['asset.uploaded'] });
      await client.uploadAndComplete(jpeg, { filename: 'n.jpg', contentType: 'image/jpeg' });
      const log = await waitFor(
        'the attempt to be recorded',
        async () => {
          const rows = await deliveryLog(client, webhook.id);
          return rows.length > 0 && rows.every((a) => a.status !== 'pending') ? rows : null;
        },
        30_000,
        200,
      );
      expect(log).toHaveLength(1);
      expect(log[0]).toMatchObject({ status: 'succeeded', responseStatus: 200, attempt: 1 });
      const [row] = await harness.api.db.select().from(webhookAttempts).where(eq(webhookAttempts.id, log[0]!.id));
      expect(row!.responseBody).toBe('ok\uFFFDthanks');
      expect(requests).toBe(1);
    } finally {
      nul.closeAllConnections();
      await new Promise((resolve) => nul.close(resolve));
    }
  });
});
