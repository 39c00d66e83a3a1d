import type { ImportStatus, LISTED_IMPORT_ITEM_STATUSES } from '@darkroom/core/contract/import';
import { and, asc, desc, eq, gt, inArray, sql } from 'drizzle-orm';
import type { Executor } from '../client.js';
import { newId } from '../ids.js';
import { decodeCursor, InvalidCursorError, olderThanCursor, toPage, type Page } from '../pagination.js';
import { importItems, imports, type Import, type ImportItem, type NewImport, type NewImportItem } from '../import-schema.js';

/** Imports as the routes read and change them (docs/api.md#imports-tenant-api-key); the runner's queries are in import-runs.ts. */

export async function insertImport(db: Executor, values: Omit<NewImport, 'id'> & { id?: string }): Promise<Import> {
  const [row] = await db
    .insert(imports)
    .values({ id: newId(), ...values })
    .returning();
  return row!;
}

/** Rows a statement inserts at most: Postgres takes at most 65,535 parameters. */
const ITEMS_PER_INSERT = 1000;

/** Inserts items in order, their `seq` from `firstSeq` on; ids are UUIDv7, so id order is seq order. */
export async function insertImportItems(
  db: Executor,
  params: { importId: string; tenantId: string; firstSeq: number; items: Omit<NewImportItem, 'id' | 'importId' | 'tenantId' | 'seq'>[] },
): Promise<void> {
  const rows = params.items.map((item, i) => ({
    ...item,
    id: newId(),
    importId: params.importId,
    tenantId: params.tenantId,
    seq: params.firstSeq + i,
  }));
  for (let start = 0; start < rows.length; start += ITEMS_PER_INSERT) {
    await db.insert(importItems).values(rows.slice(start, start + ITEMS_PER_INSERT));
  }
}

/** Scoped to a tenant: another tenant's import is simply not found. */
export async function getTenantImport(db: Executor, params: { tenantId: string; id: string }): Promise<Import | undefined> {
  const [row] = await db
    .select()
    .from(imports)
    .where(and(eq(imports.id, params.id), eq(imports.tenantId, params.tenantId)));
  return row;
}

export async function getImport(db: Executor, params: { id: string }): Promise<Import | undefined> {
  const [row] = await db.select().from(imports).where(eq(imports.id, params.id));
  return row;
}

/** A tenant's imports, newest first, keyset-paginated. */
export async function listTenantImports(
  db: Executor,
  params: { tenantId: string; limit: number; cursor?: string | undefined },
): Promise<Page<Import>> {
  const rows = await db
    .select()
    .from(imports)
    .where(and(eq(imports.tenantId, params.tenantId), params.cursor ? olderThanCursor(imports.id, params.cursor) : undefined))
    .orderBy(desc(imports.id))
    .limit(params.limit + 1);
  return toPage(rows, params.limit);
}

/** An import's items in their order, of one outcome or all, keyset-paginated (the cursor an item's id). */
export async function listImportItems(
  db: Executor,
  params: { importId: string; status?: (typeof LISTED_IMPORT_ITEM_STATUSES)[number] | undefined; limit: number; cursor?: string | undefined },
): Promise<Page<ImportItem>> {
  const after = params.cursor === undefined ? undefined : decodeCursor(params.cursor);
  if (after === null) throw new InvalidCursorError();
  const rows = await db
    .select()
    .from(importItems)
    .where(
      and(
        eq(importItems.importId, params.importId),
        params.status ? eq(importItems.status, params.status) : undefined,
        after ? gt(importItems.id, after) : undefined,
      ),
    )
    .orderBy(asc(importItems.id))
    .limit(params.limit + 1);
  return toPage(rows, params.limit);
}

/**
 * Moves an import from one of `from` to `to` (pause, resume, cancel): the row as it is after, or
 * undefined when it was in none of them. A finished import (`to` done, failed or canceled) drops its
 * credentials and its lease in the same statement.
 */
export async function moveImportStatus(
  db: Executor,
  params: { id: string; from: readonly ImportStatus[]; to: ImportStatus; error?: { code: string; message: string } | undefined },
): Promise<Import | undefined> {
  const finished = params.to === 'done' || params.to === 'failed' || params.to === 'canceled';
  const [row] = await db
    .update(imports)
    .set({
      status: params.to,
      updatedAt: sql`now()`,
      ...(finished ? { finishedAt: sql`now()`, credentialsSealed: null, leaseOwner: null, leaseUntil: null } : {}),
      ...(params.error ? { errorCode: params.error.code, errorMessage: params.error.message } : {}),
    })
    .where(and(eq(imports.id, params.id), inArray(imports.status, [...params.from])))
    .returning();
  return row;
}
