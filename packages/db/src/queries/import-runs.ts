import { and, eq, inArray, lt, ne, sql } from 'drizzle-orm';
import type { Executor } from '../client.js';
import { importIdentities, importItems, imports, type ImportItem, type NewImportItem } from '../import-schema.js';
import { assets } from '../schema.js';
import { insertImportItems } from './imports.js';
import { importItemUsage, recordWork } from './usage/work.js';

/**
 * What a runner does with an import (packages/intake/src/imports/): it holds the import's lease while it
 * runs it (import-claims.ts), lists its source a page at a time, takes its items in order, and
 * records each outcome with the import's counts in one transaction. Everything is in Postgres, so a
 * runner that dies leaves the import to be taken up where it was once its lease lapses.
 */

/**
 * Records what a bucket source's listing found, in order after what it found before, with where it
 * goes on from: 'saved'; or, when the import would then hold more than `maxItems` items, nothing,
 * and 'too_large' (the import ends there).
 */
export async function saveListingPage(
  db: Executor,
  params: {
    id: string;
    tenantId: string;
    items: Omit<NewImportItem, 'id' | 'importId' | 'tenantId' | 'seq'>[];
    next: string | null;
    maxItems: number;
  },
): Promise<'saved' | 'too_large'> {
  return db.transaction(async (tx) => {
    const [locked] = await tx.select({ found: imports.found }).from(imports).where(eq(imports.id, params.id)).for('update');
    if (!locked) return 'saved';
    if (locked.found + params.items.length > params.maxItems) return 'too_large';
    await insertImportItems(tx, { importId: params.id, tenantId: params.tenantId, firstSeq: locked.found, items: params.items });
    await tx
      .update(imports)
      .set({
        found: sql`${imports.found} + ${params.items.length}`,
        listCursor: params.next,
        listed: params.next === null,
        status: sql`case when ${imports.status} = 'planning' then 'running' else ${imports.status} end`,
        updatedAt: sql`now()`,
      })
      .where(eq(imports.id, params.id));
    return 'saved';
  });
}

/**
 * Takes up to `limit` pending items in order, marking them running (their attempt counted), while the
 * import is under way: once paused or over it gives none, though its runner learns of the change only
 * at its next look at the import's row.
 */
export async function claimImportItems(db: Executor, params: { importId: string; limit: number }): Promise<ImportItem[]> {
  const next = sql`(
    select id from import_items where import_id = ${params.importId} and status = 'pending' and (retry_at is null or retry_at <= now())
      and exists (select 1 from imports where id = ${params.importId} and status in ('planning', 'running'))
    order by seq limit ${params.limit} for update skip locked)`;
  return db
    .update(importItems)
    .set({ status: 'running', attempts: sql`${importItems.attempts} + 1`, updatedAt: sql`now()` })
    .where(inArray(importItems.id, next))
    .returning()
    .then((rows) => rows.sort((a, b) => a.seq - b.seq));
}

export type ImportItemOutcome =
  | { status: 'imported'; assetId: string | null; bytes: number }
  | { status: 'skipped'; assetId: string | null; reason: string }
  | { status: 'failed'; error: { code: string; message: string } };

/**
 * An item's claim, as the runner that took it holds it: taking an item counts an attempt, so a claim
 * is the item running at that attempt. A runner whose lease lapsed while it worked may still hold an
 * older claim of an item another runner has taken again; what it records is then dropped.
 */
const stillClaimed = (item: Pick<ImportItem, 'id' | 'attempts'>) =>
  and(eq(importItems.id, item.id), eq(importItems.status, 'running'), eq(importItems.attempts, item.attempts));

/** Whether this claim of the item is still the one under way (a runner whose lease lapsed finds it is not). */
export async function isImportItemClaimed(db: Executor, item: Pick<ImportItem, 'id' | 'attempts'>): Promise<boolean> {
  const [row] = await db.select({ id: importItems.id }).from(importItems).where(stillClaimed(item));
  return row !== undefined;
}

