import { randomBytes } from 'node:crypto';
import { eq, isNull, or } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase, type DatabaseHandle } from '../client.js';
import { newId } from '../ids.js';
import { blocklistEntries } from '../moderation-schema.js';
import {
  addBlocklistEntries,
  countBlocklistEntries,
  deleteBlocklistEntry,
  findBlocklistMatches,
  listBlocklistEntries,
  MAX_LOOKUP_DISTANCE,
  type BlocklistMatch,
} from './blocklist.js';

let handle: DatabaseHandle;
beforeAll(() => {
  handle = createDatabase({ url: process.env.DATABASE_URL! });
});
afterAll(() => handle?.close());

const randomHash = (): bigint => randomBytes(8).readBigInt64LE();

/** `hash` with `distance` of its bits flipped, chosen at random. */
function flipped(hash: bigint, distance: number): bigint {
  const bits = new Set<number>();
  while (bits.size < distance) bits.add(Math.floor(Math.random() * 64));
  let mask = 0n;
  for (const bit of bits) mask |= 1n << BigInt(bit);
  return BigInt.asIntN(64, hash ^ mask);
}

/** `hash` with `distance` bits flipped as evenly over the three parts as they go: the lookup's worst case. */
function spreadFlipped(hash: bigint, distance: number): bigint {
  const starts = [0, 21, 42];
  let mask = 0n;
  for (let i = 0; i < distance; i++) mask |= 1n << BigInt(starts[i % 3]! + Math.floor(i / 3) * 5);
  return BigInt.asIntN(64, hash ^ mask);
}

const popcount = (x: bigint): number => BigInt.asUintN(64, x).toString(2).replaceAll('0', '').length;

async function addRandom(tenantId: string | null, n: number): Promise<void> {
  for (let done = 0; done < n; done += 1000) {
    const entries = Array.from({ length: Math.min(1000, n - done) }, () => ({ hash: randomHash(), reason: null, assetId: null }));
    await addBlocklistEntries(handle.db, { tenantId, entries });
  }
}

/** Every (entry, query) pair within the distance, by reading the two lists whole. */
async function bruteForce(tenantId: string, hashes: bigint[], maxDistance: number): Promise<string[]> {
  const rows = await handle.db
    .select()
    .from(blocklistEntries)
    .where(or(eq(blocklistEntries.tenantId, tenantId), isNull(blocklistEntries.tenantId)));
  return rows.flatMap((row) => hashes.filter((q) => popcount(row.hash ^ q) <= maxDistance).map((q) => `${row.id}:${q}`)).sort();
}

const pairs = (matches: BlocklistMatch[]): string[] => matches.map((m) => `${m.entryId}:${m.queryHash}`).sort();

