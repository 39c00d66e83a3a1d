import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AssetEventData } from '@darkroom/core';
import { createDatabase, type DatabaseHandle } from '../client.js';
import { newId } from '../ids.js';
import { getAsset, insertAsset, markAssetDeleting } from './assets.js';
import { listEvents } from './events.js';
import { createTenant } from './tenants.js';
import { finishAssetVisibilityMove, listAssetVisibilityMoves, setAssetVisibility } from './visibility.js';

let handle: DatabaseHandle;
let tenantId: string;

beforeAll(async () => {
  handle = createDatabase({ url: process.env.DATABASE_URL! });
  tenantId = (await createTenant(handle.db, { name: 'visibility-moves' })).id;
});
afterAll(() => handle?.close());

const readyAsset = () =>
  insertAsset(handle.db, {
    id: newId(),
    tenantId,
    status: 'ready',
    filename: 'a.jpg',
    contentType: 'image/jpeg',
    size: 10,
    preset: 'default',
    originalKey: `originals/${tenantId}/x`,
    uploadExpiresAt: new Date(Date.now() + 60_000),
    readyAt: new Date(),
  });

/** Other files' assets may be owed moves too: the whole list, filtered to this file's ids. */
async function movesOf(ids: string[]): Promise<string[]> {
  const moves = await listAssetVisibilityMoves(handle.db, { limit: 100_000 });
  return moves.map((a) => a.id).filter((id) => ids.includes(id));
}

/** An asset's events, their data as an asset event's. */
const eventsOf = async (assetId: string) =>
  (await listEvents(handle.db, { tenantId, assetId, limit: 100 })).items.map((e) => ({ ...e, data: e.data as AssetEventData }));

describe('visibility moves', () => {
  it('sets a ready asset’s visibility and leaves its objects where they are; an asset not ready is left alone', async () => {
    const asset = await readyAsset();
    expect([asset.visibility, asset.objectsVisibility]).toEqual(['public', 'public']);
    const changed = await setAssetVisibility(handle.db, { id: asset.id, visibility: 'private' });
    expect([changed?.visibility, changed?.objectsVisibility]).toEqual(['private', 'public']);
    const waiting = await insertAsset(handle.db, { ...asset, id: newId(), status: 'queued', readyAt: null, visibility: 'public' });
    expect(await setAssetVisibility(handle.db, { id: waiting.id, visibility: 'private' })).toBeUndefined();
    expect((await getAsset(handle.db, { id: waiting.id }))?.visibility).toBe('public');
  });

  it('takes the objects to be where an owed move was taking them when the visibility changes back before it is done', async () => {
    const asset = await readyAsset();
    await setAssetVisibility(handle.db, { id: asset.id, visibility: 'private' });
    const back = await setAssetVisibility(handle.db, { id: asset.id, visibility: 'public' });
    expect([back?.visibility, back?.objectsVisibility]).toEqual(['public', 'private']);
    expect(await movesOf([asset.id])).toEqual([asset.id]);
    // A change with no move owed leaves the objects' place alone.
    const settled = await readyAsset();
    const same = await setAssetVisibility(handle.db, { id: settled.id, visibility: 'public' });
    expect([same?.visibility, same?.objectsVisibility]).toEqual(['public', 'public']);
  });

  it('lists only the changes made before changedBefore, when given', async () => {
    const asset = await readyAsset();
    await setAssetVisibility(handle.db, { id: asset.id, visibility: 'private' });
    const ids = async (changedBefore: Date) =>
      (await listAssetVisibilityMoves(handle.db, { limit: 100_000, changedBefore })).map((a) => a.id).filter((id) => id === asset.id);
    expect(await ids(new Date(Date.now() - 60_000))).toEqual([]);
    expect(await ids(new Date(Date.now() + 60_000))).toEqual([asset.id]);
  });

  it('lists the assets owed a move, oldest change first, and none being deleted', async () => {
    const [first, second, settled, deleted] = [await readyAsset(), await readyAsset(), await readyAsset(), await readyAsset()];
    await setAssetVisibility(handle.db, { id: second.id, visibility: 'private' });
    await setAssetVisibility(handle.db, { id: first.id, visibility: 'private' });
    await setAssetVisibility(handle.db, { id: deleted.id, visibility: 'private' });
    await markAssetDeleting(handle.db, { id: deleted.id });
    expect(await movesOf([first.id, second.id, settled.id, deleted.id])).toEqual([second.id, first.id]);
    const limited = await listAssetVisibilityMoves(handle.db, { limit: 1 });
    expect(limited).toHaveLength(1);
    expect(limited[0]).toHaveProperty('originalKey');
  });

  it('finishes a move with its asset.updated event and purge list, once, and only while the visibility still holds', async () => {
    const asset = await readyAsset();
    await setAssetVisibility(handle.db, { id: asset.id, visibility: 'private' });
    const purge = { urls: ['https://cdn.example/variants/x.webp'], prefixes: ['https://img.example/img/x/'] };
    // Asked for the other visibility (the asset changed back meanwhile): nothing happens.
    expect(await finishAssetVisibilityMove(handle.db, { id: asset.id, visibility: 'public', purge })).toBe(false);
    expect(await eventsOf(asset.id)).toEqual([]);

    expect(await finishAssetVisibilityMove(handle.db, { id: asset.id, visibility: 'private', purge })).toBe(true);
    const moved = await getAsset(handle.db, { id: asset.id });
    expect([moved?.visibility, moved?.objectsVisibility]).toEqual(['private', 'private']);
    expect(await movesOf([asset.id])).toEqual([]);
    const [event] = await eventsOf(asset.id);
    expect(event?.type).toBe('asset.updated');
    expect(event?.data.purge).toEqual(purge);
    expect(event?.data.asset.visibility).toBe('private');
    // A repeated call is no second event.
    expect(await finishAssetVisibilityMove(handle.db, { id: asset.id, visibility: 'private', purge })).toBe(false);
    expect(await eventsOf(asset.id)).toHaveLength(1);

    // Back to public: no purge given, none stored.
    await setAssetVisibility(handle.db, { id: asset.id, visibility: 'public' });
    expect(await finishAssetVisibilityMove(handle.db, { id: asset.id, visibility: 'public' })).toBe(true);
    const events = await eventsOf(asset.id);
    expect(events).toHaveLength(2);
    expect(events[1]?.data).not.toHaveProperty('purge');
    expect(events[1]?.data.asset.visibility).toBe('public');
  });
});
