import { createSecretBox } from '@darkroom/core/webhooks';
import { DarkroomError } from '@darkroom/core/errors';
import { deliveryKeyAad, signPrivateLink } from '@darkroom/core/delivery';
import { createDatabase, type DatabaseHandle } from '@darkroom/db/client';
import { createTenant } from '@darkroom/db/queries/tenants';
import { insertAsset } from '@darkroom/db/queries/assets';
import { newId } from '@darkroom/db/ids';
import { tenants } from '@darkroom/db/schema';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCatalog, rendersImages, type Catalog } from './catalog.js';
import type { LookupBudget } from './lookup-budget.js';

/**
 * The catalog against the real Postgres: what reaches it is counted by the catalog's own `onQuery`
 * (the hook behind `darkroom_delivery_lookups_total`), the budget is one the test hands out, and an
 * entry's life is short so a test sees it pass.
 */
let handle: DatabaseHandle;
const box = createSecretBox('catalog-int-test-key-3c1e9a7b5d2f4086');
const log = { warn: () => {} };
/** An entry's life here: long enough for a lookup's round trip, short enough to wait out. */
const TTL_MS = 1000;

beforeAll(() => {
  handle = createDatabase({ url: process.env.DATABASE_URL! });
});
afterAll(() => handle?.close());

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const unknownId = () => newId();

async function tenantWithKey(key: string): Promise<string> {
  const { id } = await createTenant(handle.db, { name: 'catalog-int' });
  await setKey(id, key);
  return id;
}
async function setKey(tenantId: string, key: string): Promise<void> {
  await handle.db
    .update(tenants)
    .set({ deliveryKeySealed: box.seal(key, deliveryKeyAad(tenantId)) })
    .where(eq(tenants.id, tenantId));
}
async function readyAsset(tenantId: string): Promise<string> {
  const asset = await insertAsset(handle.db, {
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
    width: 32,
    height: 24,
  });
  return asset.id;
}

/** A catalog on the real db, its queries counted by kind and its budget set by the test (unbounded by default). */
function catalogOf(options: { maxEntries?: number; ttlMs?: number } = {}) {
  const queries = { asset: 0, tenant: 0 };
  const budget = { left: Number.POSITIVE_INFINITY, taken: 0 };
  const lookupBudget: LookupBudget = {
    take: () => {
      if (budget.left <= 0) return false;
      budget.left--;
      budget.taken++;
      return true;
    },
  };
  const catalog: Catalog = createCatalog({
    db: handle.db,
    secretBox: box,
    log,
    ttlMs: options.ttlMs ?? TTL_MS,
    maxEntries: options.maxEntries ?? 1000,
    budget: lookupBudget,
    onQuery: (kind) => queries[kind]++,
  });
  return { catalog, queries, budget };
}

const busy = (error: unknown) => error instanceof DarkroomError && error.code === 'busy';

