import type { AssetView } from '@darkroom/core/contract/asset';
import { insertJobsUnlessOpen } from '@darkroom/db/queries/jobs';
import { listHeldAssets } from '@darkroom/db/queries/moderation';
import { listAssetsToRescan } from '@darkroom/db/queries/review';
import { getTenant } from '@darkroom/db/queries/tenants';
import type { Asset } from '@darkroom/db/schema';
import type { FastifyBaseLogger } from 'fastify';
import { enqueueAfterCommit } from '@darkroom/intake';
import type { AppDeps } from '../../deps.js';
import { presentAssets } from '../manage-assets.js';

/** A held asset in the review queue: whose it is, and the Asset its tenant reads (with `/p/` URLs). */
export interface HeldAssetRow {
  tenantId: string;
  asset: AssetView;
}

/** The review queue, oldest first, each asset shown as its own tenant's key reads it. */
export async function listReviewQueue(
  deps: AppDeps,
  params: { tenantId?: string | undefined; limit: number; cursor?: string | undefined },
): Promise<{ items: HeldAssetRow[]; nextCursor: string | null }> {
  const page = await listHeldAssets(deps.db, params);
  const shown = new Map<string, AssetView>();
  for (const tenantId of new Set(page.items.map((asset) => asset.tenantId))) {
    const tenant = await getTenant(deps.db, { id: tenantId });
    if (!tenant) continue; // deleted meanwhile: its assets go with it
    const views = await presentAssets(
      deps,
      tenant,
      page.items.filter((asset) => asset.tenantId === tenantId),
    );
    for (const view of views) shown.set(view.id, view);
  }
  const items = page.items.flatMap((asset: Asset) => {
    const view = shown.get(asset.id);
    return view ? [{ tenantId: asset.tenantId, asset: view }] : [];
  });
  return { items, nextCursor: page.nextCursor };
}

/** Assets a rescan reads per batch: one SELECT, one INSERT of their jobs and one enqueue each. */
export const RESCAN_BATCH = 500;

/**
 * `POST /v1/admin/moderation/rescan`: a `rescan` job on the backfill lane for every `ready` or
 * `held` asset made since `since` (of one tenant or all), so fresh uploads never wait behind them.
 * An asset with a job open already is left out (one open job per asset). Returns how many were queued.
 */
export async function startRescan(
  deps: AppDeps,
  log: FastifyBaseLogger,
  params: { since: Date; tenantId?: string | undefined; batchSize?: number },
): Promise<{ queued: number }> {
  const limit = params.batchSize ?? RESCAN_BATCH;
  let queued = 0;
  let afterId: string | undefined;
  for (;;) {
    const batch = await listAssetsToRescan(deps.db, { since: params.since, tenantId: params.tenantId, afterId, limit });
    if (batch.length === 0) break;
    afterId = batch.at(-1)!.assetId;
    const jobs = await insertJobsUnlessOpen(deps.db, { assets: batch, kind: 'rescan', lane: 'backfill', maxAttempts: deps.config.jobMaxAttempts });
    await enqueueAfterCommit(deps, log, jobs);
    queued += jobs.length;
    if (batch.length < limit) break;
  }
  log.info({ since: params.since.toISOString(), tenantId: params.tenantId ?? null, queued }, 'rescan queued');
  return { queued };
}
