import { and, count, desc, eq, isNull, sql, type SQL } from 'drizzle-orm';
import type { Executor } from '../client.js';
import { newId } from '../ids.js';
import { blocklistEntries, type BlocklistEntry } from '../moderation-schema.js';
import { isUuid, olderThanCursor, toPage, type Page } from '../pagination.js';

/**
 * The three parts of a 64-bit hash the lookup indexes (moderation-schema.ts): bits 0–20, 21–41 and
 * 42–63, unsigned. Two hashes within distance d differ in at most ⌊d/3⌋ bits of one part at least.
 */
export const PART_BITS = [21, 21, 22] as const;
const PART_SHIFTS = [0n, 21n, 42n] as const;

export function hashParts(hash: bigint): [number, number, number] {
  const unsigned = BigInt.asUintN(64, hash);
  const part = (i: 0 | 1 | 2) => Number((unsigned >> PART_SHIFTS[i]) & ((1n << BigInt(PART_BITS[i])) - 1n));
  return [part(0), part(1), part(2)];
}

/**
 * The largest distance a lookup takes. A part's radius is ⌊d/3⌋: at 3 (d ≤ 11) each part asks for
 * 1 + 22 + 231 + 1540 values at most, 5,400 a hash for all three, and each value's share of a
 * million-entry list; at 4 it would be six times as many. The config caps BLOCKLIST_MAX_DISTANCE here.
 */
export const MAX_LOOKUP_DISTANCE = 11;

/** Whose list: a tenant's, or null for the deployment's. */
export interface BlocklistScope {
  tenantId: string | null;
}

export interface NewBlocklistEntry {
  hash: bigint;
  reason: string | null;
  assetId: string | null;
}

const inList = (tenantId: string | null): SQL => (tenantId === null ? isNull(blocklistEntries.tenantId) : eq(blocklistEntries.tenantId, tenantId));

/**
 * Adds hashes to a list and answers their entries, in the order given: a hash the list already
 * holds answers the entry it has (its reason and asset kept), as does a hash given twice.
 * The no-op update makes RETURNING answer the existing row, in the same statement.
 */
export async function addBlocklistEntries(db: Executor, params: BlocklistScope & { entries: NewBlocklistEntry[] }): Promise<BlocklistEntry[]> {
  const firstOfEach = new Map<bigint, NewBlocklistEntry>();
  for (const entry of params.entries) if (!firstOfEach.has(entry.hash)) firstOfEach.set(entry.hash, entry);
  if (firstOfEach.size === 0) return [];
  const values = [...firstOfEach.values()].map(({ hash, reason, assetId }) => {
    const [part0, part1, part2] = hashParts(hash);
    return { id: newId(), tenantId: params.tenantId, hash, part0, part1, part2, reason, assetId };
  });
  const rows = await db
    .insert(blocklistEntries)
    .values(values)
    .onConflictDoUpdate({ target: [blocklistEntries.tenantId, blocklistEntries.hash], set: { hash: sql`excluded.hash` } })
    .returning();
  const byHash = new Map(rows.map((row) => [row.hash, row]));
  return params.entries.map((entry) => byHash.get(entry.hash)!);
}

/** A list's entries, newest first, a page at a time (keyset by id). */
export async function listBlocklistEntries(
  db: Executor,
  params: BlocklistScope & { limit: number; cursor?: string | null | undefined },
): Promise<Page<BlocklistEntry>> {
  const after = params.cursor ? olderThanCursor(blocklistEntries.id, params.cursor) : undefined;
  const rows = await db
    .select()
    .from(blocklistEntries)
    .where(and(inList(params.tenantId), after))
    .orderBy(desc(blocklistEntries.id))
    .limit(params.limit + 1);
  return toPage(rows, params.limit);
}

/** Removes an entry of the list; false when the list has no such entry (another list's included). */
export async function deleteBlocklistEntry(db: Executor, params: BlocklistScope & { id: string }): Promise<boolean> {
  if (!isUuid(params.id)) return false;
  const rows = await db
    .delete(blocklistEntries)
    .where(and(eq(blocklistEntries.id, params.id), inList(params.tenantId)))
    .returning({ id: blocklistEntries.id });
  return rows.length > 0;
}

