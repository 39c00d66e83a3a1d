import type { PurgeList } from '@darkroom/core/contract/event';
import type { Visibility } from '@darkroom/core/private-links';
import { and, asc, eq, lt, ne, or, sql, type SQL } from 'drizzle-orm';
import type { Executor } from '../client.js';
import { newId } from '../ids.js';
import { assets, type Asset, type Job } from '../schema.js';
import { recordAssetEvent } from './events.js';
import { startJobAttempt } from './jobs.js';

/**
 * A ready asset's new visibility (`PATCH /v1/assets/:id`). Its objects stay where they are
 * (`objects_visibility`): the worker moves them, then `finishAssetVisibilityMove` says so with the
 * asset's `asset.updated`. A change while a move was still owed may find the objects split between
 * the two places: they are then taken to be where that move was taking them, so a move is owed again
 * and gathers them all (a move takes whatever is in the other place). A new change starts with no
 * backoff of an earlier one. Undefined when the asset is not ready (any more).
 */
export async function setAssetVisibility(db: Executor, params: { id: string; visibility: Visibility }): Promise<Asset | undefined> {
  const [asset] = await db
    .update(assets)
    .set({
      visibility: params.visibility,
      // The right-hand sides read the row as it was before this update.
      objectsVisibility: sql`case when ${assets.objectsVisibility} <> ${assets.visibility} then ${assets.visibility} else ${assets.objectsVisibility} end`,
      moveNextAt: null,
      moveFailures: 0,
      updatedAt: sql`now()`,
    })
    .where(and(eq(assets.id, params.id), eq(assets.status, 'ready')))
    .returning();
  return asset;
}

/** A move claimed by one worker: the asset as it was claimed, and the token every later step names. */
export interface ClaimedMove {
  asset: Asset;
  claim: string;
}

export type MoveClaimOutcome =
  | { outcome: 'claimed'; move: ClaimedMove }
  /** Its asset's job is active: tried again after `waitMs`, behind the others. */
  | { outcome: 'waiting'; assetId: string }
  /** Nothing owed (that is due and free). */
  | { outcome: 'none' };

export interface MoveClaimParams {
  /** How long the claim holds unless renewed (`renewVisibilityMove`). */
  claimMs: number;
  /** How long a move whose asset has an active job waits before it is tried again. */
  waitMs: number;
  /** Only changes made before this (a grace after the change and after a job's record). */
  changedBefore?: Date | undefined;
  /** Only a tenant's (tests share a database). */
  tenantId?: string | undefined;
  /** Only this asset. */
  assetId?: string | undefined;
}

/**
 * Claims the owed move that has waited longest (a move tried again counts from its next try, so
 * one that waits or fails goes behind the others): its row is locked with SKIP LOCKED (two workers
 * never take one asset), then, in a statement of its own that sees every job start committed before
 * it, claimed unless a job of the asset is active. A job's start locks the row too
 * (`startJobAttemptOutsideMoves`), so a move and a job of one asset never both go ahead. An asset
 * being deleted is left out: the purge sweep removes its objects where they are.
 */
