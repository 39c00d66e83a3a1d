import { deliverySignedPath, signDeliveryPath } from '@darkroom/core/delivery';
import { ERRORS } from '@darkroom/core/error-factories';
import { fitsDeliveryPolicy } from '@darkroom/core/delivery-options';
import { rendersImages, type Catalog, type DeliveryTenant, type ImageEntry } from '../stores/catalog.js';
import type { ParsedImageRequest } from './parse.js';

/** An asset found for an image request, with its tenant (policy and signing keys). */
export type FoundAsset = ImageEntry;

/**
 * How a request reaches its asset: the step a route replaces. The public route finds it in the
 * catalog and checks the tenant's policy or the URL's signature; a private link's route has it
 * already, found and authorized by its token.
 */
export interface AssetAccess {
  /** The asset the request names, or null (unknown, deleted, not ready, failed, audio: all alike). */
  find(request: ParsedImageRequest): FoundAsset | null | Promise<FoundAsset | null>;
  /** Throws `forbidden` when the request may not have these options of the asset. */
  authorize(found: FoundAsset, request: ParsedImageRequest): void | Promise<void>;
  /** The request's path at the asset's current revision, the base path left out: an older revision's 301. */
  currentPath(found: FoundAsset, request: ParsedImageRequest): string;
}

/** The asset, when it has the revision asked (or a newer one, answered 301); else no image (404). */
export async function findAsset(access: AssetAccess, request: ParsedImageRequest): Promise<FoundAsset> {
  const found = await access.find(request);
  if (!found || request.revision > found.asset.revision) throw ERRORS.noSuchImage();
  return found;
}

/**
 * Whether `signature` is the path's under the tenant's keys: its cached ones, else (a key made a
 * moment ago) the tenant's keys read again, which the catalog does at most once a second per tenant.
 */
export function verifiedByTenant(catalog: Catalog, tenant: DeliveryTenant, signedPath: string, signature: string): true | Promise<boolean> {
  // Answered at once when the cached keys verify: the request waits on no promise of its own.
  if (tenant.verify(signedPath, signature)) return true;
  return verifiedAfterRefresh(catalog, tenant, signedPath, signature);
}

async function verifiedAfterRefresh(catalog: Catalog, tenant: DeliveryTenant, signedPath: string, signature: string): Promise<boolean> {
  const fresh = await catalog.refreshTenant(tenant.id);
  return fresh !== null && fresh !== tenant && fresh.verify(signedPath, signature);
}

/** `/img/…`: the catalog's public asset (a private one is no image here), unsigned within the tenant's policy or signed with its key. */
export function publicAccess(catalog: Catalog): AssetAccess {
  return {
    async find(request) {
      const { assetId } = request.sent;
      let found = await catalog.lookup(assetId);
      // A revision newer than the one cached: the asset may have been cropped since.
      if (found && request.revision > found.asset.revision) found = await catalog.lookup(assetId, { fresh: true });
      return rendersImages(found) && found.asset.visibility === 'public' ? found : null;
    },
    async authorize({ tenant }, { sent, options }) {
      if (sent.signature === undefined) {
        if (fitsDeliveryPolicy(options, tenant.policy)) return;
        throw ERRORS.unsignedOutsidePolicy();
      }
      const signedPath = deliverySignedPath(sent.assetId, sent.revision, sent.options);
      if (!(await verifiedByTenant(catalog, tenant, signedPath, sent.signature))) throw ERRORS.signatureMismatch();
    },
    // A signed URL is signed again with the tenant's current key.
    currentPath({ asset, tenant }, { sent }) {
      const path = deliverySignedPath(asset.id, asset.revision, sent.options);
      const signature = sent.signature !== undefined && tenant.currentKey ? `/${signDeliveryPath(tenant.currentKey, path)}` : '';
      return `/img/${path}${signature}`;
    },
  };
}
