import { and, asc, count, eq, gt, isNull, or, sql, type SQL } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import type { Executor } from '../client.js';
import { runDirect } from '../direct-query.js';
import { newId } from '../ids.js';
import { blocklistEntries, type BlocklistEntry } from '../moderation-schema.js';
import { decodeCursor, InvalidCursorError, isUuid, toPage, type Page } from '../pagination.js';
import { preparedPer } from '../prepared.js';

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
  // Oldest first (docs/api.md#blocklists): a list read as it was built.
  const after = params.cursor ? decodeCursor(params.cursor) : undefined;
  if (after === null) throw new InvalidCursorError();
  const rows = await db
    .select()
    .from(blocklistEntries)
    .where(and(inList(params.tenantId), after ? gt(blocklistEntries.id, after) : undefined))
    .orderBy(asc(blocklistEntries.id))
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
 * The hashes asked about, by their place in the array: a row's `nearHashes` and `distances` follow
 * it. Named `asked`, not `hash`: drizzle writes a selected column unqualified, which inside the
 * subquery would name this one.
 */
const askedHashes = sql`unnest(${sql.placeholder('hashes')}::bigint[]) with ordinality as q(asked, n)`;
const distance = sql`bit_count((${blocklistEntries.hash} # q.asked)::bit(64))`;
const within = sql`${distance} <= ${sql.placeholder('maxDistance')}`;
const partIn = (part: AnyPgColumn, name: string): SQL => sql`${part} = any(${sql.placeholder(name)}::int[])`;

/**
 * The lookup, built once and run on the driver (`runDirect`, `matchQuery`): one prepared statement
 * whatever the number of hashes, each array one parameter, not one per value. The entries whose
 * parts are among the probes (each part's index read as a bitmap scan, the three OR-ed), kept when
 * one of the hashes is within the distance, each with the hashes it is near and their distances.
 * Exported for the benchmark, which EXPLAINs it.
 */
export const blocklistMatchSelect = (db: Executor) =>
  db
    .select({
      id: blocklistEntries.id,
      tenantId: blocklistEntries.tenantId,
      hash: blocklistEntries.hash,
      nearHashes: sql<string[]>`array(select q.asked::text from ${askedHashes} where ${within} order by q.n)`,
      distances: sql<number[]>`array(select ${distance}::int from ${askedHashes} where ${within} order by q.n)`,
    })
    .from(blocklistEntries)
    .where(
      and(
        or(eq(blocklistEntries.tenantId, sql.placeholder('tenantId')), isNull(blocklistEntries.tenantId)),
        or(partIn(blocklistEntries.part0, 'part0'), partIn(blocklistEntries.part1, 'part1'), partIn(blocklistEntries.part2, 'part2')),
        sql`exists (select from ${askedHashes} where ${within})`,
      ),
    );

const matchQuery = preparedPer((db) => runDirect(blocklistMatchSelect(db).prepare('find_blocklist_matches')));

/**
 * Every entry of the tenant's list or the deployment's within `maxDistance` of any of `hashes`,
 * one per (entry, hash) pair, nearest first. Multi-index hashing (moderation-schema.ts): each
 * part's index is asked for the values within ⌊d/3⌋ bits of the hashes' parts, which by the
 * pigeonhole holds every entry within d, then the whole distance is checked on those candidates
 * alone, in the same statement (bench/blocklist.ts measures it and shows its plan).
 */
export async function findBlocklistMatches(db: Executor, params: MatchParams): Promise<BlocklistMatch[]> {
  const values = matchValues(params); // refuses a distance out of bounds, whatever the hashes
  if (params.hashes.length === 0) return [];
  const rows = await matchQuery(db).execute(values);
  const matches = rows.flatMap((row) =>
    row.nearHashes.map((near, i) => ({
      entryId: row.id,
      tenantId: row.tenantId,
      hash: row.hash,
      distance: row.distances[i]!,
      queryHash: BigInt(near),
    })),
  );
  return matches.sort((a, b) => a.distance - b.distance || (a.entryId < b.entryId ? -1 : 1));
}

export interface MatchParams {
  tenantId: string;
  hashes: bigint[];
  maxDistance: number;
}

/** The lookup's parameters: the probes of each part, the arrays as Postgres' text form. */
export function matchValues({ tenantId, hashes, maxDistance }: MatchParams): Record<string, unknown> {
  if (!Number.isInteger(maxDistance) || maxDistance < 0 || maxDistance > MAX_LOOKUP_DISTANCE) {
    throw new RangeError(`maxDistance must be a whole number from 0 to ${MAX_LOOKUP_DISTANCE}, got ${maxDistance}`);
  }
  const [part0, part1, part2] = partProbes(hashes, Math.floor(maxDistance / 3)).map(arrayText);
  return { tenantId, hashes: arrayText(hashes), maxDistance, part0, part1, part2 };
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

/** An array as one text parameter (`{1,2,3}`), not one parameter per value: a lookup can probe thousands. */
const arrayText = (values: readonly (number | bigint)[]): string => `{${values.join(',')}}`;
