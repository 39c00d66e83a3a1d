import {
  ERRORS,
  DELIVERY_CONTENT_TYPES,
  deliverySignedPath,
  fitsDeliveryPolicy,
  parseDeliveryOptions,
  signDeliveryPath,
  VARIANT_CACHE_CONTROL,
  type DeliveryFormat,
  type DeliveryOptions,
} from '@darkroom/core';
import type { DeliveryAsset, DeliveryTenant } from './catalog.js';
import type { DeliveryDeps } from './deps.js';
import { readOriginalEarly, type EarlyOriginal } from './early-original.js';
import { chooseFormat, knownFacts, needsFacts, parseAccept, planRender, type Accepts, type RenderPlan } from './plan.js';
import { readSourceFacts, renderAndStore } from './renderer.js';
import type { StoredRender } from './render-store.js';

/** One `GET /img/{assetId}/{revision}/{options}[/{signature}]`, its segments as sent. */
export interface ImageRequest {
  assetId: string;
  revision: string;
  options: string;
  signature: string | undefined;
  accept: string | undefined;
}

export type ImageAnswer =
  | {
      kind: 'image';
      stored: StoredRender;
      contentType: string;
      cacheControl: string;
      /** `f_auto` chose the format: caches must keep one answer per Accept. */
      vary: boolean;
      result: 'hit' | 'render';
    }
  | { kind: 'redirect'; location: string };

/** Not ready yet: an `f_auto` AVIF is answered in another format meanwhile, cached briefly. */
const INTERIM_CACHE_CONTROL = 'public, max-age=60';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const REVISION = /^[1-9]\d{0,8}$/;

/**
 * The whole of an image request, in the contract's order: segments (404), options (400, before
 * the policy), the asset (404), its revision (404 when newer), the policy or signature (403), an
 * older revision (301), then the image: stored, or rendered once and stored.
 */
export async function serveImage(deps: DeliveryDeps, request: ImageRequest): Promise<ImageAnswer> {
  if (!UUID.test(request.assetId) || !REVISION.test(request.revision)) throw ERRORS.noSuchImage();
  const options = parseDeliveryOptions(request.options);
  const revision = Number(request.revision);
  let found = await deps.catalog.lookup(request.assetId);
  // A revision newer than the one cached: the asset may have been cropped since.
  if (found && revision > found.asset.revision) found = await deps.catalog.lookup(request.assetId, { fresh: true });
  if (!found || revision > found.asset.revision) throw ERRORS.noSuchImage();
  const { asset, tenant } = found;
  authorize(tenant, request, options);
  if (revision < asset.revision) return { kind: 'redirect', location: `${deps.config.basePath}${currentPath(asset, tenant, request)}` };
  return answerImage(deps, asset, tenant, options, parseAccept(request.accept));
}

function authorize(tenant: DeliveryTenant, request: ImageRequest, options: DeliveryOptions): void {
  if (request.signature === undefined) {
    if (fitsDeliveryPolicy(options, tenant.policy)) return;
    throw ERRORS.unsignedOutsidePolicy();
  }
  const signedPath = deliverySignedPath(request.assetId, request.revision, request.options);
  if (!tenant.verify(signedPath, request.signature)) throw ERRORS.signatureMismatch();
}

/** The same URL at the asset's current revision; a signed one signed again with the tenant's current key. */
function currentPath(asset: DeliveryAsset, tenant: DeliveryTenant, request: ImageRequest): string {
  const path = deliverySignedPath(asset.id, asset.revision, request.options);
  const signature = request.signature !== undefined && tenant.currentKey ? `/${signDeliveryPath(tenant.currentKey, path)}` : '';
  return `/img/${path}${signature}`;
}

async function answerImage(
  deps: DeliveryDeps,
  asset: DeliveryAsset,
  tenant: DeliveryTenant,
  options: DeliveryOptions,
  accepts: Accepts,
): Promise<ImageAnswer> {
  if (options.format !== 'auto') {
    return fetchOrRender(deps, asset, tenant, planRender(asset, options, tenant.policy, options.format), false, VARIANT_CACHE_CONTROL);
  }
  const facts = needsFacts(asset, accepts, tenant.policy) ? await readSourceFacts(deps, asset) : knownFacts(asset);
  const format = chooseFormat(accepts, tenant.policy.avif, facts);
  const plan = planRender(asset, options, tenant.policy, format);
  if (format !== 'avif') return fetchOrRender(deps, asset, tenant, plan, true, VARIANT_CACHE_CONTROL);
  // While its render is under way here, the AVIF is known not to be in the bucket yet: no bucket
  // request (it is in memory once made, while its PUT lands).
  const underWay = deps.renderOnce.underWay(plan.key);
  const avif = underWay ? deps.store.peek(plan.key) : await deps.store.get(plan.key);
  if (avif) return image(avif, 'avif', true, VARIANT_CACHE_CONTROL, 'hit');
  const startAvif = !underWay;
  // AVIF without the wait: the format it would otherwise be now, the AVIF in the background once
  // that is done, so the AVIF never holds a render slot ahead of the image this request waits for.
  const interim = planRender(asset, options, tenant.policy, chooseFormat({ ...accepts, avif: false }, false, facts));
  const answer = await fetchOrRender(deps, asset, tenant, interim, true, INTERIM_CACHE_CONTROL);
  if (startAvif) renderInBackground(deps, asset, tenant, plan);
  return answer;
}

async function fetchOrRender(
  deps: DeliveryDeps,
  asset: DeliveryAsset,
  tenant: DeliveryTenant,
  plan: RenderPlan,
  vary: boolean,
  cacheControl: string,
): Promise<ImageAnswer> {
  const format = plan.render.format;
  const hot = deps.store.peek(plan.key);
  if (hot) return image(hot, format, vary, cacheControl, 'hit');
  // Not in memory: once Redis has said it is likely missing, the original it renders from is read
  // while the bucket is still asked for it (early-original.ts); a render marked stored never is.
  // Set in a callback, which control-flow analysis does not follow: typed as it may be there.
  let early = null as EarlyOriginal | null;
  try {
    const made = await deps.renderOnce.get(plan.key, () => renderAndStore(deps, asset, tenant, plan, early), {
      onLikelyMiss: () => {
        early = readOriginalEarly(deps, asset);
      },
      onWait: () => early?.cancel(),
    });
    return image(made.stored, format, vary, cacheControl, made.rendered ? 'render' : 'hit');
  } finally {
    early?.cancel();
  }
}

function renderInBackground(deps: DeliveryDeps, asset: DeliveryAsset, tenant: DeliveryTenant, plan: RenderPlan): void {
  const running = deps.renderOnce
    .get(plan.key, () => renderAndStore(deps, asset, tenant, plan))
    .catch((error: unknown) => deps.log.warn({ assetId: asset.id, render: plan.canonical, err: error }, 'a background AVIF render failed'))
    .finally(() => deps.background.delete(running));
  deps.background.add(running);
}

function image(stored: StoredRender, format: DeliveryFormat, vary: boolean, cacheControl: string, result: 'hit' | 'render'): ImageAnswer {
  return { kind: 'image', stored, contentType: DELIVERY_CONTENT_TYPES[format], cacheControl, vary, result };
}
