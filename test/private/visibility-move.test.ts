import { readFile } from 'node:fs/promises';
import { deliveryRenderKey, originalKey, variantPrefix } from '@darkroom/core/keys';
import type { AssetEventData, PurgeList } from '@darkroom/core/contract/event';
import { getAsset, insertAsset } from '@darkroom/db/queries/assets';
import { listEvents } from '@darkroom/db/queries/events';
import { newId } from '@darkroom/db/ids';
import { assetObjectLocation, encodeObjectKey } from '@darkroom/storage';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { moveAssetObjects, moveOwedAssets } from '../../apps/worker/src/visibility-move.js';
import { getImage, imagePath, startDelivery, type DeliveryServer } from '../support/delivery.js';
import { createTestTenant } from '../support/fixtures.js';
import { holdFirstCall } from '../support/hold.js';
import { fixture } from '../support/images.js';
import { objectState } from '../support/objects.js';
import { untilEventsSettled } from '../support/settled-events.js';
import { setupHarness, setupTenant } from '../support/setup-harness.js';

/**
 * Where a private asset's objects live, and their move when its visibility changes: through the real
 * API, worker, Postgres and S3 server, checked by listing both places and by anonymous GETs.
 */
const harness = setupHarness();
const t = setupTenant(harness, 'visibility-move');
let jpeg: Uint8Array;

beforeAll(async () => {
  jpeg = new Uint8Array(await readFile(fixture('320x240.jpg')));
});

const buckets = () => harness.api.config.storage;

/** The keys (as Postgres names them) of every object of the asset's variants in one place. */
async function keysIn(visibility: 'public' | 'private', assetId: string): Promise<string[]> {
  const prefix = variantPrefix(t.tenantId, assetId);
  const place = assetObjectLocation(buckets(), visibility, prefix);
  const keys: string[] = [];
  for await (const object of harness.api.storage.listObjects({ bucket: place.bucket, prefix: place.key })) {
    keys.push(`${prefix}${object.key.slice(place.key.length)}`);
  }
  return keys.sort();
}

/** An anonymous GET of an object, as anybody on the internet would make it: its status. */
async function anonymousStatus(location: { bucket: string; key: string }): Promise<number> {
  const res = await fetch(`${buckets().endpoint}/${location.bucket}/${encodeObjectKey(location.key)}`);
  await res.arrayBuffer();
  return res.status;
}

async function readyAsset(visibility: 'public' | 'private') {
  const { asset } = await t.client.uploadAndComplete(jpeg, { filename: 'p.jpg', contentType: 'image/jpeg', visibility });
  const ready = await t.client.waitForAsset(asset.id);
  expect(ready.status).toBe('ready');
  return ready;
}

const row = async (id: string) => (await getAsset(harness.api.db, { id }))!;
const purgeOf = async (assetId: string): Promise<PurgeList | undefined> => {
  await untilEventsSettled(harness.api.db);
  const { items } = await listEvents(harness.api.db, { tenantId: t.tenantId, assetId, limit: 100 });
  return (items.filter((e) => e.type === 'asset.updated').at(-1)?.data as AssetEventData | undefined)?.purge;
};

