import type { AssetProcessPayload } from '@darkroom/core/queue';
import { completeJob } from '@darkroom/db/queries/jobs';
import { rejectAsset, rejectionMessage } from '@darkroom/db/queries/moderation';
import { recordAssetAsItIs } from '@darkroom/intake';
import type { Job as QueueJob } from 'bullmq';
import type { WorkerDeps } from '../deps.js';
import { runAttempt, type Skipped } from '../jobs/attempt.js';
import { requireClamd } from './scanners.js';
import { moderationOf } from './verdict.js';

export type RescanResult = { outcome: 'clean' } | { outcome: 'rejected' } | Skipped;

/**
 * A rescan (`POST /v1/admin/moderation/rescan`, after a signature update): the original scanned
 * again, and a match takes the asset down as a `reject` decision by `policy` does (its variants and
 * original go to the quarantine sweep). Nothing is rendered. A worker without clamd waits for one
 * (scanner_unavailable), as a first check does.
 */
export async function assetRescan(deps: WorkerDeps, job: QueueJob<AssetProcessPayload>): Promise<RescanResult> {
  return runAttempt(deps, job, {
    skipReason: (asset) => (!asset ? 'asset deleted' : asset.status === 'ready' || asset.status === 'held' ? null : `asset is ${asset.status}`),
    async run(asset, row) {
      const scanner = requireClamd(deps);
      // Streamed from the bucket into clamd alone: nothing is decoded, so nothing is kept on disk.
      const scan = await scanner.scanStream(await deps.storage.getStream({ bucket: deps.config.storage.bucket, key: asset.originalKey }));
      if (scan.outcome !== 'infected') {
        await completeJob(deps.db, { id: row.id });
        return { outcome: 'clean' };
      }
      const found = moderationOf([{ check: 'malware', signature: scan.signature }], {
        malware: 'reject',
        blocklist: 'off',
        classifier: 'off',
        review: 'none',
      });
      const moderation = { ...found, findings: [...asset.moderation.findings, ...found.findings] };
      await deps.db.transaction(async (tx) => {
        await rejectAsset(tx, { id: asset.id, from: ['ready', 'held'], moderation, message: rejectionMessage(moderation) });
        await completeJob(tx, { id: row.id });
      });
      deps.announceAsset?.(asset.id);
      // So a rebuild never publishes it again.
      await recordAssetAsItIs(deps, asset.id);
      return { outcome: 'rejected' };
    },
  });
}
