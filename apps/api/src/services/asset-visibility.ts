import { ERRORS } from '@darkroom/core/error-factories';
import type { Visibility } from '@darkroom/core/private-links';
import { lockAsset } from '@darkroom/db/queries/assets';
import { setAssetVisibility } from '@darkroom/db/queries/visibility';
import type { Asset, Tenant } from '@darkroom/db/schema';
import type { AppDeps } from '../deps.js';
import { recordAssetChange } from '@darkroom/intake';
import { ensureDeliveryKey } from './delivery-key.js';
import { requireTenantAsset } from './manage-assets.js';

/**
 * `PATCH /v1/assets/:id { visibility }` (a tenant key's only): a ready asset's new visibility. The
 * answer shows it at once (a private asset's URLs are private ones from then on); its objects stay
 * where they are, for the worker to move, which then sends `asset.updated` (with what a CDN should
 * purge when they left the public bucket). The same visibility again changes nothing. Returns the
 * tenant too: with the delivery key its first private asset made, if it did.
 */
export async function changeAssetVisibility(
  deps: AppDeps,
  tenant: Tenant,
  params: { id: string; visibility: Visibility },
): Promise<{ asset: Asset; tenant: Tenant }> {
  const asset = await requireTenantAsset(deps, { tenantId: tenant.id, id: params.id });
  if (asset.status !== 'ready') throw ERRORS.visibilityOfUnreadyAsset(asset.status);
  const keyed = params.visibility === 'private' ? await ensureDeliveryKey(deps, tenant) : tenant;
  // Under the row's lock from the first read: of two changes at once, the later one is applied after
  // the earlier (never taken for "no change" by reading the row before it), and writes its record
  // after it, so the bucket never keeps an older visibility for `recover`.
  const changed = await deps.db.transaction(async (tx) => {
    const current = await lockAsset(tx, { id: asset.id });
    if (current?.visibility === params.visibility) return { row: current, changed: false };
    const row = await setAssetVisibility(tx, { id: asset.id, visibility: params.visibility });
    if (!row) throw ERRORS.assetChangedMeanwhile();
    await recordAssetChange(deps, row);
    return { row, changed: true };
  });
  // The same visibility again changes nothing.
  if (!changed.changed) return { asset: changed.row, tenant: keyed };
  // Before the answer: from it on, no delivery process serves the asset by its old visibility.
  await deps.announceDeliveryChange({ asset: asset.id });
  return { asset: changed.row, tenant: keyed };
}