describe('a private asset’s objects', () => {
  it('are rendered straight into the private place, which no anonymous GET reads', async () => {
    const asset = await readyAsset('private');
    const keys = await keysIn('private', asset.id);
    expect(keys.length).toBeGreaterThan(0);
    expect(await keysIn('public', asset.id)).toEqual([]);
    for (const key of keys) expect(await anonymousStatus(assetObjectLocation(buckets(), 'private', key)), key).toBe(403);
  });

  it('move to the private place when the asset turns private, with what a CDN may hold named, and back', async () => {
    const asset = await readyAsset('public');
    const keys = await keysIn('public', asset.id);
    expect(keys.length).toBeGreaterThan(0);
    // Readable by anybody while public: the check below can fail.
    for (const key of keys) expect(await anonymousStatus(assetObjectLocation(buckets(), 'public', key)), key).toBe(200);

    const patched = await t.client.raw('PATCH', `/v1/assets/${asset.id}`, { visibility: 'private' });
    expect(patched.status).toBe(200);
    expect(await moveAssetObjects(harness.workerDeps, await row(asset.id))).toBe('moved');
    expect(await keysIn('public', asset.id)).toEqual([]);
    expect(await keysIn('private', asset.id)).toEqual(keys);
    for (const key of keys) {
      expect(await anonymousStatus(assetObjectLocation(buckets(), 'public', key)), key).not.toBe(200);
      expect(await anonymousStatus(assetObjectLocation(buckets(), 'private', key)), key).toBe(403);
    }
    expect((await row(asset.id)).objectsVisibility).toBe('private');
    const purge = await purgeOf(asset.id);
    expect(purge?.urls.sort()).toEqual(keys.map((key) => harness.workerDeps.publicUrl(key)).sort());
    expect(purge?.prefixes).toEqual([
      harness.workerDeps.publicUrl(variantPrefix(t.tenantId, asset.id)),
      `${harness.api.config.deliveryBaseUrl}/img/${asset.id}/`,
    ]);
    // Done once: a second run finds nothing to record.
    expect(await moveAssetObjects(harness.workerDeps, await row(asset.id))).toBe('superseded');

    await t.client.raw('PATCH', `/v1/assets/${asset.id}`, { visibility: 'public' });
    expect(await moveAssetObjects(harness.workerDeps, await row(asset.id))).toBe('moved');
    expect(await keysIn('private', asset.id)).toEqual([]);
    expect(await keysIn('public', asset.id)).toEqual(keys);
    for (const key of keys) expect(await anonymousStatus(assetObjectLocation(buckets(), 'public', key)), key).toBe(200);
  });

  it('end up all in one place when a move was cut off and the visibility changed back', async () => {
    const asset = await readyAsset('public');
    const keys = await keysIn('public', asset.id);
    await t.client.raw('PATCH', `/v1/assets/${asset.id}`, { visibility: 'private' });
    // Half a move: the first object copied to the private place and gone from the public one.
    const [first] = keys as [string];
    const from = assetObjectLocation(buckets(), 'public', first);
    const to = assetObjectLocation(buckets(), 'private', first);
    await harness.api.storage.copyObject({ ...to, sourceBucket: from.bucket, sourceKey: from.key, size: 1 });
    await harness.api.storage.deleteObject(from);
    await t.client.raw('PATCH', `/v1/assets/${asset.id}`, { visibility: 'public' });
    expect(await moveAssetObjects(harness.workerDeps, await row(asset.id))).toBe('moved');
    expect(await keysIn('public', asset.id)).toEqual(keys);
    expect(await keysIn('private', asset.id)).toEqual([]);
  });

  it('are moved by the worker’s pass once the change is older than the grace', async () => {
    const asset = await readyAsset('public');
    await t.client.raw('PATCH', `/v1/assets/${asset.id}`, { visibility: 'private' });
    // This tenant's only: other files' harnesses may keep their assets in other buckets.
    await moveOwedAssets(harness.workerDeps, { graceMs: 60_000, tenantId: t.tenantId });
    expect((await row(asset.id)).objectsVisibility).toBe('public');
    await moveOwedAssets(harness.workerDeps, { graceMs: 0, tenantId: t.tenantId });
    expect((await row(asset.id)).objectsVisibility).toBe('private');
    expect(await keysIn('public', asset.id)).toEqual([]);
  });
});

/** Holds every read of a key under `prefix` from the bucket until `release` is called. */
function holdReadsUnder(server: DeliveryServer, prefix: string): { release: () => void; reached: Promise<void> } {
  let release = () => {};
  let reach = () => {};
  const gate = new Promise<void>((resolve) => (release = resolve));
  const reached = new Promise<void>((resolve) => (reach = resolve));
  const getStream = server.deps.storage.getStream.bind(server.deps.storage);
  server.deps.storage.getStream = async (location) => {
    if (location.key.startsWith(prefix)) {
      reach();
      await gate;
    }
    return getStream(location);
  };
  return { release, reached };
}

