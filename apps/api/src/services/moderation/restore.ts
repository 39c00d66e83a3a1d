import { ERRORS } from '@darkroom/core/error-factories';
import { transitionAsset } from '@darkroom/db/queries/assets';
import { recordAssetEvent } from '@darkroom/db/queries/events';
import { insertJob } from '@darkroom/db/queries/jobs';
import { decided } from '@darkroom/db/queries/moderation';
import type { Asset } from '@darkroom/db/schema';
import type { FastifyBaseLogger } from 'fastify';
import { enqueueAfterCommit, recordAssetAsItIs } from '@darkroom/intake';
import type { AppDeps } from '../../deps.js';

/**
 * An admin's `approve` of a rejected asset whose original is still kept (in quarantine, or not yet
 * moved there): recorded `approved` by `admin` with `asset.approved`, back to `queued` with a fresh
 * `process` job, as the admin retry of a failed job requeues it. The worker's side: a process job
 * of an asset whose moderation is `approved` skips the checks, and, when `quarantinedAt` is set,
 * first moves its original back from the quarantine key `originalKey` names. Undefined when the
 * asset is no longer rejected (decided or deleted meanwhile): the caller says why.
 */
export async function restoreRejectedAsset(
  deps: AppDeps,
  log: FastifyBaseLogger,
  params: { asset: Asset; reason: string | null },
): Promise<Asset | undefined> {
  const { asset } = params;
  // The quarantine sweep deleted the original when its QUARANTINE_DAYS ran out: nothing to render from.
  if (asset.purgedAt !== null) throw ERRORS.restoreAfterPurge();
  const restored = await deps.db.transaction(async (tx) => {
    const row = await transitionAsset(tx, {
      id: asset.id,
      from: ['rejected'],
      to: 'queued',
      set: { moderation: decided(asset.moderation, 'approved', 'admin', params.reason), errorCode: null, errorMessage: null },
    });
    if (!row) return undefined;
    await recordAssetEvent(tx, { type: 'asset.approved', asset: row, status: 'rejected' });
    const job = await insertJob(tx, { assetId: row.id, tenantId: row.tenantId, kind: 'process', maxAttempts: deps.config.jobMaxAttempts });
    return { row, job };
  });
  if (!restored) return undefined;
  // Approved in the bucket's record too: a rebuild then renders it again rather than keep it rejected.
  await recordAssetAsItIs(deps, asset.id);
  await enqueueAfterCommit(deps, log, [restored.job], { replaceFinished: true });
  log.info({ assetId: asset.id, jobId: restored.job.id }, 'rejected asset restored by an admin');
  return restored.row;
}
