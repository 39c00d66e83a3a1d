import { ERRORS, type Visibility } from '@darkroom/core';
import { setAssetVisibility, type Asset, type Tenant } from '@darkroom/db';
import type { AppDeps } from '../deps.js';
import { recordAssetChange } from './bucket-records.js';
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
  if (asset.visibility === params.visibility) return { asset, tenant };
  const keyed = params.visibility === 'private' ? await ensureDeliveryKey(deps, tenant) : tenant;
  const changed = await setAssetVisibility(deps.db, { id: asset.id, visibility: params.visibility });
  if (!changed) throw ERRORS.assetChangedMeanwhile();
  await recordAssetChange(deps, changed);
  // Before the answer: from it on, no delivery process serves the asset by its old visibility.
  await deps.announceDeliveryChange({ asset: asset.id });
  return { asset: changed, tenant: keyed };
}
