import { ERRORS } from '@darkroom/core/error-factories';
import { findPreset, presetStaleScope } from '@darkroom/core/presets';
import { countStaleVariants } from '@darkroom/db/queries/variants';
import { createBackfill, getBackfill } from '@darkroom/db/queries/backfills';
import { isUuid } from '@darkroom/db/pagination';
import { takeBackfillWindow } from '@darkroom/db/queries/backfill-window';
import type { Backfill } from '@darkroom/db/schema';
import type { FastifyBaseLogger } from 'fastify';
import { enqueueAfterCommit } from '@darkroom/intake';
import type { AppDeps } from '../../deps.js';

export interface BackfillCount {
  preset: string;
  /** Ready assets of the preset with at least one stale variant. */
  matched: number;
  /** Their stale variants: to re-render (missing or another spec hash) or to remove (name no longer in the preset). */
  staleVariants: number;
  enqueued: 0;
  skipped: 0;
}

/** The preset's stale variants, counted (a dry run): nothing is recorded or queued. */
export async function countBackfill(deps: AppDeps, params: { preset: string }): Promise<BackfillCount> {
  const preset = findPreset(deps.config.presets, params.preset);
  if (!preset) throw ERRORS.presetNotFound(params.preset);
  const counted = await countStaleVariants(deps.db, { preset: preset.name, ...presetStaleScope(preset) });
  return { preset: preset.name, ...counted, enqueued: 0, skipped: 0 };
}

/**
 * Starts a backfill of the preset's stale variants: records it, then queues its first window of
 * jobs on the backfill lane. Workers queue the rest a window at a time as its jobs finish (and the
 * reconciler tops it up should a feed be lost), so Redis never holds more than BACKFILL_WINDOW of
 * its entries however many assets match, and fresh uploads never wait behind them.
 */
export async function startBackfill(deps: AppDeps, log: FastifyBaseLogger, params: { preset: string }): Promise<Backfill> {
  const preset = findPreset(deps.config.presets, params.preset);
  if (!preset) throw ERRORS.presetNotFound(params.preset);
  const backfill = await createBackfill(deps.db, {
    preset: preset.name,
    ...presetStaleScope(preset),
    window: deps.config.backfillWindow,
    maxAttempts: deps.config.jobMaxAttempts,
  });
  const jobs = await takeBackfillWindow(deps.db, { id: backfill.id });
  if (jobs.length > 0) await enqueueAfterCommit(deps, log, jobs);
  log.info({ backfillId: backfill.id, preset: preset.name, firstWindow: jobs.length }, 'backfill started');
  return (await getBackfill(deps.db, { id: backfill.id }))!;
}

export async function requireBackfill(deps: AppDeps, params: { id: string }): Promise<Backfill> {
  const backfill = isUuid(params.id) ? await getBackfill(deps.db, params) : undefined;
  if (!backfill) throw ERRORS.backfillNotFound();
  return backfill;
}
