import type { PurgeList } from '@darkroom/core/contract/event';
import type { AssetModeration, ModerationDecider } from '@darkroom/core/contract/moderation';
import { and, asc, eq, gt, isNull, lt, sql } from 'drizzle-orm';
import type { Executor } from '../client.js';
import { decodeCursor, InvalidCursorError, toPage, type Page } from '../pagination.js';
import { assets, variants, type Asset, type AssetStatus } from '../schema.js';
import { transitionAsset, type AssetFacts } from './assets.js';
import { recordAssetEvent } from './events.js';
import { claimAssetWhere, type ClaimedMove } from './visibility.js';

/** The error a rejected asset carries; its message names the check, never a signature database or host. */
export const CONTENT_REJECTED = 'content_rejected';

/** The sentence a rejected asset's `error` carries after a person's decision: it names the decision. */
export const REJECTED_BY_REVIEW = 'The asset was rejected by review.';

/**
 * The sentence a rejected asset's error shows: a person's decision, or the check that rejected it,
 * never a signature database or host. A rebuild (`npm run recover`) words it again from the record.
 */
export function rejectionMessage(moderation: AssetModeration): string {
  if (moderation.decidedBy === 'tenant' || moderation.decidedBy === 'admin') return REJECTED_BY_REVIEW;
  const check = moderation.findings.find((f) => f.check !== 'review')?.check;
  switch (check) {
    case 'malware':
      return 'The file was rejected: the malware scan found a match.';
    case 'blocklist':
      return 'The file was rejected: it matches an entry of a blocklist.';
    case 'classifier':
      return 'The file was rejected: the content classifier scored it as explicit.';
    default:
      return REJECTED_BY_REVIEW;
  }
}

/**
 * What the checks of an asset found, recorded before anything of it is rendered: a `held` asset is
 * then rendered to the private place (its `objectsVisibility`), whatever its visibility, so nothing
 * of it is ever written where the public can read it. Its perceptual hashes are kept for a block.
 */
export async function recordModerationChecks(
  db: Executor,
  params: { id: string; moderation: AssetModeration; perceptualHashes: bigint[] | null },
): Promise<Asset | undefined> {
  const held = params.moderation.state === 'held';
  const [asset] = await db
    .update(assets)
    .set({
      moderation: params.moderation,
      perceptualHashes: params.perceptualHashes,
      ...(held ? { objectsVisibility: 'private' as const } : {}),
      updatedAt: sql`now()`,
    })
    .where(and(eq(assets.id, params.id), eq(assets.status, 'processing')))
    .returning();
  return asset;
}

/** A held asset's render recorded: `held` (with `asset.held`), not `ready`, until someone decides. */
export async function markAssetHeld(db: Executor, params: { id: string } & AssetFacts): Promise<Asset | undefined> {
  const { id, ...facts } = params;
  return transitionAsset(db, { id, from: ['processing', 'held'], to: 'held', set: { ...facts, errorCode: null, errorMessage: null } });
}

/** Whether a render of the asset records it `held`: its checks held it, and nobody has decided yet. */
export const rendersHeld = (asset: Pick<Asset, 'status' | 'moderation'>): boolean => asset.status === 'held' || asset.moderation.state === 'held';

export interface Rejection {
  id: string;
  /** Where it may be taken from: a check's verdict (`processing`), a decision on a held or ready asset. */
  from: readonly AssetStatus[];
  moderation: AssetModeration;
  /** The sentence the tenant reads: names the check. */
  message: string;
}

/**
 * `rejected`, with `asset.rejected`: no URL opens anything of it from this commit on. Its variants
 * and the move of its original to `quarantine/` are the quarantine sweep's (listAssetsToQuarantine).
 */
export async function rejectAsset(db: Executor, params: Rejection): Promise<Asset | undefined> {
  return transitionAsset(db, {
    id: params.id,
    from: params.from,
    to: 'rejected',
    set: { moderation: params.moderation, errorCode: CONTENT_REJECTED, errorMessage: params.message },
  });
}

/** A decision's record on the asset's moderation. */
export function decided(before: AssetModeration, state: 'approved' | 'rejected', by: ModerationDecider, reason: string | null): AssetModeration {
  return { ...before, state, decidedBy: by, reason, decidedAt: new Date().toISOString() };
}

/**
 * Approves a held asset: `asset.approved` now; a private one (its objects already where they
 * belong) is `ready` with `asset.ready` in the same transaction, a public one once the worker's
 * move has put its objects in the public place (queries/visibility.ts, publishApprovedAsset).
 */
