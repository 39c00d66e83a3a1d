import { readFile } from 'node:fs/promises';
import { stagingKey } from '@darkroom/core/keys';
import { getAsset } from '@darkroom/db/queries/assets';
import { sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import type { TestApi, ApiResponse } from '../support/client.js';
import { expectNothingInternal, expectRefusal } from '../support/hostile.js';
import { fixture } from '../support/images.js';
import { objectState } from '../support/objects.js';
import { waitFor } from '../support/services.js';
import { setupHarness } from '../support/setup-harness.js';

/**
 * A client that completes and deletes the same upload at once (two tabs, a retry racing a cleanup):
 * `complete` once dereferenced a row the DELETE had removed and answered 500. The first test
 * staggers the two by timing; the others run the real DELETE route at chosen points inside
 * `complete` (through its storage calls), so each interleaving is tested every time.
 */
const harness = setupHarness({ withWorker: false });
let client: TestApi;
let tenantId: string;
let jpeg: Uint8Array;

beforeAll(async () => {
  const tenant = await harness.admin.createTenant('races');
  client = harness.admin.withToken(tenant.apiKey);
  tenantId = tenant.tenantId;
  jpeg = new Uint8Array(await readFile(fixture('320x240.jpg')));
});

describe('complete racing DELETE', () => {
  it('answers 202 or 404, never 500, and the asset ends deleted', async () => {
    for (let round = 0; round < 12; round++) {
      const { asset } = await client.upload(jpeg, { filename: 'race.jpg', contentType: 'image/jpeg' });
      // Stagger the DELETE so that it lands at different points of complete's checks.
      const [completed, deleted] = await Promise.all([
        client.request('POST', `/v1/uploads/${asset.id}/complete`, {}),
        new Promise((resolve) => setTimeout(resolve, round % 4)).then(() => client.request('DELETE', `/v1/assets/${asset.id}`)),
      ]);
      expect([202, 404], JSON.stringify(completed.body)).toContain(completed.status);
      if (completed.status === 404) expect(completed.body.error?.code).toBe('not_found');
      expectNothingInternal(harness, completed.body);
      expect([204, 404]).toContain(deleted.status);
      if (deleted.status === 404) expect((await client.request('DELETE', `/v1/assets/${asset.id}`)).status).toBe(204);
      expect((await client.request('GET', `/v1/assets/${asset.id}`)).status).toBe(404);
    }
  });
});

const complete = (assetId: string) => client.request('POST', `/v1/uploads/${assetId}/complete`, {});
const deleteAsset = (assetId: string) => client.request('DELETE', `/v1/assets/${assetId}`);

/** The asset is gone for the API and from Postgres, and neither its staging object nor its original is in the bucket. */
async function expectGone(assetId: string, originalKey: string) {
  expect((await client.request('GET', `/v1/assets/${assetId}`)).status).toBe(404);
  expect(await getAsset(harness.api.db, { id: assetId })).toBeUndefined();
  const bucket = harness.api.config.storage.bucket;
  expect(await objectState(harness.api.storage, { bucket, key: stagingKey(tenantId, assetId) })).toBe('absent');
  expect(await objectState(harness.api.storage, { bucket, key: originalKey })).toBe('absent');
  expect(await harness.countVariantObjects(tenantId, assetId)).toBe(0);
}

/** Whether some statement waits to lock an asset row (the DELETE's, behind complete's lock). */
async function someoneWaitsOnALock(): Promise<boolean> {
  const rows = await harness.api.db.execute(
    sql`select 1 from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock' and query ilike '%from "assets"%for update'`,
  );
  return rows.length > 0;
}

describe('complete racing DELETE, at chosen points', () => {
  it('a DELETE done after complete reads the row and before it locks it: complete answers 404, nothing is left', async () => {
    const { asset } = await client.upload(jpeg, { filename: 'before-lock.jpg', contentType: 'image/jpeg' });
    const originalKey = (await getAsset(harness.api.db, { id: asset.id }))!.originalKey;
    const db = harness.api.db;
    const realTransaction = db.transaction;
    let deleted: ApiResponse | undefined;
    // complete reads the row, then opens the transaction that locks it before the copy (its first
    // bucket request): the whole DELETE runs in between.
    db.transaction = (async (...args: Parameters<typeof realTransaction>) => {
      db.transaction = realTransaction;
      deleted = await deleteAsset(asset.id);
      return realTransaction.apply(db, args);
    }) as typeof realTransaction;
    const completed = await complete(asset.id);
    expect(deleted?.status).toBe(204);
    expectRefusal(harness, completed, 404, 'not_found');
    await expectGone(asset.id, originalKey);
  });

  it('a DELETE sent while complete copies (under its lock) waits for it: 202, then the DELETE removes everything', async () => {
    const { asset } = await client.upload(jpeg, { filename: 'under-lock.jpg', contentType: 'image/jpeg' });
    const originalKey = (await getAsset(harness.api.db, { id: asset.id }))!.originalKey;
    const storage = harness.api.storage;
    const realCopy = storage.copyObject;
    let deleted: Promise<ApiResponse> | undefined;
    storage.copyObject = async (options) => {
      storage.copyObject = realCopy;
      deleted = deleteAsset(asset.id);
      await waitFor('the DELETE to wait on the asset row', someoneWaitsOnALock, 10_000, 20);
      return realCopy(options);
    };
    const completed = await complete(asset.id);
    expect(completed.status, JSON.stringify(completed.body)).toBe(202);
    expect((await deleted!).status).toBe(204);
    await expectGone(asset.id, originalKey);
  });
});