export async function countBlocklistEntries(db: Executor, params: BlocklistScope): Promise<number> {
  const [row] = await db.select({ n: count() }).from(blocklistEntries).where(inList(params.tenantId));
  return row?.n ?? 0;
}

export interface BlocklistMatch {
  entryId: string;
  /** Null: the deployment's list. */
  tenantId: string | null;
  hash: bigint;
  /** Bits that differ between the entry's hash and `queryHash`. */
  distance: number;
  /** The hash asked about that the entry is near. */
  queryHash: bigint;
}

/**
 * Every entry of the tenant's list or the deployment's within `maxDistance` of any of `hashes`,
 * one row per (entry, hash) pair, nearest first. Multi-index hashing (moderation-schema.ts): each
 * part's index is asked for the values within ⌊d/3⌋ bits of the hashes' parts, which by the
 * pigeonhole holds every entry within d, then the whole distance is checked on those candidates
 * alone. One statement; the parts' indexes are read as bitmap scans, OR-ed (bench/blocklist.ts).
 */
export async function findBlocklistMatches(
  db: Executor,
  params: { tenantId: string; hashes: bigint[]; maxDistance: number },
): Promise<BlocklistMatch[]> {
  const { maxDistance } = params;
  if (!Number.isInteger(maxDistance) || maxDistance < 0 || maxDistance > MAX_LOOKUP_DISTANCE) {
    throw new RangeError(`maxDistance must be a whole number from 0 to ${MAX_LOOKUP_DISTANCE}, got ${maxDistance}`);
  }
  if (params.hashes.length === 0) return [];
  const probes = partProbes(params.hashes, Math.floor(maxDistance / 3));
  const rows = await db.execute<{ id: string; tenant_id: string | null; hash: string; query: string; distance: number }>(sql`
    with candidates as (
      select id, tenant_id, hash from blocklist_entries
      where (tenant_id = ${params.tenantId} or tenant_id is null)
        and (part0 = any(${intArray(probes[0])}::int[]) or part1 = any(${intArray(probes[1])}::int[]) or part2 = any(${intArray(probes[2])}::int[]))
    )
    select c.id, c.tenant_id, c.hash::text as hash, q.hash::text as query, bit_count((c.hash # q.hash)::bit(64))::int as distance
    from candidates c cross join unnest(${bigintArray(params.hashes)}::bigint[]) as q(hash)
    where bit_count((c.hash # q.hash)::bit(64)) <= ${maxDistance}
    order by distance, c.id`);
  return rows.map((row) => ({
    entryId: row.id,
    tenantId: row.tenant_id,
    hash: BigInt(row.hash),
    distance: row.distance,
    queryHash: BigInt(row.query),
  }));
}

/** For each part, the distinct values within `radius` bits of any hash's part. */
function partProbes(hashes: bigint[], radius: number): [number[], number[], number[]] {
  const sets = [new Set<number>(), new Set<number>(), new Set<number>()] as const;
  for (const hash of hashes) {
    const parts = hashParts(hash);
    for (const i of [0, 1, 2] as const) for (const value of valuesWithin(parts[i], PART_BITS[i], radius)) sets[i].add(value);
  }
  return [[...sets[0]], [...sets[1]], [...sets[2]]];
}

/** Every value of `bits` bits within `radius` flipped bits of `value` (itself included): Σ C(bits, k) for k ≤ radius. */
export function valuesWithin(value: number, bits: number, radius: number): number[] {
  const values: number[] = [value];
  const flip = (from: number, start: number, left: number): void => {
    for (let bit = start; bit < bits; bit++) {
      const flipped = from ^ (1 << bit);
      values.push(flipped);
      if (left > 1) flip(flipped, bit + 1, left - 1);
    }
  };
  if (radius > 0) flip(value, 0, radius);
  return values;
}

/** Arrays go as one text parameter each (`{1,2,3}`), not one parameter per value: a lookup can probe thousands. */
const intArray = (values: number[]): string => `{${values.join(',')}}`;
const bigintArray = (values: bigint[]): string => `{${values.join(',')}}`;
