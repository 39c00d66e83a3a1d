import { ORIGINALS_PREFIX, STAGING_PREFIX } from '@darkroom/core/keys';
import { describesAsset } from '@darkroom/db/records/codec';
import { listAssetsToPurge, markAssetPurged } from '@darkroom/db/queries/assets';
import type { Asset } from '@darkroom/db/schema';
import { abortStaleMultipartUploads, purgeUploadObjects, type ObjectHead } from '@darkroom/storage';
import { finishDeletion } from '../deletion.js';
import type { WorkerDeps } from '../deps.js';
import { underTenant } from './orphans.js';
import { sweepStaging } from './staging-sweep.js';

/** Rows younger than this are left to the request that is still removing their objects. */
const GRACE_MS = 5_000;
const BATCH = 100;
/** Beyond UPLOAD_TTL, before a multipart upload counts as abandoned (expiry ends live ones by then). */
const MULTIPART_MARGIN_MS = 3_600_000;

/**
 * Removes a canceled or expired upload's objects (its multipart parts, its staging object), then
 * says so on the row. An expired upload's original that describes itself is kept: only `complete`
 * writes one, so the upload was confirmed and the database is behind the bucket (a restore), and
 * `npm run recover` rebuilds it. A cancel holds the row's lock, so no `complete` came after it.
 */
export async function purgeEndedUpload(deps: WorkerDeps, asset: Asset): Promise<void> {
  const keepOriginal = (head: ObjectHead) => {
    const keep = describesAsset(head.metadata);
    if (keep)
      deps.log.warn(
        { assetId: asset.id },
        'kept the original of an expired upload that was confirmed: the database is behind the bucket (npm run recover)',
      );
    return keep;
  };
  await purgeUploadObjects(deps.storage, {
    bucket: deps.config.storage.bucket,
    asset,
    keepOriginal: asset.status === 'expired' ? keepOriginal : undefined,
  });
  await markAssetPurged(deps.db, { id: asset.id });
}

/**
 * The sweep behind every path that removes bucket objects (DELETE, abort, expiry): whatever a
 * failure left owed is retried here until it is done, so no object or multipart upload outlives
 * its asset. Also deletes staging objects no upload waits on (`sweepStaging`), and aborts multipart
 * uploads no asset recorded once older than UPLOAD_TTL, under `staging/` (clients' uploads) and
 * `originals/` (copies in parts a crash interrupted).
 */
export interface PurgeOptions {
  /** Rows changed more recently are left alone (default 5 s: the request may still be at work). */
  graceMs?: number;
  /** Only this tenant's staging objects and multipart uploads (tests share a bucket; default all). */
  tenantId?: string;
  /** How old an unrecorded multipart upload must be to count as abandoned (default UPLOAD_TTL + 1 h). */
  multipartAgeMs?: number;
}

export async function purgePending(deps: WorkerDeps, options: PurgeOptions = {}): Promise<number> {
  let purged = 0;
  const updatedBefore = new Date(Date.now() - (options.graceMs ?? GRACE_MS));
  for (const asset of await listAssetsToPurge(deps.db, { updatedBefore, limit: BATCH })) {
    try {
      if (asset.status === 'deleting') purged += (await finishDeletion(deps, asset)) ? 1 : 0;
      else {
        await purgeEndedUpload(deps, asset);
        purged++;
      }
    } catch (err) {
      deps.log.warn({ assetId: asset.id, err }, 'purge failed; trying again next pass');
    }
  }
  purged += await sweepStaging(deps, { tenantId: options.tenantId });
  const initiatedBefore = new Date(Date.now() - (options.multipartAgeMs ?? deps.config.uploadTtlMs + MULTIPART_MARGIN_MS));
  for (const prefix of [STAGING_PREFIX, ORIGINALS_PREFIX]) {
    const under = underTenant(prefix, options.tenantId);
    purged += await abortStaleMultipartUploads(deps.storage, { bucket: deps.config.storage.bucket, prefix: under, initiatedBefore });
  }
  return purged;
}
