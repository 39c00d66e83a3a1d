import { DELIVERY_LOOKUP_TTL_MS, PUBLIC_RENDER_STORE_WINDOW_MS } from '@darkroom/core/delivery';
import { deliveryImagePrefix } from '@darkroom/core/delivery-markup';
import type { PurgeList } from '@darkroom/core/contract/event';
import type { Visibility } from '@darkroom/core/private-links';
import {
  claimVisibilityMove,
  finishAssetVisibilityMove,
  releaseVisibilityMove,
  renewVisibilityMove,
  type ClaimedMove,
  type MoveClaimParams,
} from '@darkroom/db/queries/visibility';
import type { Asset } from '@darkroom/db/schema';
import { assetObjectLocation, assetObjectPrefixes, type ObjectLocation } from '@darkroom/storage';
import type { WorkerDeps } from './deps.js';
import { runEvery, type RunningPasses } from './run-every.js';

/** Moves per pass at most. */
const BATCH = 20;
/** Copies under way at once for one asset (an HLS ladder is hundreds of small objects). */
const COPIES_AT_ONCE = 8;
/**
 * A move's claim holds this long unless renewed, which it is every MOVE_RENEW_MS while it copies: a
 * worker that dies mid-move frees the asset (for its jobs and the next move) within a minute, and a
 * deletion or a change back stops a move within MOVE_RENEW_MS.
 */
export const MOVE_CLAIM_MS = 60_000;
const MOVE_RENEW_MS = 5_000;
/** A move whose asset has a job in hand is tried again after this, behind the moves owed meanwhile. */
const MOVE_WAIT_MS = 10_000;
/** A failed move is tried again after 5 s, doubling with each failure up to 10 minutes. */
const MOVE_RETRY = { baseMs: 5_000, maxMs: 600_000 };

export type MoveOutcome = 'moved' | 'waiting' | 'superseded';

const other = (visibility: Visibility): Visibility => (visibility === 'private' ? 'public' : 'private');

/**
 * A change waits this long before its objects move: every delivery process has looked the asset up
 * again by then, so none still serves it publicly, and a public render under way lands only within
 * its store window of a read that found the asset public, so none lands once they are gone. A job's
 * record moves the asset's change time too, so its last deletions of replaced objects are done.
 */
const MOVE_GRACE_MS = Math.max(DELIVERY_LOOKUP_TTL_MS, PUBLIC_RENDER_STORE_WINDOW_MS) + 1000;

const claimParams = (params: Partial<MoveClaimParams>): MoveClaimParams => ({ claimMs: MOVE_CLAIM_MS, waitMs: MOVE_WAIT_MS, ...params });

/**
 * Moves an asset's objects now, if it owes a move that no other worker holds and no job of it is
 * active (`waiting`); `superseded` when it owes none (moved already) or the move was no longer
 * wanted by its end. What `moveOwedAssets` does for each asset it claims, without the grace.
 */
export async function moveAssetObjects(deps: WorkerDeps, asset: Pick<Asset, 'id'>): Promise<MoveOutcome> {
  const claimed = await claimVisibilityMove(deps.db, claimParams({ assetId: asset.id }));
  if (claimed.outcome === 'claimed') return runClaimedMove(deps, claimed.move);
  return claimed.outcome === 'waiting' ? 'waiting' : 'superseded';
}

/**
 * Moves every object of an asset (variants, stream files, storyboards, waveforms, delivery's renders)
 * to where its visibility says (storage's assetObjectLocation), copied server-side and then deleted
 * with every version, then records the move and sends `asset.updated` (with what a CDN may still hold
 * when it went private) in one transaction. Whatever is in the other place is gathered, so a move cut
 * off midway, or a visibility changed back before its move was done, ends with everything in one
 * place when run again. Its claim keeps the asset's jobs from starting (a render writes where the
 * objects are) and is renewed while it copies; a failure puts the move behind the others.
 */
