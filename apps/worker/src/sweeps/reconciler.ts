import { deleteEventsBefore } from '@darkroom/db/queries/events-written';
import { deleteExpiredUploadTokens } from '@darkroom/db/queries/upload-tokens';
import { listExpiredUploads, transitionAsset } from '@darkroom/db/queries/assets';
import { listUnfinishedJobs } from '@darkroom/db/queries/jobs';
import type { Asset } from '@darkroom/db/schema';
import { QUEUE_LANES, type QueueLane } from '@darkroom/core/queue';
import { listImportsUnderWay } from '@darkroom/db/queries/import-claims';
import { queueImportSlice } from '@darkroom/intake/imports';
import type { AssetQueue, WorkerQueues } from '@darkroom/queue';
import { feedRunningBackfills } from '../backfill-feed.js';
import { reconcileChunkFlow } from './chunk-flows.js';
import { newDeliverySweepCursor, sweepDeliveryRenders, type DeliverySweepCursor } from './delivery-sweep.js';
import type { WorkerDeps } from '../deps.js';
import { runEvery, type RunningPasses } from '../run-every.js';
import { purgeEndedUpload, purgePending } from './purge-sweep.js';

export interface ReconcileReport {
  /** Jobs Postgres holds as unfinished that had no live queue entry, and were enqueued again. */
  enqueued: number;
  /** Uploads past UPLOAD_TTL that were expired (multipart aborted, partial object deleted). */
  expired: number;
  /** Backfill jobs queued to top up running backfills' windows. */
  backfillQueued: number;
  /** Deletions, canceled and expired uploads whose bucket objects were removed, staging objects swept, stale multipart uploads aborted. */
  purged: number;
  /** Events past EVENT_RETENTION deleted. */
  eventsDropped: number;
  /** Browser upload tokens deleted a day after they expired. */
  uploadTokensDropped: number;
  /** Delivery renders deleted: older revisions, and every render of an asset gone or ended (one page of `delivery/` a pass in each place). */
  deliveryRendersDeleted: number;
  /** Imports under way whose slice was queued (again): a no-op where one waits or runs already. */
  importSlicesQueued: number;
}

/** Where the reconciler's walks stand between passes. */
export interface ReconcileCursors {
  lanes: LaneCursors;
  delivery: DeliverySweepCursor;
}

export const newReconcileCursors = (): ReconcileCursors => ({ lanes: new Map(), delivery: newDeliverySweepCursor() });

/** Jobs this fresh may still be on their way to the queue (the API enqueues right after its commit). */
const GRACE_MS = 5_000;
const BATCH = 500;

/** Where each lane's walk over unfinished jobs stands: the last job id looked at, null to start over. */
export type LaneCursors = Map<QueueLane, string | null>;

/**
 * Postgres is the system of record, the queue only transport: every unfinished job must have a
 * queue entry. One missed because Redis was down during `complete`, or lost with Redis's memory,
 * is enqueued again here. Enqueueing is deduped by the job id, so this never makes a second job.
 * Each lane is walked on its own, BATCH jobs a pass from where the last pass stopped, so a lost
 * upload job is found in the next pass however many backfill jobs are in flight, and every job of
 * a long lane is looked at within a few passes. An `active` job whose entry ended on purpose (a
 * chunked render, its parts and steps on their way) gets what its markers say Redis lost queued
 * again instead (`reconcileChunkFlow`).
 */
export async function enqueueOrphanedJobs(deps: WorkerDeps, queue: AssetQueue, cursors: LaneCursors = new Map()): Promise<number> {
  const updatedBefore = new Date(Date.now() - GRACE_MS);
  let enqueued = 0;
  for (const lane of QUEUE_LANES) {
    const candidates = await listUnfinishedJobs(deps.db, { lane, limit: BATCH, updatedBefore, afterId: cursors.get(lane) });
    cursors.set(lane, candidates.length < BATCH ? null : candidates.at(-1)!.id);
    for (const job of candidates) {
      if (await queue.hasLiveEntry(job)) continue;
      const flow = job.state === 'active' ? await reconcileChunkFlow(deps, job) : null;
      if (flow !== null) {
        enqueued += flow;
        continue;
      }
      await queue.enqueue(job);
      enqueued++;
    }
  }
  return enqueued;
}

