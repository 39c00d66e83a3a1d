import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase, type DatabaseHandle } from './client.js';
import { runDirect } from './direct-query.js';
import { newId } from './ids.js';
import { insertAsset } from './queries/assets.js';
import { createTenant } from './queries/tenants.js';
import { upsertVariants } from './queries/variants.js';
import { assets, tenants } from './schema.js';

let handle: DatabaseHandle;
let tenantId: string;

beforeAll(async () => {
  handle = createDatabase({ url: process.env.DATABASE_URL! });
  tenantId = (await createTenant(handle.db, { name: 'direct-query' })).id;
});
afterAll(() => handle?.close());

async function readyAssetWithVariants(): Promise<string> {
  const asset = await insertAsset(handle.db, {
    id: newId(),
    tenantId,
    status: 'ready',
    filename: 'a.jpg',
    contentType: 'image/jpeg',
    size: 12_345_678_901,
    preset: 'default',
    metadata: { album: 'x', tags: ['a', 'b'], nested: { n: 1 } },
    width: 4000,
    height: 3000,
    originalKey: `originals/${tenantId}/x`,
    uploadExpiresAt: new Date(Date.now() + 60_000),
    readyAt: new Date(),
  });
  const variant = (name: string, width: number) => ({
    name,
    kind: 'image' as const,
    duration: null,
    specHash: 'h',
    format: 'webp',
    width,
    height: width,
    size: width * 3,
    key: `variants/${name}`,
  });
  await upsertVariants(handle.db, { assetId: asset.id, variants: [variant('small', 640), variant('thumb', 200)] });
  return asset.id;
}

const selectWithVariants = () =>
  handle.db
    .select({
      asset: assets,
      variants: sql<
        unknown[]
      >`(select json_agg(json_build_object('name', v.name, 'createdAt', v.created_at) order by v.width) from variants v where v.asset_id = "assets"."id")`,
    })
    .from(assets)
    .where(and(eq(assets.id, sql.placeholder('id')), eq(assets.tenantId, sql.placeholder('tenantId'))))
    .prepare('direct_query_test_select');

describe('runDirect', () => {
  it('gives back exactly what drizzle maps: nested fields, timestamps, bigint, jsonb, nulls and SQL fields', async () => {
    const id = await readyAssetWithVariants();
    const viaDrizzle = await selectWithVariants().execute({ id, tenantId });
    const direct = await runDirect(selectWithVariants()).execute({ id, tenantId });
    expect(direct).toHaveLength(1);
    expect(direct).toEqual(viaDrizzle);
    const [row] = direct;
    expect(row!.asset.createdAt).toBeInstanceOf(Date);
    expect(row!.asset.size).toBe(12_345_678_901);
    expect(row!.asset.errorCode).toBeNull();
    expect(row!.variants).toHaveLength(2);
  });

  it('encodes placeholders through their column (a Date into a timestamp) and returns the inserted row as drizzle would read it', async () => {
    const id = newId();
    const expires = new Date('2030-01-02T03:04:05.678Z');
    const insert = runDirect(
      handle.db
        .insert(assets)
        .values({
          id: sql.placeholder('id'),
          tenantId: sql.placeholder('tenantId'),
          status: 'awaiting_upload',
          filename: 'b.png',
          contentType: 'image/png',
          size: 5,
          preset: 'default',
          originalKey: 'originals/b',
          uploadExpiresAt: sql.placeholder('expires'),
        })
        .returning()
        .prepare('direct_query_test_insert'),
    );
    const [inserted] = await insert.execute({ id, tenantId, expires });
    const [read] = await handle.db.select().from(assets).where(eq(assets.id, id));
    expect(inserted).toEqual(read);
    expect(inserted!.uploadExpiresAt.toISOString()).toBe(expires.toISOString());
  });

  it('refuses a call that leaves a placeholder without a value', async () => {
    await expect(runDirect(selectWithVariants()).execute({ id: newId() })).rejects.toThrow('No value for placeholder "tenantId"');
  });

  it('refuses, when built, a query whose rows it could not map as drizzle does (an outer join)', () => {
    const joined = handle.db.select().from(assets).leftJoin(tenants, eq(tenants.id, assets.tenantId)).prepare('direct_query_test_join');
    expect(() => runDirect(joined)).toThrow('outer joins');
    expect(() => runDirect({ execute: async () => [] })).toThrow('not a drizzle postgres-js prepared query');
  });
});