async function runClaimedMove(deps: WorkerDeps, move: ClaimedMove): Promise<MoveOutcome> {
  const held = holdClaim(deps, move);
  try {
    const to = move.asset.visibility;
    for (const prefix of assetObjectPrefixes(move.asset)) {
      const source = assetObjectLocation(deps.config.storage, other(to), prefix);
      const target = assetObjectLocation(deps.config.storage, to, prefix);
      await copyUnder(deps, source, target, held.signal);
      held.signal.throwIfAborted();
      await deps.storage.deletePrefix({ bucket: source.bucket, prefix: source.key });
    }
    const purge = to === 'private' ? await purgeListOf(deps, move.asset, 'private') : undefined;
    held.signal.throwIfAborted();
    return (await finishAssetVisibilityMove(deps.db, { move, purge })) ? 'moved' : 'superseded';
  } catch (error) {
    // Stopped, not failed: no backoff (the worker's stop, or a claim no longer wanted).
    if (held.lost() || deps.stopSignal.aborted) {
      await releaseVisibilityMove(deps.db, { move });
      return 'superseded';
    }
    await releaseVisibilityMove(deps.db, { move, retry: MOVE_RETRY }).catch(() => {});
    throw error;
  } finally {
    held.stop();
  }
}

/**
 * Renews a claim every MOVE_RENEW_MS; its signal aborts once the claim is lost (taken over after
 * it lapsed, the visibility changed, the asset deleted) or the worker stops.
 */
function holdClaim(deps: WorkerDeps, move: ClaimedMove) {
  const lost = new AbortController();
  const timer = setInterval(() => {
    void renewVisibilityMove(deps.db, { move, claimMs: MOVE_CLAIM_MS }).then(
      (renewed) => {
        if (!renewed) lost.abort(new Error('the move is no longer wanted'));
      },
      () => {}, // Postgres unreachable: the next renewal tries again, within the claim's time.
    );
  }, MOVE_RENEW_MS);
  return { signal: AbortSignal.any([lost.signal, deps.stopSignal]), lost: () => lost.signal.aborted, stop: () => clearInterval(timer) };
}

/** Copies every object under `source` (a prefix) to the same place under `target`, each with its own headers; stops on `signal` once the copies under way are done. */
async function copyUnder(deps: WorkerDeps, source: ObjectLocation, target: ObjectLocation, signal: AbortSignal): Promise<void> {
  const copying = new Set<Promise<void>>();
  try {
    for await (const object of deps.storage.listObjects({ bucket: source.bucket, prefix: source.key })) {
      signal.throwIfAborted();
      const copy = deps.storage
        .copyObject({
          bucket: target.bucket,
          key: `${target.key}${object.key.slice(source.key.length)}`,
          sourceBucket: source.bucket,
          sourceKey: object.key,
          size: object.size,
        })
        .then(() => {
          copying.delete(copy);
        });
      copying.add(copy);
      if (copying.size >= COPIES_AT_ONCE) await Promise.race(copying);
    }
    await Promise.all(copying);
  } finally {
    // None may land after the claim is released: a purge or the next move would miss it.
    await Promise.allSettled(copying);
  }
}

/**
 * What a CDN may still hold of an asset that went private (or was taken down): the public URL of
 * every object it had under its variants (each eager variant and stream file: listed where they
 * are now, `where`), and the URL prefixes of everything else (its variants' folder, its `/img/`
 * renders with any options).
 */
export async function purgeListOf(deps: WorkerDeps, asset: Asset, where: Visibility): Promise<PurgeList> {
  const [variants] = assetObjectPrefixes(asset) as [string];
  const moved = assetObjectLocation(deps.config.storage, where, variants);
  const urls: string[] = [];
  for await (const object of deps.storage.listObjects({ bucket: moved.bucket, prefix: moved.key })) {
    urls.push(deps.publicUrl(`${variants}${object.key.slice(moved.key.length)}`));
  }
  return { urls, prefixes: [deps.publicUrl(variants), deliveryImagePrefix(deps.config.deliveryBaseUrl, asset.id)] };
}

/**
 * One pass over the assets owed a move, claimed one at a time (so each worker of the fleet takes
 * others); a move that waits for a job or fails is logged and goes behind the others.
 */
export async function moveOwedAssets(deps: WorkerDeps, options: { graceMs?: number; tenantId?: string } = {}): Promise<number> {
  const changedBefore = new Date(Date.now() - (options.graceMs ?? MOVE_GRACE_MS));
  let moved = 0;
  for (let taken = 0; taken < BATCH && !deps.stopSignal.aborted; taken++) {
    const claimed = await claimVisibilityMove(deps.db, claimParams({ changedBefore, tenantId: options.tenantId }));
    if (claimed.outcome === 'none') break;
    if (claimed.outcome === 'waiting') continue;
    try {
      if ((await runClaimedMove(deps, claimed.move)) === 'moved') moved++;
    } catch (err) {
      deps.log.warn({ assetId: claimed.move.asset.id, err }, 'moving an asset between buckets failed; trying again after a backoff');
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
