import { readFile } from 'node:fs/promises';
import { assetRecordKey, originalKey, quarantineKey, variantPrefix } from '@darkroom/core/keys';
import { getAsset } from '@darkroom/db/queries/assets';
import { addBlocklistEntries } from '@darkroom/db/queries/blocklist';
import { AssetSidecar } from '@darkroom/db/records/asset-record';
import { parseRecord } from '@darkroom/db/records/codec';
import { assets, jobs, tenants, type Asset } from '@darkroom/db/schema';
import { assetObjectLocation, ObjectNotFoundError } from '@darkroom/storage';
import { eq, inArray } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { recover } from '../../apps/worker/src/recover/recover.js';
import { quarantineRejectedAsset } from '../../apps/worker/src/sweeps/quarantine.js';
import { moveOwedAssets } from '../../apps/worker/src/visibility-move.js';
import type { TestApi } from '../support/client.js';
import { fixture } from '../support/images.js';
import { setupHarness, setupTenant } from '../support/setup-harness.js';

/**
 * `npm run recover` after moderation (docs/api.md#moderation): the bucket's record of an asset
 * carries its moderation, so a rebuild keeps a held asset held and a rejected one rejected (from
 * its original in quarantine), never ready. Against the real Postgres, Redis and S3 server, with
 * rows deleted as a restore would lose them.
 */
const harness = setupHarness();
/** Every upload waits for a decision (review: all). */
const review = setupTenant(harness, 'recover-review');
/** The deployment's policy: clean photos publish, a blocklisted one is rejected by the checks. */
const plain = setupTenant(harness, 'recover-plain');
let photo: Uint8Array;

beforeAll(async () => {
  photo = new Uint8Array(await readFile(fixture('320x240.jpg')));
  await harness.api.db
    .update(tenants)
    .set({ moderation: { review: 'all' } })
    .where(eq(tenants.id, review.tenantId));
});

async function settled(client: TestApi) {
  const { asset } = await client.uploadAndComplete(photo, { filename: 'm.jpg', contentType: 'image/jpeg' });
  return client.waitForAsset(asset.id);
}

const rowOf = async (id: string) => (await getAsset(harness.api.db, { id }))!;
const forget = (ids: string[]) => harness.api.db.delete(assets).where(inArray(assets.id, ids));
const run = (tenantId: string) => recover(harness.workerDeps, { dryRun: false, tenantId, minAgeMs: 0, concurrency: 8, queue: harness.api.queue });
const openJobs = async (ids: string[]) =>
  (await harness.api.db.select().from(jobs).where(inArray(jobs.assetId, ids))).filter((j) => j.state !== 'completed');

/**
 * What a rebuild must bring back as it was: the row's status, moderation and where its original
 * and objects are (a rejected asset has none left, so where they were is not asked).
 */
const moderated = (row: Asset) => ({
  status: row.status,
  moderation: row.moderation,
  originalKey: row.originalKey,
  quarantined: row.quarantinedAt !== null,
  errorCode: row.errorCode,
  errorMessage: row.errorMessage,
  visibility: row.visibility,
  objectsVisibility: row.status === 'rejected' ? null : row.objectsVisibility,
});

async function sidecarOf(tenantId: string, id: string): Promise<AssetSidecar | null> {
  const bytes = await harness.api.storage.getBytes({ bucket: harness.api.config.storage.bucket, key: assetRecordKey(tenantId, id) });
  return parseRecord(AssetSidecar, bytes.toString('utf8'));
}

async function exists(key: string): Promise<boolean> {
  try {
    await harness.api.storage.headObject({ bucket: harness.api.config.storage.bucket, key });
    return true;
  } catch (error) {
    if (error instanceof ObjectNotFoundError) return false;
    throw error;
  }
}

/** A rejected asset's variants deleted and original moved to quarantine, as the sweep does. */
async function quarantined(tenantId: string, id: string): Promise<Asset> {
  await quarantineRejectedAsset(harness.workerDeps, await rowOf(id));
  const row = await rowOf(id);
  expect(row.originalKey).toBe(quarantineKey(tenantId, id));
  expect(await exists(quarantineKey(tenantId, id))).toBe(true);
  expect(await exists(originalKey(tenantId, id))).toBe(false);
  // The record beside the original survives the move, and says rejected.
  expect((await sidecarOf(tenantId, id))?.asset.moderation?.state).toBe('rejected');
  return row;
}

async function objectsIn(tenantId: string, assetId: string, visibility: 'public' | 'private'): Promise<number> {
  const place = assetObjectLocation(harness.api.config.storage, visibility, variantPrefix(tenantId, assetId));
  let count = 0;
  for await (const _ of harness.api.storage.listObjects({ bucket: place.bucket, prefix: place.key })) count++;
  return count;
}

