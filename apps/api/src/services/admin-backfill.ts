import { DarkroomError, findPreset, presetSpecHashes } from '@darkroom/core';
import { countStaleVariants, findStaleAssets, insertJobsUnlessOpen, lockReadyAssets, type Job, type StaleAsset } from '@darkroom/db';
import type { FastifyBaseLogger } from 'fastify';
import type { AppDeps } from '../deps.js';
import { enqueueAfterCommit } from './enqueue-after-commit.js';

/** Assets per page of the stale-variant scan: one query, one insert and one queue round trip each. */
const BATCH = 500;

export interface BackfillReport {
  preset: string;
  /** Ready assets of the preset with at least one stale variant. */
  matched: number;
  /** Their stale variants: to re-render (missing or another spec hash) or to remove (name no longer in the preset). */
  staleVariants: number;
  /** Backfill jobs created (and queued, or left for the reconciler when Redis did not answer). */
  enqueued: number;
  /** Matched assets that already had an open job (or stopped being ready meanwhile). */
  skipped: number;
}

/**
 * Job rows for a page of assets, committed before anything is queued. Assets are locked first, so
 * one deleted meanwhile is left out instead of failing the whole page; one with an open job is
 * left out by the one-open-job-per-asset index.
 */
async function insertBackfillJobs(deps: AppDeps, page: StaleAsset[]): Promise<Job[]> {
  return deps.db.transaction(async (tx) => {
    const ready = await lockReadyAssets(tx, { ids: page.map((a) => a.assetId) });
    const assets = page.filter((a) => ready.has(a.assetId)).map(({ assetId, tenantId }) => ({ assetId, tenantId }));
    return insertJobsUnlessOpen(tx, { assets, kind: 'reprocess', lane: 'backfill', maxAttempts: deps.config.jobMaxAttempts });
  });
}

/**
 * Counts the preset's stale variants (dryRun) or queues one backfill job per asset that has any,
 * page by page in id order, on the backfill lane: fresh uploads never wait behind these jobs.
 */
export async function startBackfill(
  deps: AppDeps,
  log: FastifyBaseLogger,
  params: { preset: string; dryRun: boolean },
): Promise<BackfillReport> {
  const preset = findPreset(deps.config.presets, params.preset);
  if (!preset) throw new DarkroomError('preset_not_found', `There is no preset named "${params.preset}".`);
  const stale = { preset: preset.name, specHashes: presetSpecHashes(preset) };
  if (params.dryRun) return { preset: preset.name, ...(await countStaleVariants(deps.db, stale)), enqueued: 0, skipped: 0 };

  const report: BackfillReport = { preset: preset.name, matched: 0, staleVariants: 0, enqueued: 0, skipped: 0 };
  for (let afterId: string | undefined, more = true; more; ) {
    const page = await findStaleAssets(deps.db, { ...stale, afterId, limit: BATCH });
    more = page.length === BATCH;
    afterId = page.at(-1)?.assetId;
    const jobs = await insertBackfillJobs(deps, page);
    if (jobs.length > 0) await enqueueAfterCommit(deps, log, jobs);
    report.matched += page.length;
    report.staleVariants += page.reduce((sum, a) => sum + a.staleVariants, 0);
    report.enqueued += jobs.length;
    report.skipped += page.length - jobs.length;
  }
  log.info(report, 'backfill started');
  return report;
}
