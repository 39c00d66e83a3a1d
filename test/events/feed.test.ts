import { readFile } from 'node:fs/promises';
import { assets, events } from '@darkroom/db/schema';
import { deleteEventsBefore } from '@darkroom/db/queries/events-written';
import { listEvents, recordAssetEvent } from '@darkroom/db/queries/events';
import { transitionAsset } from '@darkroom/db/queries/assets';
import { eq, sql } from 'drizzle-orm';
import postgres from 'postgres';
import { beforeAll, describe, expect, it } from 'vitest';
import type { TestApi } from '../support/client.js';
import { createTestTenant, failedUpload } from '../support/fixtures.js';
import { fixture } from '../support/images.js';
import { waitFor } from '../support/services.js';
import { untilEventsSettled } from '../support/settled-events.js';
import { setupHarness } from '../support/setup-harness.js';

/** The events outbox and its feed (`GET /v1/events`), against the real pipeline. */
const harness = setupHarness();
let client: TestApi;
let admin: TestApi;
let tenantId: string;
let jpeg: Uint8Array;

beforeAll(async () => {
  ({ client, admin, tenantId } = await createTestTenant(harness, 'events'));
  jpeg = new Uint8Array(await readFile(fixture('320x240.jpg')));
});

describe('events outbox', () => {
  it('records uploaded, processing and ready, each carrying the asset as GET showed it then', async () => {
    const { asset } = await client.uploadAndComplete(jpeg, { filename: 'e.jpg', contentType: 'image/jpeg' });
    const ready = await client.waitForAsset(asset.id);
    const events = await client.feed({ assetId: asset.id });
    expect(events.map((e) => e.type)).toEqual(['asset.uploaded', 'asset.processing', 'asset.ready']);
    expect(events.map((e) => e.data.asset.status)).toEqual(['queued', 'processing', 'ready']);
    expect(events[2]?.data.asset).toEqual(ready);
    // Time-ordered ids, and createdAt in the same order.
    const ids = events.map((e) => e.id);
    expect([...ids].sort()).toEqual(ids);
    expect(events.map((e) => Date.parse(e.createdAt))).toEqual([...events.map((e) => Date.parse(e.createdAt))].sort());
  });

  it('records failed, updated (reprocess) and deleted with the last status the tenant saw', async () => {
    const { asset: broken } = await failedUpload(client);
    expect((await client.feed({ assetId: broken.id })).map((e) => e.type)).toEqual(['asset.uploaded', 'asset.processing', 'asset.failed']);
    const failedEvent = (await client.feed({ assetId: broken.id }))[2];
    expect(failedEvent?.data.asset.error?.code).toBe('corrupt_image');

    const { asset } = await client.uploadAndComplete(jpeg, { filename: 'r.jpg', contentType: 'image/jpeg' });
    await client.waitForAsset(asset.id);
    expect((await admin.request('POST', `/v1/admin/assets/${asset.id}/reprocess`)).status).toBe(202);
    await client.waitForAsset(asset.id);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect((await client.request('DELETE', `/v1/assets/${asset.id}`)).status).toBe(204);
    const events = await client.feed({ assetId: asset.id });
    expect(events.map((e) => e.type)).toEqual([
      'asset.uploaded',
      'asset.processing',
      'asset.ready',
      'asset.processing',
      'asset.updated',
      'asset.deleted',
    ]);
    expect(events.at(-1)?.data.asset.status).toBe('ready');
  });

  it('pages oldest first with after, filters by type, and refuses a malformed query', async () => {
    const first = await client.request('GET', '/v1/events?limit=2');
    expect(first.body.items).toHaveLength(2);
    const next = await client.request('GET', `/v1/events?limit=2&after=${first.body.nextCursor}`);
    expect(next.body.items[0]!.id > first.body.items[1]!.id).toBe(true);
    const failed = await client.request('GET', '/v1/events?type=asset.failed,asset.deleted');
    expect(new Set(failed.body.items.map((e: { type: string }) => e.type))).toEqual(new Set(['asset.failed', 'asset.deleted']));
    for (const query of ['after=nope', 'type=asset.exploded', 'limit=0', 'limit=101', 'colour=red']) {
      const res = await client.request('GET', `/v1/events?${query}`);
      expect(res.status, query).toBe(400);
      expect(res.body.error?.code).toBe('invalid_request');
    }
    // Another tenant sees none of them.
    const other = await createTestTenant(harness, 'events-other');
    expect((await other.client.request('GET', '/v1/events')).body.items).toEqual([]);
  });
});