describe('catalog lookups', () => {
  let tenantId: string;
  let assetId: string;
  beforeAll(async () => {
    tenantId = await tenantWithKey('dsk_catalog-int-first-key-000000000000000000');
    assetId = await readyAsset(tenantId);
  });

  it('caches an asset and an absence: a second lookup of either reaches no query', async () => {
    const { catalog, queries } = catalogOf();
    const found = await catalog.lookup(assetId);
    expect([found?.asset.id, found?.tenant.id, found && rendersImages(found) ? found.asset.width : null]).toEqual([assetId, tenantId, 32]);
    const none = unknownId();
    expect(await catalog.lookup(none)).toBeNull();
    expect(queries.asset).toBe(2);
    expect((await catalog.lookup(assetId))?.asset.id).toBe(assetId);
    expect(await catalog.lookup(none)).toBeNull();
    expect(queries).toEqual({ asset: 2, tenant: 0 });
  });

  it('reads an asset or a tenant anew once told it changed, and never serves a forgotten one stale when the budget is spent', async () => {
    const { catalog, queries, budget } = catalogOf({ ttlMs: 60_000 });
    await catalog.lookup(assetId);
    catalog.forget({ asset: assetId });
    await catalog.lookup(assetId);
    expect(queries.asset).toBe(2);
    catalog.forget({ tenant: tenantId });
    await catalog.lookup(assetId);
    expect(queries.asset).toBe(3);
    budget.left = 0;
    // A forgotten tenant's asset is still one it serves: read anew, outside the budget.
    catalog.forget({ tenant: tenantId });
    await catalog.lookup(assetId);
    expect(queries.asset).toBe(4);
    // A forgotten asset is an id not cached: busy, never served stale.
    catalog.forget({ asset: assetId });
    await expect(Promise.resolve().then(() => catalog.lookup(assetId))).rejects.toSatisfy(busy);
  });

  it('keeps nothing a query in flight read when told of a change meanwhile: the next lookup reads anew, at once', async () => {
    const { catalog, queries } = catalogOf({ ttlMs: 60_000 });
    // Sent before the change (it may have read the row before it), answered after the word of it.
    const before = catalog.lookup(assetId);
    catalog.forget({ asset: assetId });
    const after = catalog.lookup(assetId);
    expect((await before)?.asset.id).toBe(assetId);
    expect((await after)?.asset.id).toBe(assetId);
    expect(queries.asset).toBe(2);
    // The answer of the query sent after the change is kept.
    await catalog.lookup(assetId);
    expect(queries.asset).toBe(2);

    const unknown = unknownId();
    const absentBefore = catalog.lookup(unknown);
    catalog.forget({ asset: unknown });
    expect(await absentBefore).toBeNull();
    expect(await catalog.lookup(unknown)).toBeNull();
    expect(queries.asset).toBe(4);

    // A tenant's keys alike: read with an asset before a revocation, not kept after the word of it.
    catalog.forget({ asset: assetId });
    const withTenant = catalog.lookup(assetId);
    catalog.forget({ tenant: tenantId });
    await withTenant;
    await catalog.lookup(assetId);
    expect(queries.asset).toBe(6);
    // Read again on its own (a signature failed) before a revocation: not kept either.
    catalog.forget({ tenant: tenantId });
    const tenantBefore = catalog.refreshTenant(tenantId);
    catalog.forget({ tenant: tenantId });
    expect((await tenantBefore)?.id).toBe(tenantId);
    await catalog.lookup(assetId);
    expect(queries).toEqual({ asset: 7, tenant: 1 });
  });

  it('answers concurrent lookups of one id with one query and one lookup of the budget', async () => {
    const { catalog, queries, budget } = catalogOf();
    const none = unknownId();
    const answers = await Promise.all([...Array(20)].flatMap(() => [catalog.lookup(assetId), catalog.lookup(none)]));
    expect(answers.filter((a) => a?.asset.id === assetId)).toHaveLength(20);
    expect(answers.filter((a) => a === null)).toHaveLength(20);
    expect([queries.asset, budget.taken]).toEqual([2, 2]);
  });

  it('refuses an id not cached busy once the budget is spent, and reads a cached asset past its time again all the same', async () => {
    const { catalog, queries, budget } = catalogOf();
    await catalog.lookup(assetId);
    const none = unknownId();
    expect(await catalog.lookup(none)).toBeNull();
    budget.left = 0;
    await expect(Promise.resolve().then(() => catalog.lookup(unknownId()))).rejects.toSatisfy(busy);
    await sleep(TTL_MS + 50);
    await handle.db.execute(sql`update assets set revision = revision + 1 where id = ${assetId}`);
    // Never served past its time: a change (a revoked key, a visibility) reaches it within the TTL.
    expect((await catalog.lookup(assetId))?.asset.revision).toBe(2);
    // An absence past its time is an id not cached: answered as it was, with no query.
    expect(await catalog.lookup(none)).toBeNull();
    expect([queries.asset, budget.taken]).toEqual([3, 2]);
  });

  it('looks an asset up again, outside the budget, when its tenant has left the cache', async () => {
    const { catalog, queries, budget } = catalogOf({ maxEntries: 2 });
    const other = await readyAsset(tenantId);
    await catalog.lookup(assetId);
    await catalog.lookup(other);
    // Two other tenants read push this one out; the assets stay.
    await catalog.refreshTenant(await tenantWithKey('dsk_x'));
    await catalog.refreshTenant(await tenantWithKey('dsk_y'));
    expect(queries).toEqual({ asset: 2, tenant: 2 });
    budget.left = 0;
    expect((await catalog.lookup(assetId))?.tenant.id).toBe(tenantId);
    expect(queries.asset).toBe(3);
  });

  it('keeps the assets it serves through a flood of unknown ids, and the one read last of them', async () => {
    const { catalog, queries } = catalogOf({ maxEntries: 2, ttlMs: 10 * TTL_MS });
    const [a, b, c] = [assetId, await readyAsset(tenantId), await readyAsset(tenantId)];
    await catalog.lookup(a);
    await catalog.lookup(b);
    for (let i = 0; i < 10; i++) await catalog.lookup(unknownId());
    expect(queries.asset).toBe(12);
    await catalog.lookup(a);
    await catalog.lookup(b);
    expect(queries.asset).toBe(12);
    // Read again (fresh), `a` moves behind `b`: the third asset pushes `b` out, not `a`.
    await catalog.lookup(a, { fresh: true });
    await catalog.lookup(c);
    await catalog.lookup(a);
    expect(queries.asset).toBe(14);
    await catalog.lookup(b);
    expect(queries.asset).toBe(15);
  });
});

describe('refreshTenant', () => {
  it('reads a tenant again at most once a second, and then verifies with a key made since', async () => {
    const oldKey = 'dsk_catalog-int-old-key-00000000000000000000000';
    const newKey = 'dsk_catalog-int-new-key-00000000000000000000000';
    const tenantId = await tenantWithKey(oldKey);
    const assetId = await readyAsset(tenantId);
    const { catalog, queries } = catalogOf();
    const found = await catalog.lookup(assetId);
    // Within a second of the lookup that read it: the tenant as cached, no query.
    expect(await catalog.refreshTenant(tenantId)).toBe(found?.tenant);
    expect(queries.tenant).toBe(0);
    await setKey(tenantId, newKey);
    const path = `p/2000000000/${assetId}`;
    const signature = signPrivateLink(newKey, 2_000_000_000, assetId);
    expect(found?.tenant.verify(path, signature)).toBe(false);
    await sleep(1050);
    const refreshes = await Promise.all([...Array(10)].map(() => catalog.refreshTenant(tenantId)));
    expect(queries.tenant).toBe(1);
    expect(refreshes[0]?.verify(path, signature)).toBe(true);
    expect(new Set(refreshes).size).toBe(1);
    // Asked all through the next second and a bit: one more read, at most.
    const until = Date.now() + 1200;
    while (Date.now() < until) {
      await catalog.refreshTenant(tenantId);
      await sleep(20);
    }
    expect(queries.tenant).toBeLessThanOrEqual(2);
    expect(queries.asset).toBe(1);
  });

  it('asks again at most once a second for a tenant that is not there', async () => {
    const { catalog, queries } = catalogOf();
    const gone = newId();
    expect(await catalog.refreshTenant(gone)).toBeNull();
    expect(await catalog.refreshTenant(gone)).toBeNull();
    expect(queries.tenant).toBe(1);
    await sleep(1100);
    expect(await catalog.refreshTenant(gone)).toBeNull();
    expect(queries.tenant).toBe(2);
  });
});
