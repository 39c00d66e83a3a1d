import { setTimeout as sleep } from 'node:timers/promises';
import type { PurgeList } from '@darkroom/core/contract/event';
import { DELIVERY_LOOKUP_TTL_MS, PUBLIC_RENDER_STORE_WINDOW_MS } from '@darkroom/core/delivery';
import { DELIVERY_TOKENS } from '@darkroom/core/delivery-grammar';
import { deliveryAssetPrefix } from '@darkroom/core/keys';
import { lockAsset } from '@darkroom/db/queries/assets';
import { recordAssetEvent } from '@darkroom/db/queries/events';
import type { Asset } from '@darkroom/db/schema';
import type { WorkerDeps } from '../deps.js';
import { assetObject } from '../render/asset-object.js';
import type { TenantRedaction } from '../render/redaction.js';
import { purgeListOf } from '../visibility-move.js';

/**
 * The part of an AssetBackfill owed to a change of the tenant's `enforceFaceRedaction` (a
 * `face-redaction` backfill's jobs, docs/delivery.md#faces), after its image variants were re-rendered
 * as the policy says: under enforcement, the asset's stored `/img/` renders without a face effect
 * deleted (none may be served again: delivery's keys under the policy name the effect), then, when
 * anything changed, an `asset.updated` carrying what a CDN should purge. Idempotent: a re-run finds
 * the variants current and no unredacted render, and sends nothing.
 */

/**
 * How long after a policy change a delivery process may still render by the old one and store it:
 * its lookup's life, then a render's store window (as a visibility move waits). Deleting or purging
 * before that could miss an unredacted render landing late.
 */
const POLICY_GRACE_MS = Math.max(DELIVERY_LOOKUP_TTL_MS, PUBLIC_RENDER_STORE_WINDOW_MS) + 1000;

const EFFECT_TOKEN = `${DELIVERY_TOKENS.effect.prefix}_`;

/** Whether a stored render's key names a face effect (its canonical options: `w_640,…,e_blur-faces.webp`). */
export function rendersFaceEffect(key: string): boolean {
  const name = key.slice(key.lastIndexOf('/') + 1);
  return name
    .slice(0, name.lastIndexOf('.'))
    .split(',')
    .some((token) => token.startsWith(EFFECT_TOKEN));
}

/** Deletes the asset's stored `/img/` renders (every revision) that cover no face; returns how many. */
export async function deleteUnredactedRenders(deps: WorkerDeps, asset: Pick<Asset, 'id' | 'tenantId' | 'objectsVisibility'>): Promise<number> {
  const where = assetObject(deps, asset, deliveryAssetPrefix(asset.tenantId, asset.id));
  const unredacted: string[] = [];
  for await (const object of deps.storage.listObjects({ bucket: where.bucket, prefix: where.key })) {
    if (!rendersFaceEffect(object.key)) unredacted.push(object.key);
  }
  await Promise.all(unredacted.map((key) => deps.storage.deleteObject({ bucket: where.bucket, key })));
  return unredacted.length;
}

/**
 * What a CDN may hold of the asset's variants before they are replaced (listed while the old
 * objects are still there) and of its `/img/` renders; undefined when the redaction is unchanged.
 */
export async function redactionPurgeList(deps: WorkerDeps, asset: Asset, changed: boolean): Promise<PurgeList | undefined> {
  return changed ? purgeListOf(deps, asset, asset.objectsVisibility) : undefined;
}

/**
 * After the variants are recorded (and the objects they replaced deleted): the unredacted renders
 * deleted under enforcement, then the purge sent once the bucket holds nothing a CDN should not
 * fetch again. `purge`: the list taken before the variants changed (none: they did not).
 */
export async function settleRedaction(deps: WorkerDeps, asset: Asset, policy: TenantRedaction, purge: PurgeList | undefined): Promise<boolean> {
  const enforcedOnFaces = policy.enforced !== null && asset.faces !== null && asset.faces.length > 0;
  if (!enforcedOnFaces && !purge) return false;
  // A purge sent sooner could let a CDN fetch again what a process still renders by the old policy.
  const wait = policy.changedAt.getTime() + POLICY_GRACE_MS - Date.now();
  if (wait > 0) await sleep(wait, undefined, { signal: deps.stopSignal });
  const deleted = enforcedOnFaces ? await deleteUnredactedRenders(deps, asset) : 0;
  const list = purge ?? (deleted > 0 ? await purgeListOf(deps, asset, asset.objectsVisibility) : undefined);
  if (!list) return false;
  return deps.db.transaction(async (tx) => {
    // The asset as the backfill left it: its event lists the new variants.
    const current = await lockAsset(tx, { id: asset.id });
    if (current?.status !== 'ready') return false;
    await recordAssetEvent(tx, { type: 'asset.updated', asset: current, purge: list });
    return true;
  });
}
