import { findAssetStatuses } from '@darkroom/db/queries/assets';
import { REBUILDABLE_STATUSES } from '@darkroom/db/queries/recover';
import type { AssetQueue } from '@darkroom/queue';
import type { WorkerDeps } from '../deps.js';
import { planAsset, type AssetPlan } from './read.js';
import { writeRebuilt, type Planned, type RebuildCounts } from './rebuild.js';
import { recoverTenants, type TenantCounts } from './tenants.js';
import { walkOriginals, type Candidate } from './walk.js';

export interface RecoverOptions {
  /** Read and plan, write nothing; `onPlan` hears what would be done. */
  dryRun: boolean;
  tenantId?: string | undefined;
  /** Resume after this asset (`{tenant}/{asset}`: `last` of a report). */
  after?: string | undefined;
  /** Originals younger than this are left to the `complete` that may still be writing their row. */
  minAgeMs: number;
  /** Bucket reads in flight at once. */
  concurrency: number;
  batchSize?: number;
  /** Where rebuilt assets' jobs are queued (null: left to the reconciler, which queues every job row that has no entry). */
  queue: AssetQueue | null;
  onProgress?: (report: RecoverReport) => void;
  onPlan?: (candidate: Candidate, plan: AssetPlan) => void;
}

export interface RecoverReport extends RebuildCounts {
  tenants: TenantCounts;
  /** Originals looked at. */
  seen: number;
  /** Originals whose asset the database knows (left as they are). */
  known: number;
  /** Originals younger than `minAgeMs`, left alone this run. */
  recent: number;
  /** Originals with no readable record (written before originals described themselves): nothing to rebuild from. */
  undescribed: number;
  /** The last asset looked at, `{tenant}/{asset}`: `--after` resumes from it. */
  last: string | null;
}

const BATCH = 500;

/** `work` over `items` with at most `limit` running at once, results in order. */
async function mapLimit<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const at = next++;
      results[at] = await work(items[at]!);
    }
  });
  await Promise.all(lanes);
  return results;
}

/** The batches of `walk`, the next one listed while the caller works on the one before. */
async function* readingAhead<T>(walk: AsyncGenerator<T>): AsyncGenerator<T> {
  let next = walk.next();
  for (;;) {
    const current = await next;
    if (current.done) return;
    next = walk.next();
    yield current.value;
  }
}

/** Candidates whose asset the database does not know, or knows only as an upload it still awaits (or expired). */
async function unknownOf(deps: WorkerDeps, batch: readonly Candidate[], report: RecoverReport, cutoff: number): Promise<Candidate[]> {
  const statuses = await findAssetStatuses(deps.db, { ids: batch.map((c) => c.assetId) });
  return batch.filter((c) => {
    const status = statuses.get(c.assetId);
    if (status !== undefined && !REBUILDABLE_STATUSES.includes(status)) return void report.known++;
    if ((c.original.lastModified?.getTime() ?? 0) > cutoff) return void report.recent++;
    return true;
  });
}

/**
 * `npm run recover`: after a restore, rebuilds from the bucket what the database no longer knows.
 * Tenants first (their records), then the originals in key order, a batch at a time: each unknown
 * asset's records are read (one request for a rendered one), and the batch is written in one
 * transaction while the next one is read. Idempotent: an asset the database knows is never touched, so a second run (or
 * one resumed with `after`) rebuilds only what is still missing.
 */
export async function recover(deps: WorkerDeps, options: RecoverOptions): Promise<RecoverReport> {
  const tenants = await recoverTenants(deps, options);
  const report: RecoverReport = {
    tenants,
    seen: 0,
    known: 0,
    recent: 0,
    undescribed: 0,
    last: null,
    relinked: 0,
    partial: 0,
    queued: 0,
    rejected: 0,
    placeholderTenants: 0,
  };
  const cutoff = Date.now() - options.minAgeMs;
  // A batch's write runs while the next batch is read: the bucket's answers, not the database's, set the pace.
  let writing: Promise<void> = Promise.resolve();
  for await (const batch of readingAhead(walkOriginals(deps, { ...options, batchSize: options.batchSize ?? BATCH }))) {
    const planned = await planBatch(deps, batch, report, cutoff, options);
    await writing;
    writing = (async () => {
      if (!options.dryRun && planned.length > 0) addCounts(report, await writeRebuilt(deps, planned, options.queue));
      if (options.dryRun) addCounts(report, dryCounts(planned));
      // Counted, and named as the point to resume after, once written.
      report.seen += batch.length;
      const last = batch.at(-1)!;
      report.last = `${last.tenantId}/${last.assetId}`;
      options.onProgress?.(report);
    })();
    // Its failure is thrown where it is awaited (before the next write, or at the end), not reported as unhandled meanwhile.
    writing.catch(() => {});
  }
  await writing;
  return report;
}

/** The unknown assets of a batch, each planned from its records (`concurrency` bucket reads at once). */
async function planBatch(
  deps: WorkerDeps,
  batch: readonly Candidate[],
  report: RecoverReport,
  cutoff: number,
  options: RecoverOptions,
): Promise<Planned[]> {
  const unknown = await unknownOf(deps, batch, report, cutoff);
  const plans = await mapLimit(unknown, options.concurrency, async (candidate) => ({ candidate, plan: await planAsset(deps, candidate) }));
  const planned: Planned[] = [];
  for (const { candidate, plan } of plans) {
    options.onPlan?.(candidate, plan);
    if (plan.kind === 'undescribed') report.undescribed++;
    else planned.push({ candidate, plan });
  }
  return planned;
}

function dryCounts(planned: readonly Planned[]): RebuildCounts {
  const ready = planned.filter((p) => p.plan.kind === 'ready');
  const partial = ready.filter((p) => p.plan.kind === 'ready' && p.plan.missing.length > 0).length;
  const rejected = planned.filter((p) => p.plan.kind === 'rejected').length;
  return { relinked: ready.length - partial, partial, queued: planned.length - ready.length - rejected, rejected, placeholderTenants: 0 };
}

function addCounts(report: RecoverReport, counts: RebuildCounts): void {
  report.relinked += counts.relinked;
  report.partial += counts.partial;
  report.queued += counts.queued;
  report.rejected += counts.rejected;
  report.placeholderTenants += counts.placeholderTenants;
}