/**
 * An item's outcome and the import's counts, together, only while this claim of the item is the
 * one under way (a runner that lost the import to another finds nothing to record). False when not.
 * The item settled is metered with them (`metering`: USAGE_METERING).
 */
export async function finishImportItem(db: Executor, params: { item: ImportItem; outcome: ImportItemOutcome; metering: boolean }): Promise<boolean> {
  const { item, outcome } = params;
  return db.transaction(async (tx) => {
    const [done] = await tx
      .update(importItems)
      .set({
        status: outcome.status,
        assetId: outcome.status === 'failed' ? null : outcome.assetId,
        reason: outcome.status === 'skipped' ? outcome.reason : null,
        errorCode: outcome.status === 'failed' ? outcome.error.code : null,
        errorMessage: outcome.status === 'failed' ? outcome.error.message : null,
        updatedAt: sql`now()`,
      })
      .where(stillClaimed(item))
      .returning({ id: importItems.id });
    if (!done) return false;
    const bytes = outcome.status === 'imported' ? outcome.bytes : 0;
    await Promise.all([
      tx
        .update(imports)
        .set({ [outcome.status]: sql`${imports[outcome.status]} + 1`, bytes: sql`${imports.bytes} + ${bytes}`, updatedAt: sql`now()` })
        .where(eq(imports.id, item.importId)),
      recordWork(tx, [importItemUsage(item)], params.metering),
    ]);
    return true;
  });
}

/**
 * An item in hand goes back to pending, to be taken again after `delayMs` (its source was unreachable,
 * or the bucket). `uncounted`: it was not tried (it waits for another item), so this take is not an attempt.
 */
export async function retryImportItemLater(db: Executor, params: { item: ImportItem; delayMs: number; uncounted?: boolean }): Promise<void> {
  await db
    .update(importItems)
    .set({
      status: 'pending',
      retryAt: sql`now() + ${params.delayMs} * interval '1 millisecond'`,
      ...(params.uncounted ? { attempts: sql`${importItems.attempts} - 1` } : {}),
      updatedAt: sql`now()`,
    })
    .where(stillClaimed(params.item));
}

/** An item in hand goes back to pending as if it had not been tried: what stopped it was no fault of its own. */
export async function returnImportItem(db: Executor, params: { item: ImportItem }): Promise<void> {
  await db
    .update(importItems)
    .set({ status: 'pending', attempts: sql`${importItems.attempts} - 1`, updatedAt: sql`now()` })
    .where(stillClaimed(params.item));
}

/** Items not yet taken or in hand: none left (and the listing done) is the end of an import. */
export async function countOutstandingItems(db: Executor, params: { importId: string }): Promise<number> {
  const [row] = await db
    .select({ count: sql<number>`count(*)::int` })
    .from(importItems)
    .where(and(eq(importItems.importId, params.importId), inArray(importItems.status, ['pending', 'running'])));
  return row?.count ?? 0;
}

/**
 * What an identity is to an item that asks for it: its own (the asset to make), another's (skipped,
 * with that asset), or an item of the same import still bringing its file (`wait`: ask again once it
 * is done, as it may yet fail and give the identity back).
 */
export type IdentityClaim = { mine: true; assetId: string } | { mine: false; assetId: string; wait?: true };

/**
 * "Never twice": reserves `identityHash` for `itemId` (of `importId`), with `assetId` the id its asset
 * will have. Held already: by this item (a retry after a crash) it stays this item's, with the asset
 * id it reserved; by an item of this import whose asset is not made yet, this item waits; by another
 * item still under way, or one whose asset exists, it is that asset's (skipped); by one whose asset
 * has since been deleted, it passes to this item.
 */
