import type { AssetKind } from '@darkroom/core/content-types';
import type { HlsRendition } from '@darkroom/core/contract/asset';
import type { FaceRedaction } from '@darkroom/core/delivery';
import { and, asc, eq, inArray, ne, sql, type SQL } from 'drizzle-orm';
import type { Executor } from '../client.js';
import { newId } from '../ids.js';
import { runDirect } from '../direct-query.js';
import { preparedPer } from '../prepared.js';
import { assets, variants, type Asset, type Variant } from '../schema.js';

export interface VariantRecord {
  name: string;
  kind: AssetKind;
  format: string;
  width: number;
  height: number;
  /** Seconds, of a video or audio rendition; null for an image. */
  duration: number | null;
  size: number;
  key: string;
  specHash: string;
  /** The rungs of an HLS ladder; absent or null for every other variant. */
  renditions?: HlsRendition[] | null | undefined;
  /** The face redaction an image variant's pixels carry; absent or null: none. */
  redaction?: FaceRedaction | null | undefined;
  /** The encoder quality an image variant was written at (a `quality: "auto…"` search's choice); absent or null for the rest. */
  quality?: number | null | undefined;
}

/**
 * One row per (asset, variant name): a retried job overwrites its own rows instead of adding more.
 * Returns the rows as they are after the upsert (RETURNING shows the new values); callers that must
 * delete objects whose key changed read the old rows first (`currentVariants` in the worker).
 */
export async function upsertVariants(db: Executor, params: { assetId: string; variants: VariantRecord[] }): Promise<Variant[]> {
  if (params.variants.length === 0) return [];
  return db
    .insert(variants)
    .values(
      params.variants.map((v) => ({
        ...v,
        renditions: v.renditions ?? null,
        redaction: v.redaction ?? null,
        quality: v.quality ?? null,
        id: newId(),
        assetId: params.assetId,
      })),
    )
    .onConflictDoUpdate({
      target: [variants.assetId, variants.name],
      set: {
        kind: sql`excluded.kind`,
        format: sql`excluded.format`,
        width: sql`excluded.width`,
        duration: sql`excluded.duration`,
        height: sql`excluded.height`,
        size: sql`excluded.size`,
        key: sql`excluded.key`,
        specHash: sql`excluded.spec_hash`,
        renditions: sql`excluded.renditions`,
        redaction: sql`excluded.redaction`,
        quality: sql`excluded.quality`,
        updatedAt: sql`now()`,
      },
    })
    .returning();
}

const variantsOfAssets = preparedPer((db) =>
  db
    .select()
    .from(variants)
    .where(sql`${variants.assetId} = any(${sql.placeholder('assetIds')}::uuid[])`)
    // Smallest first; equal sizes (an image smaller than several boxes) keep the preset's order.
    .orderBy(asc(variants.width), asc(variants.height), asc(variants.id))
    .prepare('variants_of_assets'),
);

/** Variants of many assets at once (one query per page of assets), grouped by asset id. */
export async function listVariantsByAsset(db: Executor, params: { assetIds: string[] }): Promise<Map<string, Variant[]>> {
  const byAsset = new Map<string, Variant[]>();
  if (params.assetIds.length === 0) return byAsset;
  const rows = await variantsOfAssets(db).execute({ assetIds: params.assetIds });
  for (const row of rows) {
    const list = byAsset.get(row.assetId) ?? [];
    list.push(row);
    byAsset.set(row.assetId, list);
  }
  return byAsset;
}

/** Removes an asset's rows of these variant names (names a preset no longer has). */
export async function deleteVariantsByName(db: Executor, params: { assetId: string; names: string[] }): Promise<void> {
  if (params.names.length === 0) return;
  await db.delete(variants).where(and(eq(variants.assetId, params.assetId), inArray(variants.name, params.names)));
}

export interface StaleVariantsParams {
  preset: string;
  /** The preset's current `{ variant name: spec hash }` (see `presetSpecHashes` in @darkroom/core). */
  specHashes: Record<string, string>;
  /** Names among them that are video renditions: only a video asset has those to be stale. */
  videoVariants?: readonly string[] | undefined;
  /** Names among them that are audio renditions or waveforms: only an audio asset has those to be stale. */
  audioVariants?: readonly string[] | undefined;
  /**
   * One tenant's assets, judged by the preset it resolves `preset` to; null or absent: every tenant
   * that does not shadow the global preset with its own (those are judged by their own spec).
   */
  tenantId?: string | null | undefined;
}

/**
 * Per `ready` asset of the preset, how many of its variants are stale: a spec that applies to its kind whose row is missing
 * or records another spec hash, plus rows of names the preset no longer has. All in SQL, one asset
 * at a time through the (asset_id, name) index, so it scales with assets, not with JS memory.
 */
