import { asc, inArray, sql } from 'drizzle-orm';
import type { Executor } from '../client.js';
import { newId } from '../ids.js';
import { variants, type Variant } from '../schema.js';

export interface VariantRecord {
  name: string;
  format: string;
  width: number;
  height: number;
  size: number;
  key: string;
  specHash: string;
}

/**
 * One row per (asset, variant name): a retried job overwrites its own rows instead of adding more.
 * Returns the rows as they were before, so callers can delete objects whose key changed.
 */
export async function upsertVariants(
  db: Executor,
  params: { assetId: string; variants: VariantRecord[] },
): Promise<Variant[]> {
  if (params.variants.length === 0) return [];
  return db
    .insert(variants)
    .values(params.variants.map((v) => ({ ...v, id: newId(), assetId: params.assetId })))
    .onConflictDoUpdate({
      target: [variants.assetId, variants.name],
      set: {
        format: sql`excluded.format`,
        width: sql`excluded.width`,
        height: sql`excluded.height`,
        size: sql`excluded.size`,
        key: sql`excluded.key`,
        specHash: sql`excluded.spec_hash`,
        updatedAt: sql`now()`,
      },
    })
    .returning();
}

/** Variants of many assets at once (one query per page of assets), grouped by asset id. */
export async function listVariantsByAsset(db: Executor, params: { assetIds: string[] }): Promise<Map<string, Variant[]>> {
  const byAsset = new Map<string, Variant[]>();
  if (params.assetIds.length === 0) return byAsset;
  const rows = await db
    .select()
    .from(variants)
    .where(inArray(variants.assetId, params.assetIds))
    .orderBy(asc(variants.width), asc(variants.name));
  for (const row of rows) {
    const list = byAsset.get(row.assetId) ?? [];
    list.push(row);
    byAsset.set(row.assetId, list);
  }
  return byAsset;
}
