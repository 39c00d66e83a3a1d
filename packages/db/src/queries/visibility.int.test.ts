import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { untilEventsSettled } from '../../../../test/support/settled-events.js';
import type { AssetEventData } from '@darkroom/core/contract/event';
import { createDatabase, type DatabaseHandle } from '../client.js';
import { newId } from '../ids.js';
import { getAsset, insertAsset, isAssetInHand, markAssetDeleting } from './assets.js';
import { listEvents } from './events.js';
import { getJob, insertJob, startJobAttempt } from './jobs.js';
import { createTenant } from './tenants.js';
import {
  claimVisibilityMove,
  finishAssetVisibilityMove,
  releaseVisibilityMove,
  renewVisibilityMove,
  setAssetVisibility,
  startJobAttemptOutsideMoves,
  type ClaimedMove,
  type MoveClaimParams,
} from './visibility.js';

let handle: DatabaseHandle;
let tenantId: string;

beforeAll(async () => {
  handle = createDatabase({ url: process.env.DATABASE_URL! });
  tenantId = (await createTenant(handle.db, { name: 'visibility-moves' })).id;
});
afterAll(() => handle?.close());

const readyAsset = (tenant = tenantId) =>
  insertAsset(handle.db, {
    id: newId(),
    tenantId: tenant,
    status: 'ready',
    filename: 'a.jpg',
    contentType: 'image/jpeg',
    size: 10,
    preset: 'default',
    originalKey: `originals/${tenant}/x`,
    uploadExpiresAt: new Date(Date.now() + 60_000),
    readyAt: new Date(),
  });

const claimOf = (params: Partial<MoveClaimParams>) => claimVisibilityMove(handle.db, { claimMs: 60_000, waitMs: 60_000, ...params });

async function claimed(params: Partial<MoveClaimParams>): Promise<ClaimedMove> {
  const outcome = await claimOf(params);
  if (outcome.outcome !== 'claimed') throw new Error(`expected a claim, got ${outcome.outcome}`);
  return outcome.move;
}

/** Claims the tenant's owed moves one by one, as a pass does: the order they are taken in. */
async function claimOrder(tenant: string): Promise<string[]> {
  const order: string[] = [];
  for (;;) {
    const outcome = await claimOf({ tenantId: tenant });
    if (outcome.outcome === 'none') return order;
    order.push(outcome.outcome === 'claimed' ? outcome.move.asset.id : `waiting:${outcome.assetId}`);
  }
}

/** An asset's events, their data as an asset event's. */
const eventsOf = async (assetId: string) => {
  await untilEventsSettled(handle.db);
  return (await listEvents(handle.db, { tenantId, assetId, limit: 100 })).items.map((e) => ({ ...e, data: e.data as AssetEventData }));
};

const owingMove = async (tenant = tenantId) => {
  const asset = await readyAsset(tenant);
  await setAssetVisibility(handle.db, { id: asset.id, visibility: 'private' });
  return asset;
};

const newTenant = async () => (await createTenant(handle.db, { name: 'visibility-moves' })).id;

describe('visibility changes', () => {
  it('set a ready asset’s visibility and leave its objects where they are; an asset not ready is left alone', async () => {
    const asset = await readyAsset();
    expect([asset.visibility, asset.objectsVisibility]).toEqual(['public', 'public']);
    const changed = await setAssetVisibility(handle.db, { id: asset.id, visibility: 'private' });
    expect([changed?.visibility, changed?.objectsVisibility]).toEqual(['private', 'public']);
    const waiting = await insertAsset(handle.db, { ...asset, id: newId(), status: 'queued', readyAt: null, visibility: 'public' });
    expect(await setAssetVisibility(handle.db, { id: waiting.id, visibility: 'private' })).toBeUndefined();
    expect((await getAsset(handle.db, { id: waiting.id }))?.visibility).toBe('public');
  });

  it('take the objects to be where an owed move was taking them when the visibility changes back before it is done', async () => {
    const asset = await readyAsset();
    await setAssetVisibility(handle.db, { id: asset.id, visibility: 'private' });
    const back = await setAssetVisibility(handle.db, { id: asset.id, visibility: 'public' });
    expect([back?.visibility, back?.objectsVisibility]).toEqual(['public', 'private']);
    expect((await claimed({ assetId: asset.id })).asset.visibility).toBe('public');
    // A change with no move owed leaves the objects' place alone.
    const settled = await readyAsset();
    const same = await setAssetVisibility(handle.db, { id: settled.id, visibility: 'public' });
    expect([same?.visibility, same?.objectsVisibility]).toEqual(['public', 'public']);
  });
});

