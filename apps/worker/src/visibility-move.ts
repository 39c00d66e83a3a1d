import { DELIVERY_LOOKUP_TTL_MS, deliveryImagePrefix, PUBLIC_RENDER_STORE_WINDOW_MS, type PurgeList, type Visibility } from '@darkroom/core';
import { finishAssetVisibilityMove, hasActiveJob, listAssetVisibilityMoves, type Asset } from '@darkroom/db';
import { assetObjectLocation, assetObjectPrefixes, type ObjectLocation } from '@darkroom/storage';
import type { WorkerDeps } from './deps.js';
import { runEvery, type RunningPasses } from './run-every.js';

/** Moves per pass at most. */
const BATCH = 20;
/** Copies under way at once for one asset (an HLS ladder is hundreds of small objects). */
const COPIES_AT_ONCE = 8;

export type MoveOutcome = 'moved' | 'waiting' | 'superseded';

const other = (visibility: Visibility): Visibility => (visibility === 'private' ? 'public' : 'private');

/**
 * Moves every object of an asset (variants, stream files, storyboards, waveforms, delivery's renders)
 * to where its visibility says (storage's assetObjectLocation), copied server-side and then deleted
 * with every version, then records the move and sends `asset.updated` (with what a CDN may still hold
 * when it went private) in one transaction. Whatever is in the other place is gathered, so a move cut
 * off midway, or a visibility changed back before its move was done, ends with everything in one
 * place when run again. Waits while a job renders the asset: a render writes where the objects are.
 */
export async function moveAssetObjects(deps: WorkerDeps, asset: Asset): Promise<MoveOutcome> {
  if (await hasActiveJob(deps.db, { assetId: asset.id })) return 'waiting';
  const to = asset.visibility;
  for (const prefix of assetObjectPrefixes(asset)) {
    const source = assetObjectLocation(deps.config.storage, other(to), prefix);
    const target = assetObjectLocation(deps.config.storage, to, prefix);
    await copyUnder(deps, source, target);
    await deps.storage.deletePrefix({ bucket: source.bucket, prefix: source.key });
  }
  const purge = to === 'private' ? await purgeOf(deps, asset) : undefined;
  const applied = await finishAssetVisibilityMove(deps.db, { id: asset.id, visibility: to, purge });
  return applied ? 'moved' : 'superseded';
}

/** Copies every object under `source` (a prefix) to the same place under `target`. */
async function copyUnder(deps: WorkerDeps, source: ObjectLocation, target: ObjectLocation): Promise<void> {
  const copying = new Set<Promise<void>>();
  for await (const object of deps.storage.listObjects({ bucket: source.bucket, prefix: source.key })) {
    const copy = deps.storage
      .copyObject({
        bucket: target.bucket,
        key: `${target.key}${object.key.slice(source.key.length)}`,
        sourceBucket: source.bucket,
        sourceKey: object.key,
        size: object.size,
        // Only a copy in parts (over 5 GiB) sets it; a one-request copy keeps the source's.
        contentType: 'application/octet-stream',
      })
      .then(() => {
        copying.delete(copy);
      });
    copying.add(copy);
    if (copying.size >= COPIES_AT_ONCE) await Promise.race(copying);
  }
  await Promise.all(copying);
}

/**
 * What a CDN may still hold of an asset that went private: the public URL of every object it had
 * under its variants (each eager variant and stream file: listed where they now are), and the URL
 * prefixes of everything else (its variants' folder, its `/img/` renders with any options).
 */
async function purgeOf(deps: WorkerDeps, asset: Asset): Promise<PurgeList> {
  const [variants] = assetObjectPrefixes(asset) as [string];
  const moved = assetObjectLocation(deps.config.storage, 'private', variants);
  const urls: string[] = [];
  for await (const object of deps.storage.listObjects({ bucket: moved.bucket, prefix: moved.key })) {
    urls.push(deps.publicUrl(`${variants}${object.key.slice(moved.key.length)}`));
  }
  return { urls, prefixes: [deps.publicUrl(variants), deliveryImagePrefix(deps.config.deliveryBaseUrl, asset.id)] };
}

/**
 * A change waits this long before its objects move: every delivery process has looked the asset up
 * again by then, so none still serves it publicly, and a public render under way lands only within
 * its store window of a read that found the asset public, so none lands once they are gone.
 */
const MOVE_GRACE_MS = Math.max(DELIVERY_LOOKUP_TTL_MS, PUBLIC_RENDER_STORE_WINDOW_MS) + 1000;

/** One pass over the assets whose objects are owed a move; a failed move is logged and tried again next pass. */
export async function moveOwedAssets(deps: WorkerDeps, options: { graceMs?: number; tenantId?: string } = {}): Promise<number> {
  const changedBefore = new Date(Date.now() - (options.graceMs ?? MOVE_GRACE_MS));
  let moved = 0;
  for (const asset of await listAssetVisibilityMoves(deps.db, { limit: BATCH, changedBefore, tenantId: options.tenantId })) {
    try {
      if ((await moveAssetObjects(deps, asset)) === 'moved') moved++;
    } catch (err) {
      deps.log.warn({ assetId: asset.id, err }, 'moving an asset between buckets failed; trying again next pass');
    }
  }
  return moved;
}

/** The moves' loop (VISIBILITY_MOVE_INTERVAL), or null when off. */
export function startVisibilityMoves(deps: WorkerDeps): RunningPasses | null {
  const intervalMs = deps.config.visibilityMoveIntervalMs;
  if (intervalMs === null) return null;
  return runEvery(deps, { intervalMs, name: 'visibility move' }, async () => {
    const moved = await moveOwedAssets(deps);
    if (moved > 0) deps.log.info({ moved }, 'moved assets between buckets');
  });
}
