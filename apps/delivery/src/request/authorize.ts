import { deliverySignedPath, ERRORS, fitsDeliveryPolicy, signDeliveryPath } from '@darkroom/core';
import type { Catalog, CatalogEntry } from '../stores/catalog.js';
import type { ParsedImageRequest } from './parse.js';

/** An asset found for a request, with its tenant (policy and signing keys). */
export type FoundAsset = NonNullable<CatalogEntry>;

/**
 * How a request reaches its asset: the step a route replaces. The public route finds it in the
 * catalog and checks the tenant's policy or the URL's signature; a private link's route has it
 * already, found and authorized by its token.
 */
export interface AssetAccess {
  /** The asset the request names, or null (unknown, deleted, not ready, failed: all alike). */
  find(request: ParsedImageRequest): CatalogEntry | Promise<CatalogEntry>;
  /** Throws `forbidden` when the request may not have these options of the asset. */
  authorize(found: FoundAsset, request: ParsedImageRequest): void;
  /** The request's path at the asset's current revision, the base path left out: an older revision's 301. */
  currentPath(found: FoundAsset, request: ParsedImageRequest): string;
}

/** The asset, when it has the revision asked (or a newer one, answered 301); else no image (404). */
export async function findAsset(access: AssetAccess, request: ParsedImageRequest): Promise<FoundAsset> {
  const found = await access.find(request);
  if (!found || request.revision > found.asset.revision) throw ERRORS.noSuchImage();
  return found;
}

/** `/img/…`: the catalog's asset, unsigned within the tenant's policy or signed with its key. */
export function publicAccess(catalog: Catalog): AssetAccess {
  return {
    async find(request) {
      const { assetId } = request.sent;
      const found = await catalog.lookup(assetId);
      // A revision newer than the one cached: the asset may have been cropped since.
      return found && request.revision > found.asset.revision ? catalog.lookup(assetId, { fresh: true }) : found;
    },
    authorize({ tenant }, { sent, options }) {
      if (sent.signature === undefined) {
        if (fitsDeliveryPolicy(options, tenant.policy)) return;
        throw ERRORS.unsignedOutsidePolicy();
      }
      const signedPath = deliverySignedPath(sent.assetId, sent.revision, sent.options);
      if (!tenant.verify(signedPath, sent.signature)) throw ERRORS.signatureMismatch();
    },
    // A signed URL is signed again with the tenant's current key.
    currentPath({ asset, tenant }, { sent }) {
      const path = deliverySignedPath(asset.id, asset.revision, sent.options);
      const signature = sent.signature !== undefined && tenant.currentKey ? `/${signDeliveryPath(tenant.currentKey, path)}` : '';
      return `/img/${path}${signature}`;
    },
  };
}
