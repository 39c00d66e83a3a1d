import { randomUUID } from 'node:crypto';
import { DELIVERY_PREFIX, deliveryAssetPrefix, deliveryRenderKey, originalKey } from '@darkroom/core/keys';
import type { Visibility } from '@darkroom/core/private-links';
import { assets, type AssetStatus } from '@darkroom/db/schema';
import { getAsset, insertAsset } from '@darkroom/db/queries/assets';
import { newId } from '@darkroom/db/ids';
import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { assetObjectLocation } from '@darkroom/storage';
import { newDeliverySweepCursor, sweepDeliveryRenders } from '../../apps/worker/src/sweeps/delivery-sweep.js';
import { findOrphanObjects } from '../../apps/worker/src/sweeps/orphans.js';
import { finishDeletion } from '../../apps/worker/src/deletion.js';
import type { TestApi } from '../support/client.js';
import { createTestTenant } from '../support/fixtures.js';
import { setupHarness } from '../support/setup-harness.js';

/** Delivery's renders go with their asset, and older revisions' renders go to the reconciler's sweep. */
const harness = setupHarness({ withWorker: false });
let client: TestApi;
let tenantId: string;

beforeAll(async () => {
  ({ client, tenantId } = await createTestTenant(harness, 'delivery-cleanup'));
});

const bucket = () => harness.api.config.storage.publicBucket;
/** Where a render is kept: a public asset's in the public bucket, a private one's in the private place. */
const placeOf = (key: string, visibility: Visibility = 'public') => assetObjectLocation(harness.api.config.storage, visibility, key);

/** A ready asset's row, written straight to Postgres (renders need no original to be swept). */
async function readyAsset(revision = 1, status: AssetStatus = 'ready', tenant = tenantId, visibility: Visibility = 'public'): Promise<string> {
  const id = newId();
  await insertAsset(harness.api.db, {
    id,
    tenantId: tenant,
    status,
    filename: 'r.jpg',
    contentType: 'image/jpeg',
    size: 1,
    preset: 'default',
    originalKey: originalKey(tenant, id),
    width: 100,
    height: 100,
    format: 'jpeg',
    uploadExpiresAt: new Date(),
    readyAt: new Date(),
    visibility,
    objectsVisibility: visibility,
  });
  if (revision !== 1) await harness.api.db.update(assets).set({ revision }).where(eq(assets.id, id));
  return id;
}

/** Two renders of each revision, as delivery writes them. */
async function putRenders(assetId: string, revisions: number[], tenant = tenantId, visibility: Visibility = 'public'): Promise<string[]> {
  const keys = revisions.flatMap((r) => ['w=320,q=75', 'w=640,q=75'].map((o) => deliveryRenderKey(tenant, assetId, r, o, 'webp')));
  for (const key of keys)
    await harness.api.storage.putObject({ ...placeOf(key, visibility), body: Buffer.from('render'), contentType: 'image/webp' });
  return keys;
}

/** The keys under `prefix` in one place, as Postgres names them. */
async function keysUnder(prefix: string, visibility: Visibility = 'public'): Promise<string[]> {
  const place = placeOf(prefix, visibility);
  const keys: string[] = [];
  for await (const o of harness.api.storage.listObjects({ bucket: place.bucket, prefix: place.key }))
    keys.push(`${prefix}${o.key.slice(place.key.length)}`);
  return keys.sort();
}

/** Sweep passes over this tenant's renders until the walk in `place` has reached its end. */
async function sweepToEnd(place: Visibility, pageSize: number): Promise<{ deleted: number; passes: number }> {
  const cursor = newDeliverySweepCursor();
  let deleted = 0;
  let passes = 0;
  do {
    deleted += await sweepDeliveryRenders(harness.workerDeps, cursor, { tenantId, pageSize });
    passes++;
  } while (cursor[place] !== null && passes < 20);
  return { deleted, passes };
}

