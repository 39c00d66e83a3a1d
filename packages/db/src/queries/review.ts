import { and, asc, eq, gt, gte, inArray, isNull } from 'drizzle-orm';
import type { Executor } from '../client.js';
import { blocklistEntries } from '../moderation-schema.js';
import { assets } from '../schema.js';

/**
 * What the review routes read beyond the moderation and blocklist queries: which entries of a
 * hold's findings are the deployment's, and the assets a rescan goes over.
 */

/** Of these entry ids, those of the deployment's blocklist (tenantId null): a hold on one is an admin's to decide. */
export async function deploymentEntryIds(db: Executor, params: { ids: string[] }): Promise<string[]> {
  if (params.ids.length === 0) return [];
  const rows = await db
    .select({ id: blocklistEntries.id })
    .from(blocklistEntries)
    .where(and(inArray(blocklistEntries.id, params.ids), isNull(blocklistEntries.tenantId)));
  return rows.map((r) => r.id);
}

/** Assets a rescan goes over: `ready` or `held`, created at or after `since`, of one tenant or all, in id order after `afterId`. */
export async function listAssetsToRescan(
  db: Executor,
  params: { since: Date; tenantId?: string | undefined; afterId?: string | undefined; limit: number },
): Promise<{ assetId: string; tenantId: string }[]> {
  return db
    .select({ assetId: assets.id, tenantId: assets.tenantId })
    .from(assets)
    .where(
      and(
        inArray(assets.status, ['ready', 'held']),
        gte(assets.createdAt, params.since),
        params.tenantId ? eq(assets.tenantId, params.tenantId) : undefined,
        params.afterId ? gt(assets.id, params.afterId) : undefined,
      ),
    )
    .orderBy(asc(assets.id))
    .limit(params.limit);
}
