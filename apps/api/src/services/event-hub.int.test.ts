import { createDatabase, type DatabaseHandle } from '@darkroom/db/client';
import { createTenant } from '@darkroom/db/queries/tenants';
import { insertAsset } from '@darkroom/db/queries/assets';
import { newId } from '@darkroom/db/ids';
import { recordAssetEvent } from '@darkroom/db/queries/events';
import type { Asset } from '@darkroom/db/schema';
import type { EventListenerHandlers } from '@darkroom/db/listen';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../../../test/support/services.js';
import { createEventHub, type EventHub } from './event-hub.js';

/**
 * The hub against the real outbox, with the LISTEN connection played by the test: it decides when
 * notices arrive, and when they are lost, and checks that Postgres alone decides what is delivered.
 */
let handle: DatabaseHandle;
let tenantId: string;
let asset: Asset;
let handlers: EventListenerHandlers;

beforeAll(async () => {
  handle = createDatabase({ url: process.env.DATABASE_URL! });
  tenantId = (await createTenant(handle.db, { name: 'event-hub' })).id;
  asset = await insertAsset(handle.db, {
    id: newId(),
    tenantId,
    status: 'ready',
    filename: 'a.jpg',
    contentType: 'image/jpeg',
    size: 10,
    preset: 'default',
    originalKey: `originals/${tenantId}/a`,
    uploadExpiresAt: new Date(Date.now() + 60_000),
  });
});
afterAll(() => handle?.close());

function newHub(limits = { maxPerTenant: 20, maxTotal: 100 }): EventHub {
  const listen = async (given: EventListenerHandlers) => {
    handlers = given;
    return { close: async () => {} };
  };
  return createEventHub({ db: handle.db, listen, log: { warn: () => {} }, limits });
}

/** Writes an event of the test's asset (its NOTIFY reaches no hub here); returns its id. */
const writeEvent = async () => (await handle.db.transaction((tx) => recordAssetEvent(tx, { type: 'asset.updated', asset }))).id;

const notify = (id: string) => handlers.onNotice({ id, tenantId, assetId: asset.id });

/** Subscribes and starts delivery; returns the ids delivered so far, in order. */
async function follow(hub: EventHub, params: { assetId?: string; after?: string } = {}): Promise<string[]> {
  const ids: string[] = [];
  const subscription = await hub.subscribe({ tenantId, ...params });
  subscription.start({
    deliver: async (events) => void ids.push(...events.map((e) => e.id)),
    progress: () => {},
    importProgress: () => {},
    end: () => {},
  });
  return ids;
}

/** A transaction of another session holding an xid: events committed after it began stay unsettled until it ends. */
async function openTransaction() {
  const slow = postgres(process.env.DATABASE_URL!, { max: 1, onnotice: () => {} });
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  let opened!: () => void;
  const isOpen = new Promise<void>((resolve) => (opened = resolve));
  const done = slow.begin(async (tx) => {
    await tx`select txid_current()`;
    opened();
    await held;
  });
  await isOpen;
  return async () => {
    release();
    await done;
    await slow.end();
  };
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Nothing arrives while the other transaction is open; once it ends (`end`), exactly `id` does. */
async function expectHeldUntilSettled(ids: string[], end: () => Promise<void>, id: string) {
  await pause(300);
  expect(ids).toEqual([]);
  await end();
  await waitFor(`event ${id} to arrive`, async () => ids.includes(id), 30_000);
  expect(ids).toEqual([id]);
}

describe('event hub', () => {
  it('replays more than a page after `after`, then goes live, never repeating an event notified during the replay', async () => {
    const hub = newHub();
    const written: string[] = [];
    for (let i = 0; i < 130; i++) written.push(await writeEvent());
    const ids = await follow(hub, { after: written[0]! });
    written.forEach(notify);
    written.push(await writeEvent());
    notify(written.at(-1)!);
    await waitFor('the replay and the live event', async () => ids.at(-1) === written.at(-1), 30_000);
    expect(ids).toEqual(written.slice(1));
    await hub.close();
  });

  it('delivers a notified event hidden behind an open transaction once that transaction ends', async () => {
    const hub = newHub();
    const ids = await follow(hub, { assetId: asset.id });
    const end = await openTransaction();
    const id = await writeEvent();
    notify(id);
    await expectHeldUntilSettled(ids, end, id);
    await hub.close();
  });

  it('starts after the newest settled event, yet gets one committed before it subscribed that was still unsettled', async () => {
    const hub = newHub();
    const end = await openTransaction();
    const early = await writeEvent(); // its notice came before the stream existed
    const ids = await follow(hub, { assetId: asset.id });
    await expectHeldUntilSettled(ids, end, early);
    await hub.close();
  });

  it('catches every subscriber up when the listener reconnects, for the notices lost meanwhile', async () => {
    const hub = newHub();
    const ids = await follow(hub);
    const lost = [await writeEvent(), await writeEvent()];
    await pause(200);
    expect(ids).toEqual([]);
    handlers.onListen();
    await waitFor('the lost events', async () => ids.length === 2, 30_000);
    expect(ids).toEqual(lost);
    await hub.close();
  });

  it('delivers again the events of a delivery that failed (their URLs could not be made): none is skipped', async () => {
    const hub = newHub();
    const ids: string[] = [];
    let failures = 0;
    const subscription = await hub.subscribe({ tenantId, assetId: asset.id });
    subscription.start({
      deliver: async (events) => {
        // As the live route's does when Postgres fails it while it signs a private asset's URLs.
        if (failures++ === 0) throw new Error('the database went away');
        ids.push(...events.map((e) => e.id));
      },
      progress: () => {},
      importProgress: () => {},
      end: () => {},
    });
    const written = [await writeEvent(), await writeEvent()];
    written.forEach(notify);
    await waitFor('the failed delivery', async () => failures >= 1, 30_000);
    const later = await writeEvent();
    notify(later);
    await waitFor('the later event', async () => ids.includes(later), 30_000);
    expect(ids).toEqual([...written, later]);
    await hub.close();
  });

  it('holds streams to the limits, gives a slot back on close, and ends every stream on shutdown', async () => {
    const hub = newHub({ maxPerTenant: 1, maxTotal: 2 });
    const first = await hub.subscribe({ tenantId });
    await expect(hub.subscribe({ tenantId })).rejects.toMatchObject({ code: 'rate_limited' });
    const other = (await createTenant(handle.db, { name: 'event-hub-other' })).id;
    await hub.subscribe({ tenantId: other });
    const third = (await createTenant(handle.db, { name: 'event-hub-third' })).id;
    await expect(hub.subscribe({ tenantId: third })).rejects.toMatchObject({ code: 'service_unavailable' });
    first.close();
    const again = await hub.subscribe({ tenantId });
    let ended = false;
    again.start({ deliver: async () => {}, progress: () => {}, importProgress: () => {}, end: () => (ended = true) });
    await hub.close();
    expect(ended).toBe(true);
    await expect(hub.subscribe({ tenantId })).rejects.toMatchObject({ code: 'service_unavailable' });
  });
});
