import { DEFAULT_MAX_ATTEMPTS } from '@darkroom/core/queue';
import { variantPrefix } from '@darkroom/core/keys';
import { assetRowOf, variantRowsOf } from '@darkroom/db/records/asset-record';
import { findExistingTenantIds } from '@darkroom/db/queries/tenants';
import { insertJobsUnlessOpen } from '@darkroom/db/queries/jobs';
import { insertPlaceholderTenants, insertRebuiltAssets, insertRebuiltVariants } from '@darkroom/db/queries/recover';
import type { Job, NewAsset } from '@darkroom/db/schema';
import { enqueueAfterCommit } from '@darkroom/intake';
import type { AssetQueue } from '@darkroom/queue';
import type { WorkerDeps } from '../deps.js';
import type { AssetPlan } from './read.js';
import type { Candidate } from './walk.js';

export interface Planned {
  candidate: Candidate;
  plan: Exclude<AssetPlan, { kind: 'undescribed' }>;
}

export interface RebuildCounts {
  /** Ready again with every variant re-linked. */
  relinked: number;
  /** Ready again, some variants re-rendered on the backfill lane. */
  partial: number;
  /** Queued for a render on the backfill lane (none of its revision was in the bucket). */
  queued: number;
  /** Rejected by moderation: rebuilt rejected, nothing queued (the quarantine sweep finishes what it owes). */
  rejected: number;
  /** Tenants made for assets whose tenant no record names. */
  placeholderTenants: number;
}

const owner = ({ candidate }: Planned) => ({ assetId: candidate.assetId, tenantId: candidate.tenantId });

/** The row a plan rebuilds, from its record, the render it re-links, and where it found the objects. */
function rowOf(plan: Planned['plan']): NewAsset {
  if (plan.kind === 'rejected') return assetRowOf(plan.record, null, { quarantinedAt: plan.quarantinedAt });
  if (plan.kind === 'render') return assetRowOf(plan.record, null, plan);
  return assetRowOf(plan.record, plan.render, plan);
}

/**
 * Writes a batch of rebuilt assets in one transaction, a few statements whatever its size (rows,
 * variants, jobs), then queues their jobs on the backfill lane, so a rebuild of any size never
 * takes the slots fresh uploads need. Rows another process wrote meanwhile are left alone.
 */
export async function writeRebuilt(deps: WorkerDeps, batch: readonly Planned[], queue: AssetQueue | null): Promise<RebuildCounts> {
  const tenantIds = [...new Set(batch.map((p) => p.candidate.tenantId))];
  const known = await findExistingTenantIds(deps.db, { ids: tenantIds });
  const placeholders = await insertPlaceholderTenants(deps.db, { ids: tenantIds.filter((id) => !known.has(id)) });
  const counts: RebuildCounts = { relinked: 0, partial: 0, queued: 0, rejected: 0, placeholderTenants: placeholders.length };
  const jobs = await deps.db.transaction(async (tx) => {
    const written = await insertRebuiltAssets(tx, { assets: batch.map(({ plan }) => rowOf(plan)) });
    const mine = batch.filter((p) => written.has(p.candidate.assetId));
    const ready = mine.flatMap((p) => (p.plan.kind === 'ready' ? [{ ...p, plan: p.plan }] : []));
    const variants = ready.flatMap(({ candidate, plan }) =>
      variantRowsOf(plan.render, variantPrefix(candidate.tenantId, candidate.assetId))
        .filter((v) => !plan.missing.includes(v.name))
        .map((v) => ({ ...v, assetId: candidate.assetId })),
    );
    await insertRebuiltVariants(tx, { variants });
    const partial = ready.filter((p) => p.plan.missing.length > 0);
    const unrendered = mine.filter((p) => p.plan.kind === 'render');
    counts.relinked = ready.length - partial.length;
    counts.partial = partial.length;
    counts.queued = unrendered.length;
    counts.rejected = mine.filter((p) => p.plan.kind === 'rejected').length;
    const lane = { lane: 'backfill' as const, maxAttempts: DEFAULT_MAX_ATTEMPTS };
    const queued: Job[] = [
      ...(await insertJobsUnlessOpen(tx, { assets: partial.map(owner), kind: 'backfill', ...lane })),
      ...(await insertJobsUnlessOpen(tx, { assets: unrendered.map(owner), kind: 'process', ...lane })),
    ];
    return queued;
  });
  // After the commit, as the intake queues a confirmed asset's job (not through its `afterConfirm`:
  // these assets were confirmed before the restore, and nothing owed a new one is owed them again).
  if (queue && jobs.length > 0) await enqueueAfterCommit({ queue }, deps.log, jobs);
  return counts;
}