export async function claimVisibilityMove(db: Executor, params: MoveClaimParams): Promise<MoveClaimOutcome> {
  return db.transaction(async (tx) => {
    const [due] = await tx
      .select({ id: assets.id })
      .from(assets)
      .where(
        and(
          sql`${assets.visibility} <> ${assets.objectsVisibility}`,
          ne(assets.status, 'deleting'),
          // Held or rejected: nothing of it may reach the public place (an approval makes it `approved`).
          sql`${assets.moderation}->>'state' not in ('held', 'rejected')`,
          sql`(${assets.moveClaimedUntil} is null or ${assets.moveClaimedUntil} < now())`,
          sql`(${assets.moveNextAt} is null or ${assets.moveNextAt} <= now())`,
          // An approved held asset moves at once: nothing public ever served it, so no grace is owed.
          params.changedBefore ? or(lt(assets.updatedAt, params.changedBefore), eq(assets.status, 'held')) : undefined,
          params.tenantId ? eq(assets.tenantId, params.tenantId) : undefined,
          params.assetId ? eq(assets.id, params.assetId) : undefined,
        ),
      )
      .orderBy(sql`greatest(${assets.updatedAt}, ${assets.moveNextAt})`, asc(assets.id))
      .limit(1)
      .for('update', { skipLocked: true });
    if (!due) return { outcome: 'none' };
    const claim = newId();
    const [asset] = await tx
      .update(assets)
      .set({ moveClaim: claim, moveClaimedUntil: sql`now() + ${params.claimMs} * interval '1 millisecond'` })
      .where(and(eq(assets.id, due.id), sql`not exists (select 1 from jobs where jobs.asset_id = ${assets.id} and jobs.state = 'active')`))
      .returning();
    if (asset) return { outcome: 'claimed', move: { asset, claim } };
    await tx
      .update(assets)
      .set({ moveNextAt: sql`now() + ${params.waitMs} * interval '1 millisecond'` })
      .where(eq(assets.id, due.id));
    return { outcome: 'waiting', assetId: due.id };
  });
}

/**
 * Holds a claim `claimMs` longer; false when it no longer holds or the move is no longer wanted (the
 * visibility changed, the asset is being deleted): the move then stops where it is.
 */
export async function renewVisibilityMove(db: Executor, params: { move: ClaimedMove; claimMs: number }): Promise<boolean> {
  const { asset, claim } = params.move;
  const renewed = await db
    .update(assets)
    .set({ moveClaimedUntil: sql`now() + ${params.claimMs} * interval '1 millisecond'` })
    .where(and(eq(assets.id, asset.id), eq(assets.moveClaim, claim), eq(assets.visibility, asset.visibility), ne(assets.status, 'deleting')))
    .returning({ id: assets.id });
  return renewed.length > 0;
}

/**
 * Holds an asset that no job and no move has, with a move's claim (which a job's start and the next
 * move wait for), for a pass over its objects that nothing may write meanwhile; taken as a visibility
 * move's is (the row locked, then claimed in a statement that sees every job start committed).
 * Undefined when a job or a move has it, or it is being deleted (its purge removes every object).
 * `releaseVisibilityMove` ends it.
 */
export function claimIdleAsset(db: Executor, params: { id: string; claimMs: number }): Promise<ClaimedMove | undefined> {
  return claimAssetWhere(db, { ...params, where: ne(assets.status, 'deleting') });
}

/**
 * The asset held with a move's claim for `claimMs`, when `where` still holds of it and no job or
 * move has it: the row locked first, then claimed in a statement that sees every job start
 * committed. What claimIdleAsset and the quarantine pass's claim share.
 */
export async function claimAssetWhere(
  db: Executor,
  params: { id: string; claimMs: number; where: SQL | undefined },
): Promise<ClaimedMove | undefined> {
  const wanted = and(eq(assets.id, params.id), params.where);
  return db.transaction(async (tx) => {
    const [free] = await tx
      .select({ id: assets.id })
      .from(assets)
      .where(and(wanted, sql`(${assets.moveClaimedUntil} is null or ${assets.moveClaimedUntil} < now())`))
      .for('update');
    if (!free) return undefined;
    const claim = newId();
    const [asset] = await tx
      .update(assets)
      .set({ moveClaim: claim, moveClaimedUntil: sql`now() + ${params.claimMs} * interval '1 millisecond'` })
      .where(and(wanted, sql`not exists (select 1 from jobs where jobs.asset_id = ${assets.id} and jobs.state = 'active')`))
      .returning();
    return asset ? { asset, claim } : undefined;
  });
}

const released = { moveClaim: null, moveClaimedUntil: null } as const;

/**
 * Ends a claim without recording a move: one that stopped because it was no longer wanted, or one
 * that failed (`retry`), tried again after a backoff that doubles with each failure up to `maxMs`.
 */