export async function claimImportIdentity(
  db: Executor,
  params: { tenantId: string; identityHash: string; itemId: string; importId: string; assetId: string },
): Promise<IdentityClaim> {
  const { importId, ...identity } = params;
  return db.transaction(async (tx) => {
    const [inserted] = await tx.insert(importIdentities).values(identity).onConflictDoNothing().returning();
    if (inserted) return { mine: true, assetId: inserted.assetId };
    const key = and(eq(importIdentities.tenantId, params.tenantId), eq(importIdentities.identityHash, params.identityHash));
    const [held] = await tx.select().from(importIdentities).where(key).for('update');
    if (!held) return claimImportIdentity(tx, params);
    if (held.itemId === params.itemId) return { mine: true, assetId: held.assetId };
    if (await identityInUse(tx, held)) {
      return (await stillBringing(tx, held, importId)) ? { mine: false, assetId: held.assetId, wait: true } : { mine: false, assetId: held.assetId };
    }
    await tx.update(importIdentities).set({ itemId: params.itemId, assetId: params.assetId, createdAt: sql`now()` }).where(key);
    return { mine: true, assetId: params.assetId };
  });
}

/** Whether the identity's holder is an item of `importId` still under way whose asset is not made yet (it may still fail). */
async function stillBringing(db: Executor, held: { assetId: string; itemId: string }, importId: string): Promise<boolean> {
  const [item] = await db
    .select({ status: importItems.status, assetStatus: assets.status })
    .from(importItems)
    .leftJoin(assets, eq(assets.id, held.assetId))
    .where(and(eq(importItems.id, held.itemId), eq(importItems.importId, importId)));
  if (!item || (item.status !== 'pending' && item.status !== 'running')) return false;
  return item.assetStatus === null || item.assetStatus === 'awaiting_upload';
}

/** An asset in one of these no longer holds its identity: deleted, or an import's upload that never completed. */
const GONE = ['deleting', 'canceled', 'expired'] as const;

/**
 * Whether an identity's holder stands: its asset exists (and is not gone), or its item is still
 * under way in an import that is not over (one canceled or failed leaves its items where they were).
 */
async function identityInUse(db: Executor, held: { assetId: string; itemId: string }): Promise<boolean> {
  const [asset] = await db.select({ status: assets.status }).from(assets).where(eq(assets.id, held.assetId));
  if (asset) return !(GONE as readonly string[]).includes(asset.status);
  const [item] = await db
    .select({ status: importItems.status, importStatus: imports.status })
    .from(importItems)
    .innerJoin(imports, eq(imports.id, importItems.importId))
    .where(eq(importItems.id, held.itemId));
  const underWay = item?.status === 'pending' || item?.status === 'running';
  return underWay && !['done', 'failed', 'canceled'].includes(item.importStatus);
}

/**
 * For a dry run's count, without taking anything: the asset an item's identity already has, or
 * `true` when an earlier item of the same dry run (by its place in the list, whether or not it was
 * looked at yet: they are looked at several at once) imports it or may; null when it would be imported.
 */
export async function identityTakenForDryRun(db: Executor, params: { item: ImportItem }): Promise<string | true | null> {
  const { item } = params;
  const [held] = await db
    .select()
    .from(importIdentities)
    .where(and(eq(importIdentities.tenantId, item.tenantId), eq(importIdentities.identityHash, item.identityHash)));
  if (held && (await identityInUse(db, held))) return held.assetId;
  const [earlier] = await db
    .select({ id: importItems.id })
    .from(importItems)
    .where(
      and(
        eq(importItems.importId, item.importId),
        eq(importItems.identityHash, item.identityHash),
        ne(importItems.status, 'failed'),
        lt(importItems.seq, item.seq),
      ),
    )
    .limit(1);
  return earlier ? true : null;
}

/** Gives an identity back when its item failed, so a later import may try it again. */
export async function releaseImportIdentity(db: Executor, params: { tenantId: string; identityHash: string; itemId: string }): Promise<void> {
  await db
    .delete(importIdentities)
    .where(
      and(
        eq(importIdentities.tenantId, params.tenantId),
        eq(importIdentities.identityHash, params.identityHash),
        eq(importIdentities.itemId, params.itemId),
      ),
    );
}
