import type { DeliveryDeps } from '../deps.js';
import type { ImageAnswer } from './answer.js';
import { findAsset, type AssetAccess } from './authorize.js';
import { negotiateFormat } from './negotiate.js';
import { parseImageRequest, type ImageRequest } from './parse.js';
import { planRender } from './plan.js';
import { avifOrMeanwhile, storedOrRendered } from './stored-or-rendered.js';

/**
 * The whole of an image request, one step a call, in the contract's order: segments (404), options
 * (400, before the policy), the asset (404), its revision (404 when newer), the policy or signature
 * (403), an older revision (301), then the image: stored, or rendered once and stored. `access` is
 * how the asset is found and authorized: the public route's catalog and policy, or a caller's own.
 */
export async function executeImageRequest(deps: DeliveryDeps, sent: ImageRequest, access: AssetAccess): Promise<ImageAnswer> {
  const request = parseImageRequest(sent);
  const found = await findAsset(access, request);
  await access.authorize(found, request);
  if (request.revision < found.asset.revision) {
    return { kind: 'redirect', location: `${deps.config.basePath}${access.currentPath(found, request)}`, tenantId: found.asset.tenantId };
  }
  const { asset, tenant } = found;
  const negotiated = await negotiateFormat(deps, asset, tenant.policy, request.options, sent.accept);
  const plan = planRender(asset, request.options, tenant.policy, negotiated.format);
  if (negotiated.meanwhile !== null) return avifOrMeanwhile(deps, found, request.options, plan, negotiated.meanwhile);
  return storedOrRendered(deps, found, plan, { kind: 'image', vary: negotiated.vary, tenantId: asset.tenantId });
}