describe('claiming a move', () => {
  it('takes only changes made before changedBefore, when given', async () => {
    const asset = await owingMove(await newTenant());
    expect((await claimOf({ assetId: asset.id, changedBefore: new Date(Date.now() - 60_000) })).outcome).toBe('none');
    expect((await claimOf({ assetId: asset.id, changedBefore: new Date(Date.now() + 60_000) })).outcome).toBe('claimed');
  });

  it('takes the oldest change first, none being deleted, and none twice while its claim holds', async () => {
    const tenant = await newTenant();
    const [first, second, settled, deleted] = [
      await readyAsset(tenant),
      await readyAsset(tenant),
      await readyAsset(tenant),
      await readyAsset(tenant),
    ];
    await setAssetVisibility(handle.db, { id: second.id, visibility: 'private' });
    await setAssetVisibility(handle.db, { id: first.id, visibility: 'private' });
    await setAssetVisibility(handle.db, { id: deleted.id, visibility: 'private' });
    await markAssetDeleting(handle.db, { id: deleted.id });
    expect(await claimOrder(tenant)).toEqual([second.id, first.id]);
    expect(settled.id).not.toBe(first.id);
  });

  it('never gives one asset to two claims at once, and frees it when the claim lapses', async () => {
    const asset = await owingMove(await newTenant());
    const outcomes = await Promise.all(Array.from({ length: 10 }, () => claimOf({ assetId: asset.id, claimMs: 400 })));
    expect(outcomes.filter((o) => o.outcome === 'claimed')).toHaveLength(1);
    expect((await claimOf({ assetId: asset.id })).outcome).toBe('none');
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect((await claimOf({ assetId: asset.id })).outcome).toBe('claimed');
  });

  it('waits while the asset’s job is active, and is then tried again behind the moves owed meanwhile', async () => {
    const tenant = await newTenant();
    const busy = await owingMove(tenant);
    const job = await insertJob(handle.db, { assetId: busy.id, tenantId: tenant, kind: 'backfill', maxAttempts: 3 });
    await startJobAttempt(handle.db, { id: job.id });
    expect(await claimOf({ assetId: busy.id, waitMs: 300 })).toEqual({ outcome: 'waiting', assetId: busy.id });
    // Not before its next try, then behind a change made after the wait began.
    const later = await owingMove(tenant);
    expect(await claimOrder(tenant)).toEqual([later.id]);
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(await claimOrder(tenant)).toEqual([`waiting:${busy.id}`]);
  });

  it('puts a failed move behind the others, its backoff doubling with each failure', async () => {
    const tenant = await newTenant();
    const failing = await owingMove(tenant);
    const other = await owingMove(tenant);
    await releaseVisibilityMove(handle.db, { move: await claimed({ assetId: failing.id }), retry: { baseMs: 200, maxMs: 10_000 } });
    expect(await claimOrder(tenant)).toEqual([other.id]);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const again = await claimed({ tenantId: tenant });
    expect(again.asset.id).toBe(failing.id);
    await releaseVisibilityMove(handle.db, { move: again, retry: { baseMs: 200, maxMs: 10_000 } });
    const row = await getAsset(handle.db, { id: failing.id });
    expect(row?.moveFailures).toBe(2);
    // 200 ms × 2: not due 300 ms later.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await claimOf({ assetId: failing.id })).outcome).toBe('none');
  });
});