/**
 * The row turns `expired` first (keeping its upload id: the storage work is still owed), then the
 * multipart upload is aborted and the staging object deleted, then the row says purged. A failure
 * in between is retried by the purge sweep, so the bytes never outlive the asset.
 */
async function expireUpload(deps: WorkerDeps, asset: Asset): Promise<boolean> {
  const expired = await transitionAsset(deps.db, { id: asset.id, from: ['awaiting_upload'], to: 'expired' });
  if (!expired) return false; // completed or aborted meanwhile
  try {
    await purgeEndedUpload(deps, expired);
  } catch (err) {
    deps.log.warn({ assetId: asset.id, err }, 'could not remove an expired upload from the bucket yet; the purge sweep will');
  }
  return true;
}

/** Assets still `awaiting_upload` after UPLOAD_TTL become `expired`; their bytes are removed from the bucket. */
export async function expireAbandonedUploads(deps: WorkerDeps): Promise<number> {
  const stale = await listExpiredUploads(deps.db, { now: new Date(), limit: BATCH });
  let expired = 0;
  for (const asset of stale) if (await expireUpload(deps, asset)) expired++;
  return expired;
}

/** Events dropped per pass at most: retention catches up over passes rather than in one long delete. */
const EVENT_BATCH = 5000;
/** Expired upload tokens dropped per pass at most, and how long after their expiry (nothing reads an expired one). */
const TOKEN_BATCH = 1000;
const TOKEN_KEPT_MS = 86_400_000;

/** Imports under way a pass queues a slice for, at most. */
const IMPORT_BATCH = 5000;

/**
 * Every import under way has a slice queued: one lost with Redis's memory, or never queued (Redis
 * away at its start or resume, or at a slice's end), is queued again. The entry's id is the
 * import's, so this never makes a second one; a slice that finds its import's lease held waits.
 */
export async function queueImportSlices(deps: WorkerDeps, queues: Pick<WorkerQueues, 'imports'>): Promise<number> {
  const ids = await listImportsUnderWay(deps.db, { tenantIds: deps.importScope?.tenantIds?.(), limit: IMPORT_BATCH });
  for (const id of ids) await queueImportSlice({ db: deps.db, importQueue: queues.imports }, id);
  return ids.length;
}

export async function reconcileOnce(
  deps: WorkerDeps,
  queues: Pick<WorkerQueues, 'assets' | 'imports'>,
  cursors: ReconcileCursors = newReconcileCursors(),
): Promise<ReconcileReport> {
  const queue = queues.assets;
  return {
    enqueued: await enqueueOrphanedJobs(deps, queue, cursors.lanes),
    expired: await expireAbandonedUploads(deps),
    backfillQueued: await feedRunningBackfills(deps, queue),
    purged: await purgePending(deps),
    eventsDropped: await deleteEventsBefore(deps.db, { before: new Date(Date.now() - deps.config.eventRetentionMs), limit: EVENT_BATCH }),
    uploadTokensDropped: await deleteExpiredUploadTokens(deps.db, { expiredBefore: new Date(Date.now() - TOKEN_KEPT_MS), limit: TOKEN_BATCH }),
    deliveryRendersDeleted: await sweepDeliveryRenders(deps, cursors.delivery),
    importSlicesQueued: await queueImportSlices(deps, queues),
  };
}

export type RunningReconciler = RunningPasses;

/** Runs `reconcileOnce` every `intervalMs`, one pass at a time; a failed pass is logged and retried next time. */
export function startReconciler(deps: WorkerDeps, queues: Pick<WorkerQueues, 'assets' | 'imports'>, intervalMs: number): RunningReconciler {
  const cursors = newReconcileCursors();
  return runEvery(deps, { intervalMs, name: 'reconcile' }, async () => {
    const report = await reconcileOnce(deps, queues, cursors);
    // Imports under way are queued a slice every pass: only the rest says something changed.
    if (Object.entries(report).some(([name, n]) => name !== 'importSlicesQueued' && n > 0)) deps.log.info(report, 'reconciled');
  });
}
