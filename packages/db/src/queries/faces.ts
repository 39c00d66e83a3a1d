import type { FaceBox } from '@darkroom/core/contract/asset';
import { and, asc, eq, gt, inArray, isNull, sql, type SQL } from 'drizzle-orm';
import type { Executor } from '../client.js';
import { assets, jobs, type Asset } from '../schema.js';
import { lockAsset, transitionAsset } from './assets.js';

/**
 * Ready images whose faces were never searched (made before face detection, or while it was off or
 * down), oldest id first after `afterId`: a page of the faces backfill's scan (the primary key's order).
 */
export async function findAssetsWithoutFaces(
  db: Executor,
  params: { afterId?: string | undefined; tenantId?: string | undefined; limit: number },
): Promise<{ assetId: string; tenantId: string }[]> {
  const where: (SQL | undefined)[] = [eq(assets.status, 'ready'), eq(assets.kind, 'image'), isNull(assets.faces)];
  if (params.afterId) where.push(gt(assets.id, params.afterId));
  if (params.tenantId) where.push(eq(assets.tenantId, params.tenantId));
  return db
    .select({ assetId: assets.id, tenantId: assets.tenantId })
    .from(assets)
    .where(and(...where))
    .orderBy(asc(assets.id))
    .limit(params.limit);
}

/**
 * Faces a backfill found, on a ready asset that still has none known at the revision it searched
 * (a PATCH meanwhile wins), with its `asset.updated` event. Undefined when it changed meanwhile.
 */
export async function recordFoundFaces(db: Executor, params: { id: string; revision: number; faces: FaceBox[] }): Promise<Asset | undefined> {
  return db.transaction(async (tx) => {
    const current = await lockAsset(tx, { id: params.id });
    if (!current || current.revision !== params.revision || current.faces !== null) return undefined;
    return transitionAsset(tx, { id: params.id, from: ['ready'], to: 'ready', set: { faces: params.faces } });
  });
}

/** Those of these jobs still queued or running. */
export async function openJobIds(db: Executor, params: { ids: readonly string[] }): Promise<string[]> {
  if (params.ids.length === 0) return [];
  const rows = await db
    .select({ id: jobs.id })
    .from(jobs)
    .where(and(inArray(jobs.id, [...params.ids]), inArray(jobs.state, ['queued', 'active'])));
  return rows.map((row) => row.id);
}

/**
 * Ready assets of the tenant with faces known whose image variants do not carry the redaction its
 * delivery policy enforces now (`enforceFaceRedaction`; none: unredacted), oldest id first after
 * `afterId`: a page of a `face-redaction` backfill's scan. Assets without faces are left out: their
 * pixels are the same either way. The policy is read here, so a scan that runs after another change
 * judges by the newest.
 */
export async function findRedactionStaleAssets(
  db: Executor,
  params: { tenantId: string; afterId?: string | undefined; limit: number },
): Promise<{ assetId: string; tenantId: string }[]> {
  const rows = await db.execute<{ asset_id: string; tenant_id: string }>(sql`
    select a.id as asset_id, a.tenant_id
    from assets a join tenants t on t.id = a.tenant_id
    where a.tenant_id = ${params.tenantId}::uuid and a.status = 'ready'
      and jsonb_typeof(a.faces) = 'array' and jsonb_array_length(a.faces) > 0
      and exists (select 1 from variants v where v.asset_id = a.id and v.kind = 'image'
        and v.redaction is distinct from (t.delivery ->> 'enforceFaceRedaction'))
      ${params.afterId ? sql`and a.id > ${params.afterId}::uuid` : sql``}
    order by a.id limit ${params.limit}::int`);
  return [...rows].map((r) => ({ assetId: r.asset_id, tenantId: r.tenant_id }));
}
