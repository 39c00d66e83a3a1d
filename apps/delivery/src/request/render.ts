import { ERRORS } from '@darkroom/core/error-factories';
import { PUBLIC_RENDER_STORE_WINDOW_MS } from '@darkroom/core/delivery';
import { autoQualityLevel } from '@darkroom/core/delivery-grammar';
import { renderOnRequest } from '@darkroom/media';
import type { DeliveryDeps } from '../deps.js';
import type { DeliveryAsset, DeliveryTenant } from '../stores/catalog.js';
import type { EarlyOriginal } from '../stores/early-original.js';
import type { StoreGuard, StoreWrite } from '../stores/render-store.js';
import type { FoundAsset } from './authorize.js';
import type { RenderPlan } from './plan.js';
import { inRenderSlot } from './render-slot.js';

/**
 * Makes one render and starts storing it: counted against the tenant's renders a minute (429 past
 * it), then in a render slot (503 when none frees up within DELIVERY_QUEUE_TIMEOUT), the original
 * read (into memory, or a temporary file when large), rendered through @darkroom/media, and its PUT
 * started where the asset's visibility keeps it (a public asset's only while it is still public):
 * the answer does not wait for it; once it has landed, the render is metered (`landed` settles after).
 * A PUT that fails is logged; the render is made again on a later request. An `early` read of the original (its slot with it) is
 * used when there is one.
 */
export async function renderAndStore(
  deps: DeliveryDeps,
  { asset, tenant }: FoundAsset,
  plan: RenderPlan,
  early: EarlyOriginal | null,
): Promise<StoreWrite> {
  await countRender(deps, tenant);
  const started = performance.now();
  const image = await inRenderSlot(deps, asset, early?.take() ?? null, (input) =>
    renderOnRequest(input, asset.kind, plan.render, {
      maxInputPixels: deps.config.maxInputPixels,
      timeoutSeconds: deps.config.render.timeoutMs / 1000,
      video: deps.config.video,
    }),
  );
  deps.metrics.renders.inc();
  deps.metrics.renderSeconds.observe((performance.now() - started) / 1000);
  // A q_auto search counts as the encodes it made (the first was counted above); the render is made, so it is not refused.
  for (let extra = 1; extra < image.cost; extra++) await deps.renderCounter.count(tenant.id, renderLimit(deps, tenant));
  const chosen = autoQualityLevel(plan.render.quality) ? image.quality : undefined;
  const write = deps.store.put(plan.key, image.data, image.contentType, publicStoreGuard(deps, asset), chosen);
  const facts = { assetId: asset.id, tenantId: tenant.id, render: plan.canonical, format: image.format, bytes: image.data.length };
  deps.log.info(facts, 'rendered');
  write.landed.catch((error: unknown) =>
    deps.log.warn({ ...facts, err: error }, 'a render could not be stored: it is rendered again when next asked for'),
  );
  const landed = write.landed.then(async (kept) => {
    if (kept) await deps.renderMeter.stored({ tenantId: tenant.id, key: plan.key });
    return kept;
  });
  return { stored: write.stored, landed };
}

/** A public asset's render is stored only while the asset is still public (render-store's StoreGuard). */
function publicStoreGuard(deps: DeliveryDeps, asset: DeliveryAsset): StoreGuard | undefined {
  if (asset.visibility !== 'public') return undefined;
  return {
    confirm: async () => (await deps.catalog.readVisibility(asset.id)) === 'public',
    windowMs: PUBLIC_RENDER_STORE_WINDOW_MS,
  };
}

const renderLimit = (deps: DeliveryDeps, tenant: DeliveryTenant) => tenant.policy.rendersPerMinute ?? deps.config.render.perMinute;

async function countRender(deps: DeliveryDeps, tenant: DeliveryTenant): Promise<void> {
  const limit = renderLimit(deps, tenant);
  // Undefined when Redis did not answer: the render goes on uncounted rather than not at all.
  const counted = await deps.renderCounter.count(tenant.id, limit);
  if (counted && counted.count > counted.limit) {
    const retryAfterSeconds = Math.max(1, Math.ceil((counted.resetAt - Date.now()) / 1000));
    throw ERRORS.rendersRateLimited(counted.limit, retryAfterSeconds);
  }
}
