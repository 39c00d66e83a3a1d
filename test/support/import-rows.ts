import { sql } from 'drizzle-orm';
import { expect } from 'vitest';
import type { Harness } from './harness.js';

/** Imports as Postgres holds them: what "never twice, never lost" is checked against, past the API. */

type Db = Harness['api']['db'];

/** Every item of an import, in order, as Postgres holds it. */
export async function importItemRows(db: Db, importId: string) {
  return db.execute<{ source: string; identity: string; status: string; asset_id: string | null; error_code: string | null; attempts: number }>(
    sql`select source, identity, status, asset_id, error_code, attempts from import_items where import_id = ${importId} order by seq`,
  );
}

/** The import's row as Postgres holds it (its counts and status, without going through the API). */
export async function importRow(db: Db, importId: string) {
  const [row] = await db.execute<{ status: string; found: number; imported: number; skipped: number; failed: number; lease_owner: string | null }>(
    sql`select status, found, imported, skipped, failed, lease_owner from imports where id = ${importId}`,
  );
  return row!;
}

/** An asset that stands: not an import's upload given up on (canceled), expired or deleted. */
const LIVE = sql`status not in ('canceled', 'expired', 'deleting')`;

/** The tenant's standing assets per import source (`metadata.import.source`): what "never twice" counts. */
export async function liveAssetsBySource(db: Db, tenantId: string): Promise<Map<string, string[]>> {
  const rows = await db.execute<{ source: string; ids: string[] }>(
    sql`select metadata->'import'->>'source' as source, array_agg(id::text) as ids from assets
        where tenant_id = ${tenantId} and ${LIVE} group by 1`,
  );
  return new Map(rows.map((r) => [r.source, r.ids]));
}

/** The tenant's assets per status. */
export async function assetStatusCounts(db: Db, tenantId: string): Promise<Record<string, number>> {
  const rows = await db.execute<{ status: string; n: number }>(
    sql`select status, count(*)::int as n from assets where tenant_id = ${tenantId} group by 1`,
  );
  return Object.fromEntries(rows.map((r) => [r.status, r.n]));
}

/** Jobs per asset of the tenant. */
export async function jobCounts(db: Db, tenantId: string): Promise<Map<string, number>> {
  const rows = await db.execute<{ asset_id: string; n: number }>(
    sql`select asset_id::text, count(*)::int as n from jobs where tenant_id = ${tenantId} group by 1`,
  );
  return new Map(rows.map((r) => [r.asset_id, r.n]));
}

/**
 * Never twice, never lost: each of `sources` was imported (by this import or, skipped, by an
 * earlier one) into exactly one standing asset of the tenant, the asset its item names, with
 * exactly one job; no standing asset of the tenant comes from anything else.
 */
export async function expectEachImportedOnce(db: Db, params: { tenantId: string; importIds: string[]; sources: string[] }): Promise<void> {
  const bySource = await liveAssetsBySource(db, params.tenantId);
  const jobs = await jobCounts(db, params.tenantId);
  const itemAssets = new Map<string, Set<string>>();
  for (const id of params.importIds) {
    for (const item of await importItemRows(db, id)) {
      if (item.status === 'failed') continue;
      expect(item.status, `${item.source} is imported or skipped`).toMatch(/^(imported|skipped)$/);
      itemAssets.set(item.source, (itemAssets.get(item.source) ?? new Set()).add(item.asset_id!));
    }
  }
  const problems: string[] = [];
  for (const source of params.sources) {
    const assets = bySource.get(source) ?? [];
    const named = [...(itemAssets.get(source) ?? [])];
    if (assets.length !== 1) problems.push(`${source}: ${assets.length} assets`);
    else if (named.length !== 1 || named[0] !== assets[0])
      problems.push(`${source}: items name ${named.join(', ') || 'no asset'}, the asset is ${assets[0]}`);
    else if (jobs.get(assets[0]!) !== 1) problems.push(`${source}: ${jobs.get(assets[0]!) ?? 0} jobs`);
  }
  const expected = new Set(params.sources);
  for (const source of bySource.keys()) if (!expected.has(source)) problems.push(`an asset from ${source}, which no item imported`);
  expect(problems.slice(0, 20), `${problems.length} sources not imported exactly once`).toEqual([]);
}
