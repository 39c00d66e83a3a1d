import { BadMediaError, DarkroomError, ERRORS } from '@darkroom/core';
import { deliverySourceFacts, RenderGateBusyError, renderOnRequest, type DeliverySourceFacts } from '@darkroom/media';
import { ObjectNotFoundError } from '@darkroom/storage';
import type { DeliveryAsset, DeliveryTenant } from './catalog.js';
import type { DeliveryDeps } from './deps.js';
import type { EarlyOriginal, HeldOriginal } from './early-original.js';
import { readOriginal } from './original.js';
import type { RenderPlan } from './plan.js';
import type { StoreWrite } from './render-store.js';

/** What a client is told to wait before asking again when every render slot stayed busy. */
const BUSY_RETRY_AFTER_SECONDS = 2;

/**
 * Makes one render and starts storing it: counted against the tenant's renders a minute (429 past
 * it), then in a render slot (503 when none frees up within DELIVERY_QUEUE_TIMEOUT), the original
 * read (into memory, or a temporary file when large), rendered through @darkroom/media, and its PUT to the
 * public bucket started: the answer does not wait for it. A PUT that fails is logged; the render is
 * made again on a later request. An `early` read of the original (its slot with it) is used when
 * there is one.
 */
export async function renderAndStore(
  deps: DeliveryDeps,
  asset: DeliveryAsset,
  tenant: DeliveryTenant,
  plan: RenderPlan,
  early: EarlyOriginal | null = null,
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
  const write = deps.store.put(plan.key, image.data, image.contentType);
  const facts = { assetId: asset.id, tenantId: tenant.id, render: plan.canonical, format: image.format, bytes: image.data.length };
  deps.log.info(facts, 'rendered');
  write.landed.catch((error: unknown) =>
    deps.log.warn({ ...facts, err: error }, 'a render could not be stored: it is rendered again when next asked for'),
  );
  return write;
}

/** Animation and transparency of an original whose row does not say, read from its header once. */
export async function readSourceFacts(deps: DeliveryDeps, asset: DeliveryAsset): Promise<DeliverySourceFacts> {
  const known = await deps.facts.get(asset.id, asset.revision);
  if (known) return known;
  const facts = await inRenderSlot(deps, asset, null, (input) =>
    deliverySourceFacts(input, asset.kind, { maxInputPixels: deps.config.maxInputPixels, video: deps.config.video }),
  );
  deps.facts.set(asset.id, asset.revision, facts);
  return facts;
}

/**
 * What a failed render tells the client: past its time limit, try later (503); an original that
 * does not decode, or is missing from the bucket, is no image (404, as for a failed asset).
 */
function asRefusal(deps: DeliveryDeps, asset: DeliveryAsset, error: unknown): unknown {
  if (error instanceof DarkroomError && error.code === 'render_timeout') {
    deps.log.warn({ assetId: asset.id, err: error }, 'a render ran past DELIVERY_RENDER_TIMEOUT');
    return ERRORS.renderTooSlow(BUSY_RETRY_AFTER_SECONDS);
  }
  if (error instanceof BadMediaError || error instanceof ObjectNotFoundError) {
    deps.log.warn({ assetId: asset.id, err: error }, 'an original delivery cannot read');
    return ERRORS.noSuchImage();
  }
  return error;
}

async function countRender(deps: DeliveryDeps, tenant: DeliveryTenant): Promise<void> {
  const limit = tenant.policy.rendersPerMinute ?? deps.config.render.perMinute;
  // Undefined when Redis did not answer: the render goes on uncounted rather than not at all.
  const counted = await deps.renderCounter.count(tenant.id, limit);
  if (counted && counted.count > counted.limit) {
    const retryAfterSeconds = Math.max(1, Math.ceil((counted.resetAt - Date.now()) / 1000));
    throw ERRORS.rendersRateLimited(counted.limit, retryAfterSeconds);
  }
}

/**
 * Runs `use` on the original (in memory when small, else a temporary file; a video's always a file,
 * for ffmpeg) while holding a render slot (`held`: one taken, its original's read under way); bad media reads as not found. The request waits at most DELIVERY_RENDER_TIMEOUT: libvips cannot stop every encoder midway
 * (an AVIF encode runs to its end), so past the limit the request is answered 503 while the work
 * finishes apart, still holding its slot and its file, which are given back when it does.
 */
async function inRenderSlot<T>(
  deps: DeliveryDeps,
  asset: DeliveryAsset,
  held: HeldOriginal | null,
  use: (input: Buffer | string) => Promise<T>,
): Promise<T> {
  const release = held?.release ?? (await renderSlot(deps, asset));
  const work = (async () => {
    const location = { bucket: deps.config.storage.bucket, key: asset.originalKey };
    const memoryBytes = asset.kind === 'image' ? deps.config.originalMemoryBytes : 0;
    const original = await (held?.original ?? readOriginal(deps.storage, location, { memoryBytes, tmpDir: deps.config.tmpDir }));
    try {
      return await use(original.input);
    } finally {
      await original.dispose();
    }
  })();
  const settled = work.finally(release);
  settled.catch(() => {}); // the request hears of a failure through `work`
  try {
    return await withinRenderTime(deps, work);
  } catch (error) {
    throw asRefusal(deps, asset, error);
  }
}

/** A render slot within DELIVERY_QUEUE_TIMEOUT, else 503. */
async function renderSlot(deps: DeliveryDeps, asset: DeliveryAsset): Promise<() => void> {
  try {
    return await deps.gate.acquire(asset.width * asset.height, { timeoutMs: deps.config.render.queueTimeoutMs });
  } catch (error) {
    if (!(error instanceof RenderGateBusyError)) throw error;
    throw ERRORS.renderSlotsBusy(BUSY_RETRY_AFTER_SECONDS);
  }
}

async function withinRenderTime<T>(deps: DeliveryDeps, work: Promise<T>): Promise<T> {
  const limitMs = deps.config.render.timeoutMs;
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(ERRORS.renderPastLimit(limitMs)), limitMs);
  });
  try {
    return await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
  }
}
