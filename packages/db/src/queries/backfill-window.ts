import { and, count, eq, inArray, isNotNull, sql } from 'drizzle-orm';
import type { Executor } from '../client.js';
import { backfills, jobs, type Backfill, type Job } from '../schema.js';
import { lockReadyAssets } from './assets.js';
import { completeBackfill } from './backfills.js';
import { findRedactionStaleAssets } from './faces.js';
import { insertJobsUnlessOpen } from './jobs.js';
import { findStaleAssets } from './variants.js';

/**
 * A running backfill's next window of jobs: the one query that spans backfills, assets, variants and
 * jobs, apart from backfills.ts so that jobs.ts (which counts a finished job on its backfill) and
 * backfills.ts never import each other.
 */

/** Assets per scan page: one stale-variant query, one insert and one queue round trip each. */
const SCAN_PAGE = 500;

async function openJobCount(db: Executor, backfillId: string): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(jobs)
    .where(and(eq(jobs.backfillId, backfillId), isNotNull(jobs.backfillId), inArray(jobs.state, ['queued', 'active'])));
  return row?.n ?? 0;
}

/** The next assets the backfill owes a job, after its cursor: a preset's stale ones, or a tenant's whose redaction is not its policy's. */
async function scanPage(db: Executor, backfill: Backfill, limit: number): Promise<{ assetId: string; tenantId: string }[]> {
  const afterId = backfill.cursor ?? undefined;
  if (backfill.reason === 'face-redaction') {
    if (!backfill.tenantId) throw new Error(`face-redaction backfill ${backfill.id} has no tenant`);
    return findRedactionStaleAssets(db, { tenantId: backfill.tenantId, afterId, limit });
  }
  const { preset, specHashes, videoVariants, audioVariants, tenantId } = backfill;
  return findStaleAssets(db, { preset, specHashes, videoVariants, audioVariants, tenantId, afterId, limit });
}

/**
 * Tops the backfill's share of the backfill lane up to its `window` of open jobs: scans on from its cursor
 * for stale assets, inserts their jobs and moves its counters, all in one transaction. Returns the
 * jobs to enqueue once it commits (the reconciler enqueues them if that fails). The backfill row is
 * locked, so feeds racing from several workers take turns, each seeing what the one before did.
 * A backfill whose scan is done and whose last job has finished is marked completed here.
 */
export async function takeBackfillWindow(db: Executor, params: { id: string }): Promise<Job[]> {
  return db.transaction(async (tx) => {
    const [backfill] = await tx
      .select()
      .from(backfills)
      .where(and(eq(backfills.id, params.id), eq(backfills.state, 'running')))
      .for('update');
    if (!backfill) return [];
    const open = await openJobCount(tx, backfill.id);
    const room = Math.min(backfill.window - open, SCAN_PAGE);
    if (backfill.scanDone || room <= 0) {
      if (backfill.scanDone && open === 0) await completeBackfill(tx, { id: backfill.id });
      return [];
    }
    const page = await scanPage(tx, backfill, room);
    const ready = await lockReadyAssets(tx, { ids: page.map((a) => a.assetId) });
    const assets = page.filter((a) => ready.has(a.assetId)).map(({ assetId, tenantId }) => ({ assetId, tenantId }));
    const queued = await insertJobsUnlessOpen(tx, {
      assets,
      kind: 'backfill',
      lane: 'backfill',
      maxAttempts: backfill.maxAttempts,
      backfillId: backfill.id,
    });
    const scanDone = page.length < room;
    await tx
      .update(backfills)
      .set({
        cursor: page.at(-1)?.assetId ?? backfill.cursor,
        scanDone,
        matched: sql`${backfills.matched} + ${page.length}`,
        queued: sql`${backfills.queued} + ${queued.length}`,
        skipped: sql`${backfills.skipped} + ${page.length - queued.length}`,
        updatedAt: sql`now()`,
      })
      .where(eq(backfills.id, backfill.id));
    if (scanDone && open === 0 && queued.length === 0) await completeBackfill(tx, { id: backfill.id });
    return queued;
  });
}
