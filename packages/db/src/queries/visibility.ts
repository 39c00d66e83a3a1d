import type { PurgeList, Visibility } from '@darkroom/core';
import { and, asc, eq, lt, ne, sql } from 'drizzle-orm';
import type { Executor } from '../client.js';
import { assets, type Asset } from '../schema.js';
import { recordAssetEvent } from './events.js';

/**
 * A ready asset's new visibility (`PATCH /v1/assets/:id`). Its objects stay where they are
 * (`objects_visibility`): the worker moves them, then `finishAssetVisibilityMove` says so with the
 * asset's `asset.updated`. A change while a move was still owed may find the objects split between
 * the two places: they are then taken to be where that move was taking them, so a move is owed again
 * and gathers them all (a move takes whatever is in the other place). Undefined when the asset is
 * not ready (any more).
 */
export async function setAssetVisibility(db: Executor, params: { id: string; visibility: Visibility }): Promise<Asset | undefined> {
  const [asset] = await db
    .update(assets)
    .set({
      visibility: params.visibility,
      // The right-hand sides read the row as it was before this update.
      objectsVisibility: sql`case when ${assets.objectsVisibility} <> ${assets.visibility} then ${assets.visibility} else ${assets.objectsVisibility} end`,
      updatedAt: sql`now()`,
    })
    .where(and(eq(assets.id, params.id), eq(assets.status, 'ready')))
    .returning();
  return asset;
}

/**
 * Assets whose objects are not where their visibility says, oldest change first (and only those
 * changed before `changedBefore`, when given; only a tenant's, when given: tests share a database): the worker's moves. An asset being deleted is left out: the purge sweep removes its objects where they are.
 */
export async function listAssetVisibilityMoves(
  db: Executor,
  params: { limit: number; changedBefore?: Date | undefined; tenantId?: string | undefined },
): Promise<Asset[]> {
  const settled = params.changedBefore ? lt(assets.updatedAt, params.changedBefore) : undefined;
  const ofTenant = params.tenantId ? eq(assets.tenantId, params.tenantId) : undefined;
  return db
    .select()
    .from(assets)
    .where(and(sql`${assets.visibility} <> ${assets.objectsVisibility}`, ne(assets.status, 'deleting'), settled, ofTenant))
    .orderBy(asc(assets.updatedAt), asc(assets.id))
    .limit(params.limit);
}

/**
 * Records that the asset's objects are now where `visibility` says, with its `asset.updated` event
 * (carrying `purge` when given), in one transaction; nothing when its visibility has changed again
 * meanwhile (the next move starts from where the objects are) or the move was recorded already (a
 * repeated call sends no second event). Returns whether it applied. An asset
 * being deleted gets no event: its `asset.deleted` was its last.
 */
export async function finishAssetVisibilityMove(
  db: Executor,
  params: { id: string; visibility: Visibility; purge?: PurgeList | undefined },
): Promise<boolean> {
  return db.transaction(async (tx) => {
    const [moved] = await tx
      .update(assets)
      .set({ objectsVisibility: params.visibility, updatedAt: sql`now()` })
      .where(and(eq(assets.id, params.id), eq(assets.visibility, params.visibility), ne(assets.objectsVisibility, params.visibility)))
      .returning();
    if (!moved) return false;
    if (moved.status !== 'deleting') await recordAssetEvent(tx, { type: 'asset.updated', asset: moved, purge: params.purge });
    return true;
  });
}
