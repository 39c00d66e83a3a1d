import type { ImportStatus } from '@darkroom/core/contract/import';
import { and, eq, inArray, isNotNull, lt, sql } from 'drizzle-orm';
import type { Executor } from '../client.js';
import { imports, type Import } from '../import-schema.js';
import { importView } from '../views.js';
import { recordImportEvent } from './events.js';
import { moveImportStatus } from './imports.js';

/** The channel every API process LISTENs on for `import.progress` (live only): `{ tenantId, import }`. */
export const IMPORT_PROGRESS_CHANNEL = 'darkroom_import_progress';
/** The channel the workers that run imports LISTEN on for a pause or cancel (`notifyImportControl`): the import's id. */
export const IMPORT_CONTROL_CHANNEL = 'darkroom_import_control';

type ImportEnd = 'done' | 'failed' | 'canceled';

/**
 * Ends an import that is in one of `from`, with its event (`import.done`, `.failed`, `.canceled`) in
 * the same transaction; its credentials and lease go in the same statement. Undefined when it was in
 * none of them (it ended already, or was paused meanwhile).
 */
export async function endImport(
  db: Executor,
  params: { id: string; from: readonly ImportStatus[]; to: ImportEnd; error?: { code: string; message: string } | undefined },
): Promise<Import | undefined> {
  return db.transaction(async (tx) => {
    const ended = await moveImportStatus(tx, params);
    if (ended) await recordImportEvent(tx, { type: `import.${params.to}`, tenantId: ended.tenantId, importView: importView(ended) });
    return ended;
  });
}

/** Tells every API process's live streams how far an import is (`import.progress`); lost when nobody listens, as it may be. */
export async function notifyImportProgress(db: Executor, row: Import): Promise<void> {
  const payload = JSON.stringify({ tenantId: row.tenantId, import: importView(row) });
  await db.execute(sql`select pg_notify(${IMPORT_PROGRESS_CHANNEL}, ${payload})`);
}

/**
 * Tells every worker that runs imports that an import was paused or canceled, so the one running it stops at
 * once, its transfers cut off, rather than at its lease's next renewal. Lost when no runner listens
 * (the renewal sees the change all the same).
 */
export async function notifyImportControl(db: Executor, params: { id: string }): Promise<void> {
  await db.execute(sql`select pg_notify(${IMPORT_CONTROL_CHANNEL}, ${params.id})`);
}

/**
 * Fails each import paused for more than `days` that still holds its source's sealed keys (a bucket
 * source): its keys go with the end (`endImport`), and it fails with `error`, its event recorded.
 * The ids it ended. The row's `updated_at` is its pause (or the end of a file or page in flight
 * then): no runner writes to a paused import.
 */
export async function endImportsPausedPast(
  db: Executor,
  params: { days: number; error: { code: string; message: string }; tenantIds?: readonly string[] | undefined },
): Promise<string[]> {
  if (params.tenantIds?.length === 0) return [];
  const stale = await db
    .select({ id: imports.id })
    .from(imports)
    .where(
      and(
        eq(imports.status, 'paused'),
        isNotNull(imports.credentialsSealed),
        lt(imports.updatedAt, sql`now() - ${params.days} * interval '1 day'`),
        params.tenantIds ? inArray(imports.tenantId, [...params.tenantIds]) : undefined,
      ),
    );
  const ended: string[] = [];
  for (const { id } of stale) {
    if (await endImport(db, { id, from: ['paused'], to: 'failed', error: params.error })) ended.push(id);
  }
  return ended;
}
