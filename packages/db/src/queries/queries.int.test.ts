import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { createDatabase, type DatabaseHandle } from '../client.js';
import { newId } from '../ids.js';
import { createApiKey, findActiveApiKey, revokeApiKey } from './api-keys.js';
import { findAssetStatuses, findExistingAssetIds, insertAsset, listAssets, lockAsset, markAssetFailed, transitionAsset } from './assets.js';
import { countJobsByState } from './job-counts.js';
import { completeJob, failJob, getJob, insertJob, recordJobRetry, startJobAttempt } from './jobs.js';
import { createTenant, findExistingTenantIds } from './tenants.js';
import { listVariantsByAsset, upsertVariants } from './variants.js';

let handle: DatabaseHandle;
let tenantId: string;

beforeAll(async () => {
  handle = createDatabase({ url: process.env.DATABASE_URL! });
  tenantId = (await createTenant(handle.db, { name: 'queries' })).id;
});
afterAll(() => handle?.close());

const newAsset = (owner = tenantId) =>
  insertAsset(handle.db, {
    id: newId(),
    tenantId: owner,
    status: 'awaiting_upload',
    filename: 'a.jpg',
    contentType: 'image/jpeg',
    size: 10,
    preset: 'default',
    originalKey: `originals/${owner}/x`,
    uploadExpiresAt: new Date(Date.now() + 60_000),
  });

describe('api keys', () => {
  it('finds a key by its token until it is revoked', async () => {
    const { key, apiKey } = await createApiKey(handle.db, { kind: 'tenant', tenantId });
    expect(key.keyHash).not.toContain(apiKey.slice(3));
    expect((await findActiveApiKey(handle.db, { token: apiKey }))?.id).toBe(key.id);
    expect(await revokeApiKey(handle.db, { id: key.id })).toBe(true);
    expect(await revokeApiKey(handle.db, { id: key.id })).toBe(false);
    expect(await findActiveApiKey(handle.db, { token: apiKey })).toBeUndefined();
  });
});

