import { ASSET_ID_PATTERN, privateSignedPath } from '@darkroom/core/private-links';
import { deliverySignedPath, signDeliveryPath } from '@darkroom/core/delivery';
import { ERRORS } from '@darkroom/core/error-factories';
import { rendersImages, type Catalog, type CatalogEntry } from '../stores/catalog.js';
import { publicAccess, verifiedByTenant, type AssetAccess } from './authorize.js';
import { parsePrivateRest, type PrivateRest } from './private-rest.js';
import { checkPrivateToken, type PrivateToken } from './private-token.js';

/** One `/p/{exp}/{sig}/{assetId}/{rest}`, its segments as sent (never decoded). */
export interface PrivateLinkRequest {
  exp: string;
  signature: string;
  assetId: string;
  rest: string;
}

/** A private link resolved: its token, its asset, and what `rest` names of it. */
export interface ResolvedPrivateLink {
  token: PrivateToken;
  /** Any ready asset: an audio file's objects are served too, though no image is rendered of it. */
  found: NonNullable<CatalogEntry>;
  target: PrivateRest;
}

/**
 * A private link's steps before its answer, one a call: the token's form and life (403 before any
 * lookup), the asset (404 for one unknown, deleted or not ready; 503 busy past this second's
 * lookups), the token's signature under the asset's tenant's keys (403; a failure reads the tenant
 * again, at most once a second), then what `rest` names inside the asset (404 for anything else).
 */
export async function resolvePrivateLink(catalog: Catalog, sent: PrivateLinkRequest, nowSeconds: number): Promise<ResolvedPrivateLink> {
  const token = checkPrivateToken(sent.exp, sent.signature, nowSeconds);
  if (!ASSET_ID_PATTERN.test(sent.assetId)) throw ERRORS.noSuchFile();
  const found = await catalog.lookup(sent.assetId);
  if (!found) throw ERRORS.noSuchFile();
  if (!(await verifiedByTenant(catalog, found.tenant, privateSignedPath(token.exp, found.asset.id), token.signature))) {
    throw ERRORS.linkNotValid();
  }
  const target = parsePrivateRest(sent.rest, found.asset);
  if (!target) throw ERRORS.noSuchFile();
  return { token, found, target };
}

/**
 * `img/…` under a private link: the asset its token opened (read again for a newer revision, as
 * `/img/` does), every rule of `/img/` for the options, and an older revision's 301 to the same
 * link's current one.
 */
export function privateImageAccess(catalog: Catalog, link: ResolvedPrivateLink): AssetAccess {
  const rules = publicAccess(catalog);
  return {
    async find(request) {
      if (request.revision <= link.found.asset.revision) return rendersImages(link.found) ? link.found : null;
      const fresh = await catalog.lookup(link.found.asset.id, { fresh: true });
      return rendersImages(fresh) && fresh.tenant.id === link.found.tenant.id ? fresh : null;
    },
    authorize: rules.authorize,
    currentPath({ asset, tenant }, { sent }) {
      const signed = deliverySignedPath(asset.id, asset.revision, sent.options);
      const signature = sent.signature !== undefined && tenant.currentKey ? `/${signDeliveryPath(tenant.currentKey, signed)}` : '';
      return `/p/${link.token.exp}/${link.token.signature}/${asset.id}/img/${asset.revision}/${sent.options}${signature}`;
    },
  };
}