describe('no change without its event, no event without its change', () => {
  it('a transition rolled back leaves no event', async () => {
    const { asset } = await client.upload(jpeg, { filename: 'rb.jpg', contentType: 'image/jpeg' });
    await harness.api.db
      .transaction(async (tx) => {
        await transitionAsset(tx, { id: asset.id, from: ['awaiting_upload'], to: 'expired' });
        throw new Error('crash before commit');
      })
      .catch(() => {});
    expect(await client.feed({ assetId: asset.id })).toEqual([]);
    const [row] = await harness.api.db.select().from(assets).where(eq(assets.id, asset.id));
    expect(row!.status).toBe('awaiting_upload');
  });

  it('the feed never moves past an event whose transaction is still open', async () => {
    const { asset } = await client.upload(jpeg, { filename: 'open.jpg', contentType: 'image/jpeg' });
    const [row] = await harness.api.db.select().from(assets).where(eq(assets.id, asset.id));
    const before = (await listEvents(harness.api.db, { tenantId, limit: 100 })).items.at(-1)?.id;
    // A slow writer: its event gets the earlier id but commits last.
    const slow = postgres(harness.api.config.databaseUrl, { max: 1, onnotice: () => {} });
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let written!: () => void;
    const wrote = new Promise<void>((resolve) => (written = resolve));
    const slowTx = slow.begin(async (tx) => {
      await tx`select darkroom_event_id(clock_timestamp())`; // the transaction is open from here
      await tx`insert into events (id, tenant_id, asset_id, type, data, created_at)
               select darkroom_event_id(clock_timestamp()), ${tenantId}, ${asset.id}, 'asset.updated', '{"asset":{}}'::jsonb, clock_timestamp()`;
      written();
      await held;
    });
    await wrote;
    const fast = await harness.api.db.transaction((tx) => recordAssetEvent(tx, { type: 'asset.updated', asset: row! }));
    const whileOpen = (await listEvents(harness.api.db, { tenantId, after: before, limit: 100 })).items.map((e) => e.id);
    expect(whileOpen).not.toContain(fast.id);
    release();
    await slowTx;
    await slow.end();
    await untilEventsSettled(harness.api.db);
    const after = (await listEvents(harness.api.db, { tenantId, after: before, limit: 100 })).items.filter((e) => e.assetId === asset.id);
    expect(after).toHaveLength(2);
    expect(after[1]!.id).toBe(fast.id);
  });
});

describe('retention', () => {
  it('drops events older than the retention and keeps the rest', async () => {
    const { asset } = await client.upload(jpeg, { filename: 'old.jpg', contentType: 'image/jpeg' });
    const [row] = await harness.api.db.select().from(assets).where(eq(assets.id, asset.id));
    const recent = await harness.api.db.transaction((tx) => recordAssetEvent(tx, { type: 'asset.updated', asset: row! }));
    const old = await harness.api.db.transaction((tx) => recordAssetEvent(tx, { type: 'asset.updated', asset: row! }));
    await harness.api.db.update(events).set({ createdAt: sql`now() - interval '31 days'` }).where(eq(events.id, old.id));
    const dropped = await deleteEventsBefore(harness.api.db, { before: new Date(Date.now() - 30 * 86_400_000), limit: 1000 });
    expect(dropped).toBeGreaterThanOrEqual(1);
    const left = await harness.api.db.select({ id: events.id }).from(events).where(eq(events.assetId, asset.id));
    expect(left.map((e) => e.id)).toEqual([recent.id]);
  });
});

describe('metrics', () => {
  const written = async () => {
    const text = (await fetch(`${harness.baseUrl}/metrics`).then((r) => r.text())) as string;
    return Number(/^darkroom_events_written_total (\d+)/m.exec(text)?.[1]);
  };

  it('counts events written across the deployment', async () => {
    const before = await written();
    expect(before).toBeGreaterThan(0);
    const { asset } = await client.uploadAndComplete(jpeg, { filename: 'm.jpg', contentType: 'image/jpeg' });
    await client.waitForAsset(asset.id);
    // Counted once settled (no transaction that could still write an earlier one is open).
    await waitFor('the events to be counted', async () => (await written()) >= before + 3, 20_000, 250);
  });
});