describe('assets', () => {
  it('transitions only from the expected states', async () => {
    const asset = await newAsset();
    expect(await transitionAsset(handle.db, { id: asset.id, from: ['queued'], to: 'processing' })).toBeUndefined();
    expect((await transitionAsset(handle.db, { id: asset.id, from: ['awaiting_upload'], to: 'queued' }))?.status).toBe('queued');
    const failed = await markAssetFailed(handle.db, { id: asset.id, errorCode: 'corrupt_image', errorMessage: 'bad' });
    expect(failed).toMatchObject({ status: 'failed', errorCode: 'corrupt_image' });
  });

  it('finds which ids exist, with their status, and which tenants exist', async () => {
    const [waiting, queued] = [await newAsset(), await newAsset()];
    await transitionAsset(handle.db, { id: queued.id, from: ['awaiting_upload'], to: 'queued' });
    const ids = [waiting.id, queued.id, newId()];
    expect(await findExistingAssetIds(handle.db, { ids })).toEqual(new Set([waiting.id, queued.id]));
    expect(await findAssetStatuses(handle.db, { ids })).toEqual(
      new Map([
        [waiting.id, 'awaiting_upload'],
        [queued.id, 'queued'],
      ]),
    );
    expect(await findExistingTenantIds(handle.db, { ids: [tenantId, newId()] })).toEqual(new Set([tenantId]));
  });

  it('locks an asset: another change of its row waits for the transaction', async () => {
    const asset = await newAsset();
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const order: string[] = [];
    const locker = handle.db.transaction(async (tx) => {
      expect((await lockAsset(tx, { id: asset.id }))?.status).toBe('awaiting_upload');
      await held;
      await transitionAsset(tx, { id: asset.id, from: ['awaiting_upload'], to: 'queued' });
      order.push('locker committed');
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    const other = transitionAsset(handle.db, { id: asset.id, from: ['awaiting_upload'], to: 'canceled' }).then((moved) => {
      order.push('other ran');
      return moved;
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(order).toEqual([]);
    release();
    await locker;
    // It waited for the lock, then found the asset no longer awaiting its upload.
    expect(await other).toBeUndefined();
    expect(order).toEqual(['locker committed', 'other ran']);
  });

  it('rejects a cursor it did not make', async () => {
    await expect(listAssets(handle.db, { tenantId, limit: 5, cursor: 'garbage' })).rejects.toThrow(/cursor/);
  });
});

describe('jobs', () => {
  it('records each attempt, then skips once finished', async () => {
    const asset = await newAsset();
    const job = await insertJob(handle.db, { assetId: asset.id, tenantId, kind: 'process', maxAttempts: 5 });
    await startJobAttempt(handle.db, { id: job.id });
    const retrying = await recordJobRetry(handle.db, {
      id: job.id,
      errorCode: 'storage_unavailable',
      errorMessage: 'down',
      errorDetail: 'getStream b/k: ECONNREFUSED',
    });
    expect(retrying).toMatchObject({ state: 'queued', attempts: 1, errorCode: 'storage_unavailable', errorDetail: 'getStream b/k: ECONNREFUSED' });
    expect(retrying!.history[0]).toMatchObject({ errorMessage: 'down', errorDetail: 'getStream b/k: ECONNREFUSED' });
    // A stalled attempt (worker killed) is closed as interrupted when the next one starts.
    await startJobAttempt(handle.db, { id: job.id });
    const third = await startJobAttempt(handle.db, { id: job.id });
    expect(third!.history.map((h) => [h.attempt, h.errorCode])).toEqual([
      [1, 'storage_unavailable'],
      [2, 'interrupted'],
      [3, null],
    ]);
    const done = await completeJob(handle.db, { id: job.id });
    expect(done).toMatchObject({ state: 'completed', errorCode: null, errorDetail: null, attempts: 3 });
    expect(done!.finishedAt).toBeInstanceOf(Date);
    expect(await startJobAttempt(handle.db, { id: job.id })).toBeUndefined();
    expect(await failJob(handle.db, { id: job.id, errorCode: 'x', errorMessage: 'y' })).toBeUndefined();
  });

  it('never loses a transition when 20 run at once on one job', async () => {
    const asset = await newAsset();
    const job = await insertJob(handle.db, { assetId: asset.id, tenantId, kind: 'process', maxAttempts: 50 });
    // Twenty workers starting the same job at once (stalled takeovers): each start must count.
    await Promise.all(Array.from({ length: 20 }, () => startJobAttempt(handle.db, { id: job.id })));
    const started = await getJob(handle.db, { id: job.id });
    expect(started!.attempts).toBe(20);
    expect(started!.history.map((h) => h.attempt).sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(started!.history.filter((h) => h.finishedAt === null)).toHaveLength(1);

    // Then 10 completions racing 10 failures: exactly one wins, and the row says which.
    const outcomes = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        i % 2 ? completeJob(handle.db, { id: job.id }) : failJob(handle.db, { id: job.id, errorCode: 'internal_error', errorMessage: 'x' }),
      ),
    );
    const winners = outcomes.filter((o) => o !== undefined);
    expect(winners).toHaveLength(1);
    const final = await getJob(handle.db, { id: job.id });
    expect(final!.state).toBe(winners[0]!.state);
    expect(final!.history.every((h) => h.finishedAt !== null)).toBe(true);
  });

  it('counts open and failed jobs exactly, and estimates completed ones on a large table', async () => {
    const asset = await newAsset();
    const job = await insertJob(handle.db, { assetId: asset.id, tenantId, kind: 'process', maxAttempts: 5 });
    const before = await countJobsByState(handle.db);
    expect(before.estimated).toEqual([]);
    await startJobAttempt(handle.db, { id: job.id });
    await failJob(handle.db, { id: job.id, errorCode: 'corrupt_image', errorMessage: 'x' });
    const after = await countJobsByState(handle.db);
    // Other test files share the database: compare this job's own moves, not absolute numbers.
    expect(after.counts.failed).toBeGreaterThanOrEqual(before.counts.failed + 1);
    await handle.db.execute(sql`analyze jobs`);
    const estimated = await countJobsByState(handle.db, { exactBelow: 0 });
    expect(estimated.estimated).toEqual(['completed']);
    expect(estimated.counts.completed).toBeGreaterThanOrEqual(0);
  });

  it('allows only one open job per asset', async () => {
    const asset = await newAsset();
    await insertJob(handle.db, { assetId: asset.id, tenantId, kind: 'process', maxAttempts: 5 });
    await expect(insertJob(handle.db, { assetId: asset.id, tenantId, kind: 'process', maxAttempts: 5 })).rejects.toThrow();
  });
});

describe('variants', () => {
  it('upserts one row per (asset, name)', async () => {
    const asset = await newAsset();
    const record = {
      name: 'thumb',
      kind: 'image' as const,
      duration: null,
      format: 'webp',
      width: 256,
      height: 256,
      size: 100,
      key: 'k1',
      specHash: 'h1',
    };
    await upsertVariants(handle.db, { assetId: asset.id, variants: [record] });
    await upsertVariants(handle.db, { assetId: asset.id, variants: [{ ...record, key: 'k2', size: 200 }] });
    const rows = (await listVariantsByAsset(handle.db, { assetIds: [asset.id] })).get(asset.id)!;
    expect(rows.map((r) => [r.name, r.key, r.size])).toEqual([['thumb', 'k2', 200]]);
  });
});

describe('tenants', () => {
  it("deleting a tenant deletes its assets, jobs and events, and no other tenant's (the trigger that stands in for the foreign keys)", async () => {
    const doomed = (await createTenant(handle.db, { name: 'doomed' })).id;
    const rowsOf = async (id: string) => {
      const [row] = await handle.db.execute<{ assets: number; jobs: number; events: number }>(sql`select
        (select count(*)::int from assets where tenant_id = ${id}) as assets,
        (select count(*)::int from jobs where tenant_id = ${id}) as jobs,
        (select count(*)::int from events where tenant_id = ${id}) as events`);
      return row;
    };
    for (const owner of [doomed, tenantId]) {
      const asset = await newAsset(owner);
      await transitionAsset(handle.db, { id: asset.id, from: ['awaiting_upload'], to: 'queued' });
      await insertJob(handle.db, { assetId: asset.id, tenantId: owner, kind: 'process', maxAttempts: 5 });
    }
    expect(await rowsOf(doomed)).toEqual({ assets: 1, jobs: 1, events: 1 });
    const kept = await rowsOf(tenantId);
    await handle.db.execute(sql`delete from tenants where id = ${doomed}`);
    expect(await rowsOf(doomed)).toEqual({ assets: 0, jobs: 0, events: 0 });
    expect(await rowsOf(tenantId)).toEqual(kept);
  });
});