export async function releaseVisibilityMove(
  db: Executor,
  params: { move: ClaimedMove; retry?: { baseMs: number; maxMs: number } | undefined },
): Promise<void> {
  const { retry } = params;
  const backoff = retry
    ? {
        moveFailures: sql`${assets.moveFailures} + 1`,
        moveNextAt: sql`now() + least(${retry.maxMs}::float8, ${retry.baseMs}::float8 * power(2, least(${assets.moveFailures}, 30))) * interval '1 millisecond'`,
      }
    : {};
  await db
    .update(assets)
    .set({ ...released, ...backoff })
    .where(and(eq(assets.id, params.move.asset.id), eq(assets.moveClaim, params.move.claim)));
}

/**
 * Records that the asset's objects are now where its claimed move took them, with its
 * `asset.updated` event (carrying `purge` when given), and ends the claim, in one transaction;
 * nothing is recorded when the visibility changed again meanwhile (the next move starts from where
 * the objects are) or the claim no longer holds. Returns whether it applied. An asset being deleted
 * gets no event: its `asset.deleted` was its last; an approved held asset is published (`asset.ready`).
 */
export async function finishAssetVisibilityMove(db: Executor, params: { move: ClaimedMove; purge?: PurgeList | undefined }): Promise<boolean> {
  const { asset, claim } = params.move;
  return db.transaction(async (tx) => {
    const [moved] = await tx
      .update(assets)
      .set({ ...released, objectsVisibility: asset.visibility, moveNextAt: null, moveFailures: 0, updatedAt: sql`now()` })
      .where(
        and(
          eq(assets.id, asset.id),
          eq(assets.moveClaim, claim),
          eq(assets.visibility, asset.visibility),
          ne(assets.objectsVisibility, asset.visibility),
        ),
      )
      .returning();
    if (!moved) {
      await releaseVisibilityMove(tx, { move: params.move });
      return false;
    }
    if (moved.status === 'held') await publishApprovedAsset(tx, moved);
    else if (moved.status !== 'deleting') await recordAssetEvent(tx, { type: 'asset.updated', asset: moved, purge: params.purge });
    return true;
  });
}

/** An approved held asset whose objects reached its place: `ready`, announced by `asset.ready` now that every URL answers. */
async function publishApprovedAsset(tx: Executor, moved: Asset): Promise<void> {
  const [ready] = await tx
    .update(assets)
    .set({ status: 'ready', readyAt: sql`coalesce(${assets.readyAt}, now())`, updatedAt: sql`now()` })
    .where(eq(assets.id, moved.id))
    .returning();
  await recordAssetEvent(tx, { type: 'asset.ready', asset: ready! });
}

/** A job's start: it started (`started`: its row), had already finished, or waits for its asset's move. */
export type AttemptStart = { kind: 'started'; row: Job } | { kind: 'finished' } | { kind: 'moving'; until: Date };

/**
 * Starts a job's attempt unless a move holds its asset: the asset's row is locked first (FOR KEY
 * SHARE: ordinary updates go on), which waits for a claim being made (`claimVisibilityMove` locks it
 * FOR UPDATE), so the job either sees the claim and waits, or starts before the move's check of its
 * jobs, which then sees it active. A job whose asset is gone starts as any other.
 */
export async function startJobAttemptOutsideMoves(db: Executor, params: { jobId: string; assetId: string }): Promise<AttemptStart> {
  return db.transaction(async (tx) => {
    const [held] = await tx
      .select({ until: assets.moveClaimedUntil, moving: sql<boolean>`${assets.moveClaimedUntil} > now()` })
      .from(assets)
      .where(eq(assets.id, params.assetId))
      .for('key share');
    if (held?.moving && held.until) return { kind: 'moving', until: held.until };
    const row = await startJobAttempt(tx, { id: params.jobId });
    return row ? { kind: 'started', row } : { kind: 'finished' };
  });
}