describe('a public render under way when its asset turns private', () => {
  let delivery: DeliveryServer;
  beforeAll(async () => {
    delivery = await startDelivery(harness);
  });
  afterAll(() => delivery?.close());

  it('is answered to the request made while it was public, and never stored in the public bucket', async () => {
    const photo = await readyAsset('public');
    const held = holdReadsUnder(delivery, originalKey(t.tenantId, photo.id));
    const url = `${delivery.baseUrl}${imagePath(photo.id, 1, 'w_640,f_webp')}`;
    const answer = getImage(url);
    await held.reached;
    expect((await t.client.request('PATCH', `/v1/assets/${photo.id}`, { visibility: 'private' })).status).toBe(200);
    held.release();
    const { status, meta } = await answer;
    expect([status, meta?.width]).toEqual([200, 320]);
    await Promise.all(delivery.deps.background);
    const key = deliveryRenderKey(t.tenantId, photo.id, 1, `w_320,h_${meta!.height},q_75`, 'webp');
    expect(await objectState(harness.api.storage, { bucket: buckets().publicBucket, key })).toBe('absent');
    // Nor held in the process's memory: its public route answers the asset as an unknown id.
    expect((await getImage(url)).status).toBe(404);
  });
});

describe('moves of one asset', () => {
  it('never run two at once: a change back while one copies waits for it, then gathers everything', async () => {
    const asset = await readyAsset('public');
    const keys = await keysIn('public', asset.id);
    await t.client.raw('PATCH', `/v1/assets/${asset.id}`, { visibility: 'private' });
    const held = holdFirstCall(harness.workerDeps.storage, 'copyObject');
    try {
      const toPrivate = moveAssetObjects(harness.workerDeps, await row(asset.id));
      await held.reached;
      await t.client.raw('PATCH', `/v1/assets/${asset.id}`, { visibility: 'public' });
      // Another worker's pass for the change back: the asset is held by the first move.
      const toPublic = moveAssetObjects(harness.workerDeps, await row(asset.id));
      await Promise.race([toPublic, new Promise((resolve) => setTimeout(resolve, 2000))]);
      held.release();
      expect(await toPrivate).toBe('superseded');
      expect(await toPublic).toBe('superseded');
    } finally {
      held.release();
      held.restore();
    }
    expect(await moveAssetObjects(harness.workerDeps, await row(asset.id))).toBe('moved');
    expect(await keysIn('public', asset.id)).toEqual(keys);
    expect(await keysIn('private', asset.id)).toEqual([]);
    expect((await row(asset.id)).objectsVisibility).toBe('public');
  });
});

describe('a pass over owed moves', () => {
  it('puts moves that fail behind the others: a full batch of them does not hold back a later change', async () => {
    const tenant = await createTestTenant(harness, 'visibility-move-stuck');
    const owed = () =>
      insertAsset(harness.api.db, {
        id: newId(),
        tenantId: tenant.tenantId,
        status: 'ready',
        filename: 'a.jpg',
        contentType: 'image/jpeg',
        size: 10,
        preset: 'default',
        originalKey: originalKey(tenant.tenantId, newId()),
        uploadExpiresAt: new Date(Date.now() + 60_000),
        readyAt: new Date(),
        visibility: 'private',
        objectsVisibility: 'public',
      });
    const stuck = new Set<string>();
    for (let i = 0; i < 21; i++) stuck.add((await owed()).id);
    await new Promise((resolve) => setTimeout(resolve, 20));
    const later = await owed();
    // Listing a stuck asset's objects fails (a bucket refusing it), every time.
    const storage = harness.workerDeps.storage;
    const listObjects = storage.listObjects.bind(storage);
    storage.listObjects = (options) => {
      if ([...stuck].some((id) => options.prefix.includes(id))) throw new Error('the bucket refuses this listing');
      return listObjects(options);
    };
    try {
      for (let pass = 0; pass < 3; pass++) await moveOwedAssets(harness.workerDeps, { graceMs: 0, tenantId: tenant.tenantId });
    } finally {
      storage.listObjects = listObjects;
    }
    expect((await row(later.id)).objectsVisibility).toBe('private');
    const failures = await Promise.all([...stuck].map(async (id) => (await row(id)).moveFailures));
    expect(failures.every((n) => n >= 1)).toBe(true);
  });
});
