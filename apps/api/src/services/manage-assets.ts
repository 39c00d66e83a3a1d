import { deliveryPolicyOf } from '@darkroom/core/delivery';
import { ERRORS } from '@darkroom/core/error-factories';
import { privateLinkContext, type AssetView, type DeliveryContext } from '@darkroom/core/contract/asset';
import { finishAssetDeletion } from '@darkroom/db/queries/asset-deletion';
import { getAsset, getTenantAsset, markAssetDeleting } from '@darkroom/db/queries/assets';
import { getTenantAssetWithVariants, listVariantsByAsset } from '@darkroom/db/queries/variants';
import { isUuid } from '@darkroom/db/pagination';
import type { Asset, Tenant } from '@darkroom/db/schema';
import { purgeAssetObjects } from '@darkroom/storage';
import type { FastifyBaseLogger } from 'fastify';
import type { AppDeps } from '../deps.js';
import { assetView, uploadTokenAssetView } from '../views.js';
import { ensureDeliveryKey } from './delivery-key.js';
import { releaseUploadReservation } from './tenant-quotas.js';

/**
 * Whose asset a caller may reach: its tenant's; with `uploadTokenId` (a browser upload token) only
 * those that token started.
 */
export interface AssetOwner {
  tenantId: string;
  uploadTokenId?: string | undefined;
}

const reachable = (asset: Asset | undefined, owner: AssetOwner) =>
  asset && (owner.uploadTokenId === undefined || asset.uploadTokenId === owner.uploadTokenId) ? asset : undefined;

/** An asset of this tenant (of this upload token), or `not_found` (also for others' ids, which must not leak). */
export async function requireTenantAsset(deps: AppDeps, params: AssetOwner & { id: string }): Promise<Asset> {
  const asset = isUuid(params.id) ? await getTenantAsset(deps.db, { tenantId: params.tenantId, id: params.id }) : undefined;
  const found = reachable(asset, params);
  if (!found) throw ERRORS.assetNotFound();
  return found;
}

/** An asset of any tenant, for an admin; `not_found` for an unknown id or one being deleted. */
export async function requireAnyAsset(deps: AppDeps, params: { id: string }): Promise<Asset> {
  const asset = isUuid(params.id) ? await getAsset(deps.db, params) : undefined;
  if (!asset || asset.status === 'deleting') throw ERRORS.assetNotFound();
  return asset;
}

/**
 * `DELETE /v1/assets/:id`, the start of a deletion (the steps: @darkroom/db's asset-deletion.ts):
 * the row turns `deleting` first (gone for the API, queued jobs closed), then, unless a worker has
 * the asset in hand and finishes it itself, the objects go and then the row. A storage failure
 * leaves the row `deleting` for the worker's purge sweep.
 */
export async function deleteAsset(deps: AppDeps, log: FastifyBaseLogger, params: { tenant: Tenant; id: string }): Promise<void> {
  const asset = await requireTenantAsset(deps, { tenantId: params.tenant.id, id: params.id });
  const deleting = await markAssetDeleting(deps.db, { id: asset.id });
  // From the answer on, no delivery process serves it from its cached lookup.
  if (deleting) await deps.announceDeliveryChange({ asset: asset.id });
  if (!deleting) return;
  // An upload deleted before its complete gives back what it reserved, as an abort does.
  if (asset.status === 'awaiting_upload') await releaseUploadReservation(deps, params.tenant, asset.id);
  const { bucket, publicBucket } = deps.config.storage;
  const removeObjects = () => purgeAssetObjects(deps.storage, { bucket, publicBucket, asset });
  const onRemoveFailed = (error: unknown) =>
    log.warn({ assetId: asset.id, err: error }, 'could not remove a deleted asset from the buckets yet; the purge sweep will');
  await finishAssetDeletion(deps.db, { assetId: asset.id, removeObjects, onRemoveFailed });
}

/** How an answer's URLs are made beyond the tenant's settings: a private URL's life (`?urlTtl=`; absent: PRIVATE_URL_TTL). */
export interface UrlOptions {
  urlTtl?: number | undefined;
}

/**
 * What an answer's Asset URLs are built from for this tenant: its policy and delivery key as cached
 * with its API key, DELIVERY_BASE_URL, and the private URLs' life. Built once per answer.
 */
export function deliveryContextOf(deps: AppDeps, tenant: Tenant, options: UrlOptions = {}): DeliveryContext {
  return {
    policy: deliveryPolicyOf(tenant.delivery),
    baseUrl: deps.config.deliveryBaseUrl,
    private: privateLinkContext({ secretBox: deps.secretBox, tenant, ttlSeconds: options.urlTtl ?? deps.config.privateUrlTtlSeconds }),
  };
}

/**
 * The tenant as an answer's URLs need it: a held asset is shown through private links whatever its
 * visibility, so a tenant that never made a private asset gets its delivery key with its first hold.
 */
const keyedFor = (deps: AppDeps, tenant: Tenant, assets: readonly Asset[]) =>
  assets.some((a) => a.status === 'held') ? ensureDeliveryKey(deps, tenant) : tenant;

/** Assets as the API shows them: each with its variants and their CDN URLs (one query for the whole page). */
export async function presentAssets(deps: AppDeps, tenant: Tenant, assets: Asset[], options: UrlOptions = {}) {
  const variantsByAsset = await listVariantsByAsset(deps.db, { assetIds: assets.map((a) => a.id) });
  const delivery = deliveryContextOf(deps, await keyedFor(deps, tenant, assets), options);
  return assets.map((asset) => assetView(asset, variantsByAsset.get(asset.id) ?? [], deps.publicUrl, delivery));
}

/** `GET /v1/assets/:id`: the asset and its variants in one query (the read clients poll); an upload token's view is narrower. */
export async function showAsset(deps: AppDeps, tenant: Tenant, params: AssetOwner & UrlOptions & { id: string }) {
  const found = isUuid(params.id) ? await getTenantAssetWithVariants(deps.db, { tenantId: params.tenantId, id: params.id }) : undefined;
  if (!found || !reachable(found.asset, params)) throw ERRORS.assetNotFound();
  const delivery = deliveryContextOf(deps, await keyedFor(deps, tenant, [found.asset]), params);
  return shownTo(params, assetView(found.asset, found.variants, deps.publicUrl, delivery));
}

/** An Asset as this caller may read it: an upload token's narrower (uploadTokenAssetView), a key's whole. */
export const shownTo = (owner: Pick<AssetOwner, 'uploadTokenId'>, view: AssetView): AssetView =>
  owner.uploadTokenId === undefined ? view : uploadTokenAssetView(view);

export async function presentAsset(deps: AppDeps, tenant: Tenant, asset: Asset) {
  const [shown] = await presentAssets(deps, tenant, [asset]);
  return shown!;
}
