import { and, asc, count, eq, gt, isNull, type SQL } from 'drizzle-orm';
import type { Executor } from '../client.js';
import { newId } from '../ids.js';
import { blocklistEntries, type BlocklistEntry } from '../moderation-schema.js';
import { decodeCursor, InvalidCursorError, toPage, type Page } from '../pagination.js';

/**
 * The blocklists' rows: a tenant's (tenantId set) and the deployment's (tenantId null). Minimal
 * stand-in for the blocklist branch's file, with its signatures: the lookup by distance is that file's.
 */

/** Bits 0–20, 21–41 and 42–63 of the unsigned hash: the three indexed parts (moderation-schema.ts). */
export function hashParts(hash: bigint): { part0: number; part1: number; part2: number } {
  const unsigned = BigInt.asUintN(64, hash);
  return {
    part0: Number(unsigned & 0x1fffffn),
    part1: Number((unsigned >> 21n) & 0x1fffffn),
    part2: Number((unsigned >> 42n) & 0x3fffffn),
  };
}

const listOf = (tenantId: string | null): SQL => (tenantId === null ? isNull(blocklistEntries.tenantId) : eq(blocklistEntries.tenantId, tenantId));

/** Adds entries to one list; a hash the list has already answers its existing row. */
export async function addBlocklistEntries(
  db: Executor,
  params: { tenantId: string | null; entries: { hash: bigint; reason: string | null; assetId: string | null }[] },
): Promise<BlocklistEntry[]> {
  if (params.entries.length === 0) return [];
  const rows = params.entries.map((e) => ({ id: newId(), tenantId: params.tenantId, ...e, ...hashParts(e.hash) }));
  await db.insert(blocklistEntries).values(rows).onConflictDoNothing();
  const found = await Promise.all(
    params.entries.map(async (e) => {
      const [row] = await db
        .select()
        .from(blocklistEntries)
        .where(and(listOf(params.tenantId), eq(blocklistEntries.hash, e.hash)));
      return row!;
    }),
  );
  return found;
}

/** One list's entries, oldest first (keyset pagination). */
export async function listBlocklistEntries(
  db: Executor,
  params: { tenantId: string | null; limit: number; cursor?: string | undefined },
): Promise<Page<BlocklistEntry>> {
  const after = params.cursor === undefined ? undefined : decodeCursor(params.cursor);
  if (after === null) throw new InvalidCursorError();
  const rows = await db
    .select()
    .from(blocklistEntries)
    .where(and(listOf(params.tenantId), after ? gt(blocklistEntries.id, after) : undefined))
    .orderBy(asc(blocklistEntries.id))
    .limit(params.limit + 1);
  return toPage(rows, params.limit);
}

/** Removes an entry of that list; false when the list has no such entry. */
export async function deleteBlocklistEntry(db: Executor, params: { tenantId: string | null; id: string }): Promise<boolean> {
  const removed = await db
    .delete(blocklistEntries)
    .where(and(listOf(params.tenantId), eq(blocklistEntries.id, params.id)))
    .returning({ id: blocklistEntries.id });
  return removed.length > 0;
}

export async function countBlocklistEntries(db: Executor, params: { tenantId: string | null }): Promise<number> {
  const [row] = await db.select({ n: count() }).from(blocklistEntries).where(listOf(params.tenantId));
  return row?.n ?? 0;
}