export async function approveHeldAsset(
  db: Executor,
  params: { id: string; by: ModerationDecider; reason: string | null },
): Promise<Asset | undefined> {
  return db.transaction(async (tx) => {
    const [before] = await tx
      .select()
      .from(assets)
      .where(and(eq(assets.id, params.id), eq(assets.status, 'held')))
      .for('update');
    // Approved already, its objects on their way to the public place: one decision, one asset.approved.
    if (!before || before.moderation.state === 'approved') return undefined;
    const moderation = decided(before.moderation, 'approved', params.by, params.reason);
    const inPlace = before.objectsVisibility === before.visibility;
    const [after] = await tx
      .update(assets)
      .set({
        moderation,
        ...(inPlace ? { status: 'ready' as const, readyAt: sql`coalesce(${assets.readyAt}, now())` } : {}),
        updatedAt: sql`now()`,
      })
      .where(eq(assets.id, params.id))
      .returning();
    await recordAssetEvent(tx, { type: 'asset.approved', asset: after!, status: 'held' });
    if (inPlace) await recordAssetEvent(tx, { type: 'asset.ready', asset: after! });
    return after;
  });
}

/** The review queue: held assets, oldest first, of one tenant or all. */
export async function listHeldAssets(
  db: Executor,
  params: { tenantId?: string | undefined; limit: number; cursor?: string | undefined },
): Promise<Page<Asset>> {
  const after = params.cursor === undefined ? undefined : decodeCursor(params.cursor);
  if (after === null) throw new InvalidCursorError();
  const rows = await db
    .select()
    .from(assets)
    .where(
      and(eq(assets.status, 'held'), params.tenantId ? eq(assets.tenantId, params.tenantId) : undefined, after ? gt(assets.id, after) : undefined),
    )
    .orderBy(asc(assets.id))
    .limit(params.limit + 1);
  return toPage(rows, params.limit);
}

/** Rejected assets whose variants and original are still where they were, oldest first. */
export async function listAssetsToQuarantine(db: Executor, params: { limit: number; tenantId?: string | undefined }): Promise<Asset[]> {
  return db
    .select()
    .from(assets)
    .where(and(eq(assets.status, 'rejected'), isNull(assets.quarantinedAt), params.tenantId ? eq(assets.tenantId, params.tenantId) : undefined))
    .orderBy(asc(assets.updatedAt))
    .limit(params.limit);
}

/**
 * Holds a rejected asset for its quarantine pass with a move's claim (`moveClaim`), which a job's
 * start waits for (`startJobAttemptOutsideMoves`): an admin's restore may queue the asset again
 * meanwhile, but its render never reads an original the pass is moving. Taken as a visibility
 * move's is (the row locked, then claimed in a statement that sees every job start committed);
 * undefined when a job or a move has the asset, or it is no longer owed its quarantine.
 */
export function claimQuarantine(db: Executor, params: { id: string; claimMs: number }): Promise<ClaimedMove | undefined> {
  return claimAssetWhere(db, { ...params, where: and(eq(assets.status, 'rejected'), isNull(assets.quarantinedAt)) });
}

/**
 * Records a rejected asset's original in quarantine (its new key) and its variants gone (their
 * rows with them); a takedown of a published public asset says what a CDN should purge, with its
 * `asset.updated`, in the same transaction. False when it is no longer rejected (restored, deleted).
 */
export async function markAssetQuarantined(
  db: Executor,
  params: { id: string; originalKey: string; purge?: PurgeList | undefined },
): Promise<boolean> {
  return db.transaction(async (tx) => {
    const [asset] = await tx
      .update(assets)
      .set({ originalKey: params.originalKey, quarantinedAt: sql`now()`, updatedAt: sql`now()` })
      .where(and(eq(assets.id, params.id), eq(assets.status, 'rejected'), isNull(assets.quarantinedAt)))
      .returning();
    if (!asset) return false;
    await tx.delete(variants).where(eq(variants.assetId, params.id));
    if (params.purge) await recordAssetEvent(tx, { type: 'asset.updated', asset, purge: params.purge });
    return true;
  });
}

/** Rejected assets whose quarantine ran out (QUARANTINE_DAYS) and whose original is still kept. */
export async function listQuarantineExpired(db: Executor, params: { quarantinedBefore: Date; limit: number }): Promise<Asset[]> {
  return db
    .select()
    .from(assets)
    .where(and(eq(assets.status, 'rejected'), lt(assets.quarantinedAt, params.quarantinedBefore), isNull(assets.purgedAt)))
    .orderBy(asc(assets.quarantinedAt))
    .limit(params.limit);
}

/** A restored asset's original back in place from quarantine (an admin's approve of a rejected asset). */
export async function markAssetReleased(db: Executor, params: { id: string; originalKey: string }): Promise<Asset | undefined> {
  const [asset] = await db
    .update(assets)
    .set({ originalKey: params.originalKey, quarantinedAt: null, updatedAt: sql`now()` })
    .where(and(eq(assets.id, params.id), sql`${assets.status} <> 'rejected'`))
    .returning();
  return asset;
}
