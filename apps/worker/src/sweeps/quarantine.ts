import { originalKey, quarantineKey } from '@darkroom/core/keys';
import { getAsset, markAssetPurged } from '@darkroom/db/queries/assets';
import {
  claimQuarantine,
  listAssetsToQuarantine,
  listQuarantineExpired,
  markAssetQuarantined,
  markAssetReleased,
} from '@darkroom/db/queries/moderation';
import { releaseVisibilityMove } from '@darkroom/db/queries/visibility';
import type { Asset } from '@darkroom/db/schema';
import { recordAssetAsItIs } from '@darkroom/intake';
import { ObjectNotFoundError, purgeRenderedObjects } from '@darkroom/storage';
import type { WorkerDeps } from '../deps.js';
import { runEvery, type RunningPasses } from '../run-every.js';
import { purgeListOf } from '../visibility-move.js';

const BATCH = 20;
/** How long a pass holds one asset (its variants deleted, its original copied): far past what either takes. */
const QUARANTINE_CLAIM_MS = 5 * 60_000;

/**
 * A rejected asset's objects: every variant and render deleted from both places (a takedown of a
 * published public asset first lists what a CDN should purge), its original moved to
 * `quarantine/` (copied, then every version of the old key deleted), then recorded. Idempotent:
 * a pass cut off midway is done again from where the objects are. An asset a job or a move holds
 * is left to the next pass; the pass holds the asset itself, so no job of it starts meanwhile (an
 * admin's restore queues one) and nothing that job reads or writes is moved from under it.
 */
export async function quarantineRejectedAsset(deps: WorkerDeps, listed: Asset): Promise<boolean> {
  const held = await claimQuarantine(deps.db, { id: listed.id, claimMs: QUARANTINE_CLAIM_MS });
  if (!held) return false;
  try {
    return await quarantineHeld(deps, held.asset);
  } finally {
    await releaseVisibilityMove(deps.db, { move: held });
  }
}

async function quarantineHeld(deps: WorkerDeps, asset: Asset): Promise<boolean> {
  const { bucket, publicBucket } = deps.config.storage;
  const published = asset.readyAt !== null && asset.objectsVisibility === 'public';
  const purge = published ? await purgeListOf(deps, asset, 'public') : undefined;
  await purgeRenderedObjects(deps.storage, { bucket, publicBucket, asset });
  const target = quarantineKey(asset.tenantId, asset.id);
  if (asset.originalKey !== target) await moveObject(deps, asset.originalKey, target);
  if (!(await markAssetQuarantined(deps.db, { id: asset.id, originalKey: target, purge }))) {
    // Restored (or deleted) while its original moved: it goes back to the key the row names, for
    // the restore's render (or the deletion's purge) to find.
    const now = await getAsset(deps.db, { id: asset.id });
    if (now && now.originalKey !== target) await moveObject(deps, target, now.originalKey);
    return false;
  }
  // The record object (under records/, not the original's key) stays; written again here, so it
  // says rejected even when the write at the rejection was lost.
  await recordAssetAsItIs(deps, asset.id);
  return true;
}

/**
 * A restored asset (an admin's approve of a rejected one) renders from its original, moved back
 * from quarantine first, so nothing reads `quarantine/` but a restore; the asset as it is then.
 */
export async function releaseFromQuarantine(deps: WorkerDeps, asset: Asset): Promise<Asset> {
  const home = originalKey(asset.tenantId, asset.id);
  if (asset.originalKey === home) return asset;
  await moveObject(deps, asset.originalKey, home);
  const released = await markAssetReleased(deps.db, { id: asset.id, originalKey: home });
  if (!released) throw new Error('the asset changed while its original left quarantine');
  return released;
}

/** Moves one object within the originals bucket; a source already gone (a pass cut off after its delete) is left. */
async function moveObject(deps: WorkerDeps, from: string, to: string): Promise<void> {
  const { bucket } = deps.config.storage;
  try {
    const head = await deps.storage.headObject({ bucket, key: from });
    await deps.storage.copyObject({ bucket, key: to, sourceKey: from, size: head.size });
  } catch (error) {
    if (!(error instanceof ObjectNotFoundError)) throw error;
  }
  await deps.storage.deleteObject({ bucket, key: from });
}

/** Deletes the originals whose quarantine ran out (QUARANTINE_DAYS): a rejected asset can no longer be restored. */
async function deleteExpiredQuarantine(deps: WorkerDeps): Promise<number> {
  const quarantinedBefore = new Date(Date.now() - deps.config.moderation.quarantineMs);
  const expired = await listQuarantineExpired(deps.db, { quarantinedBefore, limit: BATCH });
  for (const asset of expired) {
    await deps.storage.deleteObject({ bucket: deps.config.storage.bucket, key: asset.originalKey });
    await markAssetPurged(deps.db, { id: asset.id });
  }
  return expired.length;
}

/** One pass: the rejected assets still owed their quarantine (only a tenant's: tests share a database), then the quarantines that ran out. */
export async function quarantinePass(deps: WorkerDeps, options: { tenantId?: string } = {}): Promise<number> {
  let done = 0;
  for (const asset of await listAssetsToQuarantine(deps.db, { limit: BATCH, tenantId: options.tenantId })) {
    if (deps.stopSignal.aborted) break;
    try {
      if (await quarantineRejectedAsset(deps, asset)) done++;
    } catch (err) {
      deps.log.warn({ assetId: asset.id, err }, 'quarantining a rejected asset failed; trying again next pass');
    }
  }
  return options.tenantId ? done : done + (await deleteExpiredQuarantine(deps));
}

/** The quarantine's loop (QUARANTINE_INTERVAL), or null when off. */
export function startQuarantine(deps: WorkerDeps): RunningPasses | null {
  const intervalMs = deps.config.moderation.quarantineIntervalMs;
  if (intervalMs === null) return null;
  return runEvery(deps, { intervalMs, name: 'quarantine' }, async () => {
    const done = await quarantinePass(deps);
    if (done > 0) deps.log.info({ done }, 'quarantined rejected assets');
  });
}
