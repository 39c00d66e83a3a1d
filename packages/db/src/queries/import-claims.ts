import { and, eq, sql, type SQL } from 'drizzle-orm';
import type { Executor } from '../client.js';
import { importItems, imports, type Import } from '../import-schema.js';

/**
 * Which process holds which import (packages/intake/src/imports/slices.ts): an import under way is run by
 * the runner holding its lease, renewed as it goes; a lease that lapses (its runner died) or is given
 * back (a run's turn is over) lets any runner take it up where it was.
 */

/** Claims are made one at a time (a transaction-scoped advisory lock), so two runners never take two imports of one tenant. */
const CLAIM_LOCK = 0x1_3a0_27;

/** The runners' own scope: the tenants a runner takes imports of (tests that share one database), or every tenant. */
export interface ClaimScope {
  tenantIds?: readonly string[] | undefined;
  /** This import only (a worker's slice of it). */
  importId?: string | undefined;
}

/** `i`'s tenant among `tenantIds`, and `i` the import `importId`, when given. */
function scoped(scope: ClaimScope): SQL {
  const only = scope.importId ? sql`and i.id = ${scope.importId}::uuid` : sql``;
  if (!scope.tenantIds) return only;
  return sql`${only} and i.tenant_id in (${sql.join(
    scope.tenantIds.map((id) => sql`${id}::uuid`),
    sql`, `,
  )})`;
}

/**
 * An import `i` a runner may take: under way, its lease free (never held, given back, or lapsed),
 * and no other import of its tenant held: a tenant's imports run one after another, which bounds its
 * files in flight to one runner's IMPORT_CONCURRENCY.
 */
const claimable = (scope: ClaimScope) => sql`i.status in ('planning', 'running') and (i.lease_until is null or i.lease_until < now()) ${scoped(scope)}
  and not exists (
    select 1 from imports o
    where o.tenant_id = i.tenant_id and o.id <> i.id and o.status in ('planning', 'running') and o.lease_until >= now())`;

/** Each tenant's turn in a runner's rotation: the lower, the sooner it is served. */
export interface TenantTurn {
  tenantId: string;
  turn: number;
}

/** Ranks `i` by its tenant's turn (a tenant without one: 0, first), then by age: a tenant's oldest import first. */
function byTurn(turns: readonly TenantTurn[]): { join: SQL; order: SQL } {
  if (turns.length === 0) return { join: sql``, order: sql`i.id` };
  const ids = sql.join(
    turns.map((t) => sql`${t.tenantId}::uuid`),
    sql`, `,
  );
  const numbers = sql.join(
    turns.map((t) => sql`${t.turn}::bigint`),
    sql`, `,
  );
  return {
    join: sql`left join unnest(array[${ids}], array[${numbers}]) as t(tenant_id, turn) on t.tenant_id = i.tenant_id`,
    order: sql`coalesce(t.turn, 0), i.id`,
  };
}

/**
 * Claims the import a runner may take whose tenant's turn comes first (`turns`: none given, the
 * oldest import). Items its last runner had in hand go back to pending, to be taken again.
 */
export async function claimImport(
  db: Executor,
  params: ClaimScope & { owner: string; leaseMs: number; turns?: readonly TenantTurn[] | undefined },
): Promise<Import | undefined> {
  if (params.tenantIds?.length === 0) return undefined;
  const { join, order } = byTurn(params.turns ?? []);
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${CLAIM_LOCK})`);
    const next = sql`(select i.id from imports i ${join} where ${claimable(params)} order by ${order} limit 1 for update of i skip locked)`;
    const [row] = await tx
      .update(imports)
      .set({ leaseOwner: params.owner, leaseUntil: leaseEnd(params.leaseMs), updatedAt: sql`now()` })
      .where(eq(imports.id, next))
      .returning();
    if (row) {
      await tx
        .update(importItems)
        .set({ status: 'pending', updatedAt: sql`now()` })
        .where(and(eq(importItems.importId, row.id), eq(importItems.status, 'running')));
    }
    return row;
  });
}

/** Whether an import waits for a runner to take it: a run whose turn is over gives its slot up only then. */
export async function isImportWaiting(db: Executor, scope: ClaimScope): Promise<boolean> {
  if (scope.tenantIds?.length === 0) return false;
  const rows = await db.execute<{ waiting: boolean }>(sql`select exists (select 1 from imports i where ${claimable(scope)}) as waiting`);
  return rows[0]?.waiting === true;
}

const leaseEnd = (ms: number) => sql`now() + ${ms} * interval '1 millisecond'`;

/** Extends the lease while this runner holds it: the row as it is now (a pause or cancel shows), or undefined once lost. */
export async function renewImportLease(db: Executor, params: { id: string; owner: string; leaseMs: number }): Promise<Import | undefined> {
  const [row] = await db
    .update(imports)
    .set({ leaseUntil: leaseEnd(params.leaseMs) })
    .where(and(eq(imports.id, params.id), eq(imports.leaseOwner, params.owner)))
    .returning();
  return row;
}

export async function releaseImportLease(db: Executor, params: { id: string; owner: string }): Promise<void> {
  await db
    .update(imports)
    .set({ leaseOwner: null, leaseUntil: null })
    .where(and(eq(imports.id, params.id), eq(imports.leaseOwner, params.owner)));
}

/** The imports under way (the reconciler queues each a slice, a no-op where one is queued already), oldest first. */
export async function listImportsUnderWay(db: Executor, params: ClaimScope & { limit: number }): Promise<string[]> {
  if (params.tenantIds?.length === 0) return [];
  const rows = await db.execute<{ id: string }>(
    sql`select i.id from imports i where i.status in ('planning', 'running') ${scoped(params)} order by i.id limit ${params.limit}`,
  );
  return rows.map((row) => row.id);
}

/**
 * The import's place in its tenant's line (1: its oldest import under way), which its slices are
 * ranked by, as a job is by `queue_rank`: every tenant's first import goes before any tenant's second.
 */
export async function importRank(db: Executor, params: { id: string }): Promise<number> {
  const rows = await db.execute<{ rank: number }>(
    sql`select count(o.id)::int as rank from imports i join imports o on o.tenant_id = i.tenant_id and o.id <= i.id and o.status in ('planning', 'running') where i.id = ${params.id}::uuid`,
  );
  return Math.max(1, rows[0]?.rank ?? 1);
}