function staleVariantCounts(params: StaleVariantsParams, afterId?: string): SQL {
  return sql`
    with spec(name, spec_hash) as (select key, value from jsonb_each_text(${JSON.stringify(params.specHashes)}::jsonb)),
    video_spec(name) as (select jsonb_array_elements_text(${JSON.stringify(params.videoVariants ?? [])}::jsonb)),
    audio_spec(name) as (select jsonb_array_elements_text(${JSON.stringify(params.audioVariants ?? [])}::jsonb))
    select a.id as asset_id, a.tenant_id, s.stale
    from assets a
    cross join lateral (
      select
        (select count(*) from spec left join variants v on v.asset_id = a.id and v.name = spec.name
          where v.spec_hash is distinct from spec.spec_hash
            and (a.kind = 'video' or spec.name not in (select name from video_spec))
            and (a.kind = 'audio' or spec.name not in (select name from audio_spec))
            -- An audio file's image variants are its cover art: one without any has none to miss.
            and (a.kind <> 'audio' or a.placeholder is not null or spec.name in (select name from audio_spec)))
        + (select count(*) from variants v where v.asset_id = a.id and not exists (select 1 from spec where spec.name = v.name))
        as stale
    ) s
    where a.preset = ${params.preset} and a.status = 'ready' and s.stale > 0
    ${
      params.tenantId
        ? sql`and a.tenant_id = ${params.tenantId}::uuid`
        : sql`and not exists (select 1 from tenants t where t.id = a.tenant_id and t.presets ? ${params.preset})`
    }
    ${afterId ? sql`and a.id > ${afterId}::uuid` : sql``}`;
}

export interface StaleAsset {
  assetId: string;
  tenantId: string;
  staleVariants: number;
}

/** One page of assets with stale variants, in id order; pass the last `assetId` as `afterId` for the next. */
export async function findStaleAssets(
  db: Executor,
  params: StaleVariantsParams & { afterId?: string | undefined; limit: number },
): Promise<StaleAsset[]> {
  const rows = await db.execute<{ asset_id: string; tenant_id: string; stale: string | number }>(
    sql`${staleVariantCounts(params, params.afterId)} order by a.id limit ${params.limit}::int`,
  );
  return [...rows].map((r) => ({ assetId: r.asset_id, tenantId: r.tenant_id, staleVariants: Number(r.stale) }));
}

/** Totals over every asset of the preset: assets with stale variants, and how many variants those are. */
export async function countStaleVariants(db: Executor, params: StaleVariantsParams): Promise<{ matched: number; staleVariants: number }> {
  const [row] = await db.execute<{ matched: string | number; stale: string | number | null }>(
    sql`select count(*) as matched, sum(stale) as stale from (${staleVariantCounts(params)}) counted`,
  );
  return { matched: Number(row?.matched ?? 0), staleVariants: Number(row?.stale ?? 0) };
}

/** A variant row as `json_build_object` gives it back (see getTenantAssetWithVariants). */
type VariantJson = Omit<Variant, 'createdAt' | 'updatedAt'> & { createdAt: string; updatedAt: string };

const variantJson = sql`json_build_object('id', v.id, 'assetId', v.asset_id, 'name', v.name, 'kind', v.kind, 'format', v.format,
  'width', v.width, 'height', v.height, 'duration', v.duration, 'size', v.size, 'key', v.key, 'specHash', v.spec_hash, 'renditions', v.renditions, 'redaction', v.redaction,
  'createdAt', v.created_at, 'updatedAt', v.updated_at)`;

const tenantAssetWithVariants = preparedPer((db) =>
  runDirect(
    db
      .select({
        asset: assets,
        // Only a ready or held asset shows its variants, a playable one its streams (assetSnapshot): the polls of
        // assets still on their way, the commonest read, skip the aggregate (CASE evaluates the subquery only when it is chosen).
        variants: sql<
          VariantJson[]
        >`case when "assets"."status" in ('ready', 'held') or ("assets"."status" = 'processing' and "assets"."playable") then coalesce((select json_agg(${variantJson} order by v.width, v.height, v.id) from variants v where v.asset_id = "assets"."id"), '[]'::json) else '[]'::json end`,
      })
      .from(assets)
      .where(and(eq(assets.id, sql.placeholder('id')), eq(assets.tenantId, sql.placeholder('tenantId')), ne(assets.status, 'deleting')))
      .prepare('tenant_asset_with_variants'),
  ),
);

/**
 * A tenant's asset with its variants (smallest first; none before it is ready, but a playable one's streams) in one round trip:
 * the read every client polls. Not found for another tenant's asset, or one being deleted.
 */
export async function getTenantAssetWithVariants(
  db: Executor,
  params: { tenantId: string; id: string },
): Promise<{ asset: Asset; variants: Variant[] } | undefined> {
  const [row] = await tenantAssetWithVariants(db).execute(params);
  if (!row) return undefined;
  const rows = row.variants.map((v) => ({ ...v, createdAt: new Date(v.createdAt), updatedAt: new Date(v.updatedAt) }));
  return { asset: row.asset, variants: rows };
}
