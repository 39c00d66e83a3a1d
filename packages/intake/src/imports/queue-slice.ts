import type { Database } from '@darkroom/db/client';
import { importRank } from '@darkroom/db/queries/import-claims';
import type { ImportQueue } from '@darkroom/queue';

/** What queueing a slice needs: Postgres (the import's rank) and the imports' queue. */
export interface SliceQueueDeps {
  db: Database;
  importQueue: Pick<ImportQueue, 'queueSlice'>;
}

/**
 * Queues the import's next slice, ranked by its place in its tenant's line (db's `importRank`), so
 * one tenant's many imports never go before another tenant's first: the backfill lane's rule.
 */
export async function queueImportSlice(deps: SliceQueueDeps, importId: string, delayMs = 0): Promise<void> {
  const rank = await importRank(deps.db, { id: importId });
  await deps.importQueue.queueSlice({ importId, rank, delayMs });
}
