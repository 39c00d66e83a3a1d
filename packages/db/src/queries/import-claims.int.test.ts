import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase, type DatabaseHandle } from '../client.js';
import { inArray } from 'drizzle-orm';
import { type Import, imports as importsTable } from '../import-schema.js';
import { claimImport, importRank, isImportWaiting, releaseImportLease } from './import-claims.js';
import { insertImport } from './imports.js';
import { createTenant } from './tenants.js';

/** The runners' claim: which waiting import a runner takes next, by its tenant's turn (packages/intake/src/imports/import-turns.ts). */
let handle: DatabaseHandle;
const tenants: string[] = [];
const imports = new Map<string, Import[]>();

beforeAll(async () => {
  handle = createDatabase({ url: process.env.DATABASE_URL! });
  for (const name of ['claims-a', 'claims-b', 'claims-c']) {
    const tenantId = (await createTenant(handle.db, { name })).id;
    tenants.push(tenantId);
    // Two imports each, the tenant's oldest first.
    const made: Import[] = [];
    for (let n = 0; n < 2; n++) {
      made.push(await insertImport(handle.db, { tenantId, status: 'running', source: { type: 'urls' }, visibility: 'public' }));
    }
    imports.set(tenantId, made);
  }
});
afterAll(async () => {
  // Ended, so that no runner of another test's process takes them up.
  await handle?.db
    .update(importsTable)
    .set({ status: 'canceled', leaseOwner: null, leaseUntil: null })
    .where(inArray(importsTable.tenantId, tenants));
  await handle?.close();
});

const claim = (turns: { tenantId: string; turn: number }[]) =>
  claimImport(handle.db, { owner: 'claims-test', leaseMs: 60_000, tenantIds: tenants, turns });
const tenantOf = (row: Import | undefined) => tenants.indexOf(row!.tenantId);

describe('claimImport by turns', () => {
  it('takes a tenant never served first, then the one served longest ago, each tenant’s oldest import, one import of a tenant at a time', async () => {
    const [a, b, c] = tenants as [string, string, string];
    // a served last, b before it, c never: c, then b, then a.
    const turns = [
      { tenantId: b, turn: 7 },
      { tenantId: a, turn: 9 },
    ];
    const first = await claim(turns);
    expect([tenantOf(first), first!.id]).toEqual([2, imports.get(c)![0]!.id]);
    const second = await claim(turns);
    expect([tenantOf(second), second!.id]).toEqual([1, imports.get(b)![0]!.id]);
    expect(await isImportWaiting(handle.db, { tenantIds: tenants })).toBe(true);
    const third = await claim(turns);
    expect([tenantOf(third), third!.id]).toEqual([0, imports.get(a)![0]!.id]);
    // Every tenant holds one: the others wait for their own tenant's, and no runner takes them.
    expect(await claim(turns)).toBeUndefined();
    expect(await isImportWaiting(handle.db, { tenantIds: tenants })).toBe(false);

    // Every turn over, all given back, c served since: b (served longest ago), then a, then c.
    for (const row of [first, second, third]) await releaseImportLease(handle.db, { id: row!.id, owner: 'claims-test' });
    expect(await isImportWaiting(handle.db, { tenantIds: tenants })).toBe(true);
    const rotated = [...turns, { tenantId: c, turn: 10 }];
    const order = [await claim(rotated), await claim(rotated), await claim(rotated)];
    expect(order.map((row) => row!.id)).toEqual([second!.id, third!.id, first!.id]);
  });
});

describe('importRank', () => {
  it('ranks an import by its place in its tenant’s line, so one tenant’s many imports never go before another’s first', async () => {
    const [a, b] = tenants as [string, string, string];
    const [a1, a2] = imports.get(a)!;
    const a3 = await insertImport(handle.db, { tenantId: a, status: 'running', source: { type: 'urls' }, visibility: 'public' });
    imports.get(a)!.push(a3);
    const [b1, b2] = imports.get(b)!;
    expect(await Promise.all([a1, a2, a3].map((row) => importRank(handle.db, { id: row!.id })))).toEqual([1, 2, 3]);
    expect(await Promise.all([b1, b2].map((row) => importRank(handle.db, { id: row!.id })))).toEqual([1, 2]);

    // An import that ended leaves its tenant's line: the next one moves up.
    await handle.db
      .update(importsTable)
      .set({ status: 'done' })
      .where(inArray(importsTable.id, [a1!.id]));
    expect(await Promise.all([a2, a3].map((row) => importRank(handle.db, { id: row!.id })))).toEqual([1, 2]);
  });
});