describe('npm run recover after moderation', () => {
  it('rebuilds a held asset held, a rejected one rejected from quarantine, an approved and a clean one ready', async () => {
    const held = await settled(review.client);
    expect(held.status).toBe('held');
    expect((await sidecarOf(review.tenantId, held.id))?.asset.moderation?.state).toBe('held');

    const takenDown = await settled(review.client);
    const decision = await review.client.request('POST', `/v1/assets/${takenDown.id}/moderation`, { decision: 'reject', reason: 'spam' });
    expect(decision.status, JSON.stringify(decision.body)).toBe(200);
    await quarantined(review.tenantId, takenDown.id);

    const approved = await settled(review.client);
    expect((await review.client.request('POST', `/v1/assets/${approved.id}/moderation`, { decision: 'approve' })).status).toBe(200);
    expect((await sidecarOf(review.tenantId, approved.id))?.asset.moderation?.state).toBe('approved');
    await moveOwedAssets(harness.workerDeps, { graceMs: 60_000, tenantId: review.tenantId });
    expect((await review.client.waitForStatus(approved.id, 'ready')).moderation.state).toBe('approved');

    const clean = await settled(plain.client);
    expect(clean).toMatchObject({ status: 'ready', moderation: { state: 'clear' } });
    // The same photo again, once its hash is on the tenant's blocklist: rejected by the checks, nothing rendered.
    const [hash] = (await rowOf(clean.id)).perceptualHashes!;
    await addBlocklistEntries(harness.api.db, { tenantId: plain.tenantId, entries: [{ hash: hash!, reason: 'test', assetId: null }] });
    const blocked = await settled(plain.client);
    expect(blocked).toMatchObject({ status: 'rejected', moderation: { state: 'rejected', decidedBy: 'policy' } });
    await quarantined(plain.tenantId, blocked.id);

    const ids = [held.id, takenDown.id, approved.id, clean.id, blocked.id];
    const before = await Promise.all(ids.map(async (id) => moderated(await rowOf(id))));
    const views = await Promise.all([held, approved].map(async (a) => (await review.client.request('GET', `/v1/assets/${a.id}`)).body));
    await forget(ids);

    expect(await run(review.tenantId)).toMatchObject({ relinked: 2, partial: 0, queued: 0, rejected: 1, undescribed: 0 });
    expect(await run(plain.tenantId)).toMatchObject({ relinked: 1, partial: 0, queued: 0, rejected: 1, undescribed: 0 });
    const after = await Promise.all(ids.map(async (id) => moderated(await rowOf(id))));
    expect(after).toEqual(before);
    expect(after.map((a) => a.status)).toEqual(['held', 'rejected', 'ready', 'ready', 'rejected']);
    expect(after[0]).toMatchObject({ objectsVisibility: 'private', moderation: { state: 'held', findings: [{ check: 'review' }] } });
    // Shown as before: a held asset's private links, an approved one's public URLs.
    const { updatedAt: _u, readyAt: _r, ...heldView } = views[0]!;
    expect((await review.client.request('GET', `/v1/assets/${held.id}`)).body).toMatchObject({ ...heldView, status: 'held' });
    const approvedView = (await review.client.request('GET', `/v1/assets/${approved.id}`)).body;
    expect(approvedView.variants.map((v: { url: string }) => v.url)).toEqual(views[1]!.variants.map((v: { url: string }) => v.url));
    for (const [client, id] of [
      [review.client, takenDown.id],
      [plain.client, blocked.id],
    ] as const) {
      const view = (await client.request('GET', `/v1/assets/${id}`)).body;
      expect(view).toMatchObject({ status: 'rejected', variants: [], error: { code: 'content_rejected' } });
    }
    // Nothing queued: no render of a rejected asset, and a held one's variants re-linked where they are.
    expect(await openJobs(ids)).toEqual([]);
    expect(await run(review.tenantId)).toMatchObject({ relinked: 0, queued: 0, rejected: 0 });
  });

  it('renders a held asset whose variants were lost again, held, in the private place', async () => {
    const held = await settled(review.client);
    expect(held.status).toBe('held');
    const place = assetObjectLocation(harness.api.config.storage, 'private', variantPrefix(review.tenantId, held.id));
    await harness.api.storage.deletePrefix({ bucket: place.bucket, prefix: place.key });
    await forget([held.id]);

    expect(await run(review.tenantId)).toMatchObject({ relinked: 0, queued: 1, rejected: 0 });
    expect(await rowOf(held.id)).toMatchObject({ status: 'queued', objectsVisibility: 'private', moderation: { state: 'held' } });
    const back = await review.client.waitForAsset(held.id);
    expect(back).toMatchObject({ status: 'held', moderation: { state: 'held' } });
    expect(back.variants.length).toBe(held.variants.length);
    expect(await objectsIn(review.tenantId, held.id, 'public')).toBe(0);
    expect(await objectsIn(review.tenantId, held.id, 'private')).toBeGreaterThan(0);
  });
});