describe('findBlocklistMatches', () => {
  const tenant = newId();
  const other = newId();
  const queries = Array.from({ length: 6 }, randomHash);

  beforeAll(async () => {
    await addRandom(tenant, 3000);
    await addRandom(other, 1000);
    await addRandom(null, 1000);
    // Around each query: the tenant's entries at every distance to 12, spread and at random, the
    // deployment's at a few, and another tenant's at 0 to 3, which must never match.
    for (const q of queries) {
      const near = (d: number) => [spreadFlipped(q, d), flipped(q, d)];
      const mine = Array.from({ length: 13 }, (_, d) => near(d)).flat();
      await addBlocklistEntries(handle.db, { tenantId: tenant, entries: mine.map((hash) => ({ hash, reason: 'planted', assetId: null })) });
      const deployment = [1, 4, 8, 9].map((d) => flipped(q, d));
      await addBlocklistEntries(handle.db, { tenantId: null, entries: deployment.map((hash) => ({ hash, reason: 'planted', assetId: null })) });
      const others = [0, 1, 2, 3].map((d) => flipped(q, d));
      await addBlocklistEntries(handle.db, { tenantId: other, entries: others.map((hash) => ({ hash, reason: 'planted', assetId: null })) });
    }
  }, 60_000);

  it.each([0, 2, 3, 5, 8, 9, MAX_LOOKUP_DISTANCE])('finds exactly the entries within %i, as a scan of every entry does', async (maxDistance) => {
    const found = await findBlocklistMatches(handle.db, { tenantId: tenant, hashes: queries, maxDistance });
    // At least one planted entry at each distance to maxDistance, around every query.
    expect(found.length).toBeGreaterThanOrEqual(queries.length * (maxDistance + 1));
    expect(pairs(found)).toEqual(await bruteForce(tenant, queries, maxDistance));
    for (const match of found) {
      expect(match.distance).toBe(popcount(match.hash ^ match.queryHash));
      expect(match.distance).toBeLessThanOrEqual(maxDistance);
      expect(match.tenantId === null || match.tenantId === tenant).toBe(true);
    }
  });

  it("matches the deployment's list for every tenant, and no other tenant's", async () => {
    const stranger = newId();
    const found = await findBlocklistMatches(handle.db, { tenantId: stranger, hashes: queries, maxDistance: 8 });
    expect(found.every((m) => m.tenantId === null)).toBe(true);
    expect(found.filter((m) => popcount(m.hash ^ m.queryHash) <= 8).length).toBeGreaterThanOrEqual(queries.length * 3);
    const mine = await findBlocklistMatches(handle.db, { tenantId: tenant, hashes: queries, maxDistance: 8 });
    expect(mine.some((m) => m.tenantId === other)).toBe(false);
    expect(mine.some((m) => m.tenantId === null)).toBe(true);
  });

  it('refuses a distance whose probes would be unbounded', async () => {
    await expect(findBlocklistMatches(handle.db, { tenantId: tenant, hashes: queries, maxDistance: MAX_LOOKUP_DISTANCE + 1 })).rejects.toThrow(
      RangeError,
    );
    expect(await findBlocklistMatches(handle.db, { tenantId: tenant, hashes: [], maxDistance: 8 })).toEqual([]);
  });
});

describe('a list', () => {
  it('answers the entry a hash already has, keeping its reason and asset', async () => {
    const tenantId = newId();
    const assetId = newId();
    const [first] = await addBlocklistEntries(handle.db, { tenantId, entries: [{ hash: 42n, reason: 'first', assetId }] });
    const again = await addBlocklistEntries(handle.db, {
      tenantId,
      entries: [
        { hash: -7n, reason: 'new', assetId: null },
        { hash: 42n, reason: 'second', assetId: null },
        { hash: -7n, reason: 'twice', assetId: null },
      ],
    });
    expect(again.map((e) => [e.hash, e.reason])).toEqual([
      [-7n, 'new'],
      [42n, 'first'],
      [-7n, 'new'],
    ]);
    expect(again[1]).toEqual(first);
    expect(first).toMatchObject({ tenantId, assetId, part0: 42, part1: 0, part2: 0 });
    // The same hash in the deployment's list is an entry of its own.
    const [deployment] = await addBlocklistEntries(handle.db, { tenantId: null, entries: [{ hash: 42n, reason: null, assetId: null }] });
    expect(deployment!.id).not.toBe(first!.id);
    expect(await countBlocklistEntries(handle.db, { tenantId })).toBe(2);
  });

  it('pages its entries oldest first, and deletes only its own', async () => {
    const tenantId = newId();
    const added: string[] = [];
    for (let i = 0; i < 5; i++) {
      const [entry] = await addBlocklistEntries(handle.db, { tenantId, entries: [{ hash: randomHash(), reason: null, assetId: null }] });
      added.push(entry!.id);
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await listBlocklistEntries(handle.db, { tenantId, limit: 2, cursor });
      seen.push(...page.items.map((e) => e.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(added);

    expect(await deleteBlocklistEntry(handle.db, { tenantId: newId(), id: added[0]! })).toBe(false);
    expect(await deleteBlocklistEntry(handle.db, { tenantId: null, id: added[0]! })).toBe(false);
    expect(await deleteBlocklistEntry(handle.db, { tenantId, id: 'not-an-id' })).toBe(false);
    expect(await deleteBlocklistEntry(handle.db, { tenantId, id: added[0]! })).toBe(true);
    expect(await deleteBlocklistEntry(handle.db, { tenantId, id: added[0]! })).toBe(false);
    expect(await countBlocklistEntries(handle.db, { tenantId })).toBe(4);
  });
});
