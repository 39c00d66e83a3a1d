import { and, desc, eq, sql } from 'drizzle-orm';
import type { Executor } from '../client.js';
import { newId } from '../ids.js';
import { olderThanCursor, toPage, type Page } from '../pagination.js';
import { backfills, type Backfill, type BackfillReason } from '../schema.js';

export async function createBackfill(
  db: Executor,
  params: {
    reason?: BackfillReason;
    preset: string;
    specHashes: Record<string, string>;
    videoVariants?: string[];
    audioVariants?: string[];
    window: number;
    maxAttempts: number;
    tenantId?: string | null;
  },
): Promise<Backfill> {
  const [row] = await db
    .insert(backfills)
    .values({ id: newId(), ...params })
    .returning();
  return row!;
}

export async function getBackfill(db: Executor, params: { id: string }): Promise<Backfill | undefined> {
  const [row] = await db.select().from(backfills).where(eq(backfills.id, params.id));
  return row;
}

/** Newest first, keyset-paginated. */
export async function listBackfills(db: Executor, params: { limit: number; cursor?: string | undefined }): Promise<Page<Backfill>> {
  const conditions = params.cursor ? [olderThanCursor(backfills.id, params.cursor)] : [];
  const rows = await db
    .select()
    .from(backfills)
    .where(and(...conditions))
    .orderBy(desc(backfills.id))
    .limit(params.limit + 1);
  return toPage(rows, params.limit);
}

/** Ids of backfills still running: the reconciler tops up their windows in case a feed was lost. */
export async function listRunningBackfillIds(db: Executor): Promise<string[]> {
  const rows = await db.select({ id: backfills.id }).from(backfills).where(eq(backfills.state, 'running'));
  return rows.map((r) => r.id);
}

/** Marks a backfill done: its scan has ended and its last job has finished (backfill-window.ts decides when). */
export async function completeBackfill(db: Executor, params: { id: string }): Promise<void> {
  await db.update(backfills).set({ state: 'completed', finishedAt: sql`now()`, updatedAt: sql`now()` }).where(eq(backfills.id, params.id));
}

/** Counts one of the backfill's jobs as done or failed; call in the transaction that finishes the job. */
export async function recordBackfillOutcome(db: Executor, params: { id: string; outcome: 'done' | 'failed' }): Promise<void> {
  const column = params.outcome === 'done' ? backfills.done : backfills.failed;
  await db
    .update(backfills)
    .set({ [params.outcome]: sql`${column} + 1`, updatedAt: sql`now()` })
    .where(eq(backfills.id, params.id));
}

/**
 * Starts a `face-redaction` backfill of the tenant (its `enforceFaceRedaction` changed): every
 * preset, judged by the policy when each window is scanned. Call in the transaction of the change,
 * so no change goes without its backfill.
 */
export async function createRedactionBackfill(db: Executor, params: { tenantId: string; window: number; maxAttempts: number }): Promise<Backfill> {
  return createBackfill(db, { ...params, reason: 'face-redaction', preset: '', specHashes: {} });
}