describe('delivery renders', () => {
  it('the sweep deletes older revisions and every render of an asset gone or ended, a page a pass, and keeps the rest', async () => {
    const current = await readyAsset(3);
    const [, , , , ...r3] = await putRenders(current, [1, 2, 3]);
    const tenth = await readyAsset(10);
    const [, , ...r10] = await putRenders(tenth, [1, 10]); // r1/ is not a prefix of r10/
    const untouched = await readyAsset(1);
    const kept = await putRenders(untouched, [1]);
    const failed = await readyAsset(2, 'failed');
    await putRenders(failed, [1, 2]);
    const canceled = await readyAsset(1, 'canceled');
    await putRenders(canceled, [1]);
    const gone = randomUUID();
    await putRenders(gone, [1]);

    // Pages of three keys: each pass lists one page and carries on from its last key.
    const { deleted, passes } = await sweepToEnd('public', 3);
    expect(passes).toBeGreaterThan(1);
    expect(deleted).toBe(4 + 2 + 4 + 2 + 2);
    expect(await keysUnder(`${DELIVERY_PREFIX}${tenantId}/`)).toEqual([...r3, ...r10, ...kept].sort());

    // Nothing stale left: a second walk deletes nothing.
    expect(await sweepDeliveryRenders(harness.workerDeps, newDeliverySweepCursor(), { tenantId })).toBe(0);
  });

  it('the sweep walks a private asset’s renders too, in the private place, with a cursor of its own', async () => {
    const current = await readyAsset(2, 'ready', tenantId, 'private');
    const [, , ...r2] = await putRenders(current, [1, 2], tenantId, 'private');
    const failed = await readyAsset(1, 'failed', tenantId, 'private');
    await putRenders(failed, [1], tenantId, 'private');
    const gone = randomUUID();
    await putRenders(gone, [1], tenantId, 'private');
    const { deleted, passes } = await sweepToEnd('private', 2);
    expect(passes).toBeGreaterThan(1);
    expect(deleted).toBe(2 + 2 + 2);
    expect(await keysUnder(`${DELIVERY_PREFIX}${tenantId}/`, 'private')).toEqual(r2.sort());
  });

  it('leaves the renders of a tenant this database does not know (another deployment sharing the bucket)', async () => {
    const stranger = randomUUID();
    const keys = await putRenders(randomUUID(), [1], stranger);
    expect(await sweepDeliveryRenders(harness.workerDeps, newDeliverySweepCursor(), { tenantId: stranger })).toBe(0);
    expect(await keysUnder(`${DELIVERY_PREFIX}${stranger}/`)).toEqual(keys.sort());
    await harness.api.storage.deletePrefix({ bucket: bucket(), prefix: `${DELIVERY_PREFIX}${stranger}/` });
  });

  it('DELETE and the purge sweep remove every revision of the asset’s renders', async () => {
    const viaApi = await readyAsset(2);
    await putRenders(viaApi, [1, 2]);
    expect((await client.request('DELETE', `/v1/assets/${viaApi}`)).status).toBe(204);
    expect(await keysUnder(deliveryAssetPrefix(tenantId, viaApi))).toEqual([]);

    const viaSweep = await readyAsset(1, 'deleting');
    await putRenders(viaSweep, [1]);
    expect(await finishDeletion(harness.workerDeps, (await getAsset(harness.api.db, { id: viaSweep }))!)).toBe(true);
    expect(await keysUnder(deliveryAssetPrefix(tenantId, viaSweep))).toEqual([]);
  });

  it('npm run orphans reports renders of assets without a row, never a live asset’s', async () => {
    const live = await readyAsset(2);
    await putRenders(live, [1, 2]);
    const ghost = randomUUID();
    const ghostKeys = await putRenders(ghost, [1]);
    const found = [];
    for await (const o of findOrphanObjects(harness.workerDeps, { tenantId, minAgeMs: 0 })) found.push(o.key);
    expect(found.filter((k) => k.startsWith(DELIVERY_PREFIX)).sort()).toEqual(ghostKeys.sort());
  });
});
