import { deliveryKeyAad, signPrivateLink, type DeliveryPolicy } from '../delivery.js';
import { deliveryBase } from '../delivery-markup.js';
import { assetObjectRest } from '../keys.js';
import { privateAssetBase, privateExpiry, type Visibility } from '../private-links.js';
import type { SecretBox } from '../webhooks.js';

/** Turns a variant's object key into the URL clients fetch it from (the CDN, or the bucket). */
export type PublicUrl = (key: string) => string;

/** What a private asset's URLs are minted with: its tenant's current delivery key, their life, and the time now. */
export interface PrivateLinkContext {
  tenantId: string;
  /**
   * The tenant's current delivery key, opened; null when it has none. Called only for a private
   * asset, so a tenant without private assets never has its key opened.
   */
  key: () => string | null;
  /** PRIVATE_URL_TTL, or the request's `urlTtl`. */
  ttlSeconds: number;
  /** One reading of the clock for every asset of an answer, so they share one `exp`. */
  nowSeconds: number;
}

/** What an Asset's URLs are built from when it is read: the tenant's policy, DELIVERY_BASE_URL, and private links. */
export interface DeliveryContext {
  policy: DeliveryPolicy;
  baseUrl: string;
  private: PrivateLinkContext;
}

/** Where an Asset's URLs point: its objects, its delivery markup's base, and when they expire (null: never). */
export interface AssetUrls {
  object: (key: string) => string;
  markupBase: (revision: number) => string;
  expiresAt: string | null;
}

/**
 * A public asset's URLs are its objects' CDN URLs and `/img/`; a private asset's are all under one
 * token, `{base}/p/{exp}/{sig}/{id}/`, its objects by their key below the asset's prefix and its
 * renders under `img/{revision}`.
 */
export function assetUrlsOf(asset: { id: string; visibility: Visibility }, publicUrl: PublicUrl, delivery: DeliveryContext): AssetUrls {
  if (asset.visibility === 'public') {
    return { object: publicUrl, markupBase: (revision) => deliveryBase(delivery.baseUrl, asset.id, revision), expiresAt: null };
  }
  const { tenantId, key, ttlSeconds, nowSeconds } = delivery.private;
  const signingKey = key();
  // A tenant gets a key when its first private asset is made, so this is a broken invariant, not a client's error.
  if (signingKey === null) throw new Error(`tenant ${tenantId} has a private asset but no delivery key`);
  const exp = privateExpiry(nowSeconds, ttlSeconds);
  const base = privateAssetBase(delivery.baseUrl, exp, signPrivateLink(signingKey, exp, asset.id), asset.id);
  return {
    object: (objectKey) => `${base}/${assetObjectRest(tenantId, asset.id, objectKey)}`,
    markupBase: (revision) => `${base}/img/${revision}`,
    expiresAt: new Date(exp * 1000).toISOString(),
  };
}

/**
 * The private links of a tenant's Assets in one answer (a request, a webhook delivery): its current
 * delivery key opened at most once, when the first private asset needs it, and one reading of the clock.
 */
export function privateLinkContext(params: {
  secretBox: Pick<SecretBox, 'open'>;
  tenant: { id: string; deliveryKeySealed: string | null };
  ttlSeconds: number;
  now?: Date | undefined;
}): PrivateLinkContext {
  const { secretBox, tenant } = params;
  let opened: string | null | undefined;
  const key = () => {
    opened ??= tenant.deliveryKeySealed === null ? null : secretBox.open(tenant.deliveryKeySealed, deliveryKeyAad(tenant.id));
    return opened;
  };
  return { tenantId: tenant.id, key, ttlSeconds: params.ttlSeconds, nowSeconds: Math.floor((params.now ?? new Date()).getTime() / 1000) };
}