describe('a claimed move', () => {
  it('is renewed while it is still wanted, and not once the visibility changed back or the asset is being deleted', async () => {
    const asset = await owingMove();
    const move = await claimed({ assetId: asset.id });
    expect(await renewVisibilityMove(handle.db, { move, claimMs: 60_000 })).toBe(true);
    await setAssetVisibility(handle.db, { id: asset.id, visibility: 'public' });
    expect(await renewVisibilityMove(handle.db, { move, claimMs: 60_000 })).toBe(false);

    const deleted = await owingMove();
    const doomed = await claimed({ assetId: deleted.id });
    await markAssetDeleting(handle.db, { id: deleted.id });
    expect(await renewVisibilityMove(handle.db, { move: doomed, claimMs: 60_000 })).toBe(false);
    expect(await isAssetInHand(handle.db, { assetId: deleted.id })).toBe(true);
    await releaseVisibilityMove(handle.db, { move: doomed });
    expect(await isAssetInHand(handle.db, { assetId: deleted.id })).toBe(false);
  });

  it('is finished with its asset.updated event and purge list, once, and only while the visibility still holds', async () => {
    const asset = await owingMove();
    const purge = { urls: ['https://cdn.example/variants/x.webp'], prefixes: ['https://img.example/img/x/'] };
    // The asset changed back meanwhile: nothing is recorded, and the claim ends.
    const stale = await claimed({ assetId: asset.id });
    await setAssetVisibility(handle.db, { id: asset.id, visibility: 'public' });
    expect(await finishAssetVisibilityMove(handle.db, { move: stale, purge })).toBe(false);
    expect(await eventsOf(asset.id)).toEqual([]);
    expect((await getAsset(handle.db, { id: asset.id }))?.moveClaim).toBeNull();

    await setAssetVisibility(handle.db, { id: asset.id, visibility: 'private' });
    const move = await claimed({ assetId: asset.id });
    expect(await finishAssetVisibilityMove(handle.db, { move, purge })).toBe(true);
    const moved = await getAsset(handle.db, { id: asset.id });
    expect([moved?.visibility, moved?.objectsVisibility, moved?.moveClaim]).toEqual(['private', 'private', null]);
    expect((await claimOf({ assetId: asset.id })).outcome).toBe('none');
    const [event] = await eventsOf(asset.id);
    expect(event?.type).toBe('asset.updated');
    expect(event?.data.purge).toEqual(purge);
    expect(event?.data.asset.visibility).toBe('private');
    // A repeated call is no second event.
    expect(await finishAssetVisibilityMove(handle.db, { move, purge })).toBe(false);
    expect(await eventsOf(asset.id)).toHaveLength(1);

    // Back to public: no purge given, none stored.
    await setAssetVisibility(handle.db, { id: asset.id, visibility: 'public' });
    expect(await finishAssetVisibilityMove(handle.db, { move: await claimed({ assetId: asset.id }) })).toBe(true);
    const events = await eventsOf(asset.id);
    expect(events).toHaveLength(2);
    expect(events[1]?.data).not.toHaveProperty('purge');
    expect(events[1]?.data.asset.visibility).toBe('public');
  });
});

describe('a move and its asset’s jobs', () => {
  it('never both go ahead: a job does not start while a move holds its asset, nor a move while a job is active', async () => {
    const asset = await owingMove();
    const move = await claimed({ assetId: asset.id });
    const job = await insertJob(handle.db, { assetId: asset.id, tenantId, kind: 'reprocess', maxAttempts: 3 });
    const held = await startJobAttemptOutsideMoves(handle.db, { jobId: job.id, assetId: asset.id });
    expect(held.kind).toBe('moving');
    expect((await getJob(handle.db, { id: job.id }))?.state).toBe('queued');
    await finishAssetVisibilityMove(handle.db, { move });
    expect((await startJobAttemptOutsideMoves(handle.db, { jobId: job.id, assetId: asset.id })).kind).toBe('started');
    await setAssetVisibility(handle.db, { id: asset.id, visibility: 'public' });
    expect((await claimOf({ assetId: asset.id })).outcome).toBe('waiting');
  });

  it('race a start against a claim, and only one of the two wins, every time', async () => {
    for (let round = 0; round < 40; round++) {
      const asset = await owingMove();
      const job = await insertJob(handle.db, { assetId: asset.id, tenantId, kind: 'reprocess', maxAttempts: 3 });
      const [claim, start] = await Promise.all([
        claimOf({ assetId: asset.id }),
        startJobAttemptOutsideMoves(handle.db, { jobId: job.id, assetId: asset.id }),
      ]);
      expect([claim.outcome === 'claimed', start.kind === 'started'], `round ${round}`).not.toEqual([true, true]);
    }
  });
});
