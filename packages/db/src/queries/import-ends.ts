import type { ImportStatus } from '@darkroom/core';
import { sql } from 'drizzle-orm';
import type { Executor } from '../client.js';
import type { Import } from '../import-schema.js';
import { importView } from '../views.js';
import { recordImportEvent } from './events.js';
import { moveImportStatus } from './imports.js';

/** The channel every API process LISTENs on for `import.progress` (live only): `{ tenantId, import }`. */
export const IMPORT_PROGRESS_CHANNEL = 'darkroom_import_progress';

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
