import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { BadMediaError, DarkroomError, ERRORS } from '@darkroom/core';
import { deliverySourceFacts, RenderGateBusyError, renderOnRequest, type DeliverySourceFacts } from '@darkroom/media';
import { ObjectNotFoundError } from '@darkroom/storage';
import type { DeliveryAsset, DeliveryTenant } from './catalog.js';
import type { DeliveryDeps } from './deps.js';
import type { RenderPlan } from './plan.js';
import type { StoredRender } from './render-store.js';

/** What a client is told to wait before asking again when every render slot stayed busy. */
const BUSY_RETRY_AFTER_SECONDS = 2;

/**
 * Makes one render and stores it: counted against the tenant's renders a minute (429 past it),
 * then in a render slot (503 when none frees up within DELIVERY_QUEUE_TIMEOUT), the original read
 * into a temporary file (bounded memory), rendered through @darkroom/media, written to the public bucket.
 */
export async function renderAndStore(deps: DeliveryDeps, asset: DeliveryAsset, tenant: DeliveryTenant, plan: RenderPlan): Promise<StoredRender> {
  await countRender(deps, tenant);
  const started = performance.now();
  const image = await inRenderSlot(deps, asset, (path) =>
    renderOnRequest(path, asset.kind, plan.render, {
      maxInputPixels: deps.config.maxInputPixels,
      timeoutSeconds: deps.config.render.timeoutMs / 1000,
      video: deps.config.video,
    }),
  );
  const stored = await deps.store.put(plan.key, image.data, image.contentType);
  deps.metrics.renders.inc();
  deps.metrics.renderSeconds.observe((performance.now() - started) / 1000);
  deps.log.info({ assetId: asset.id, tenantId: tenant.id, render: plan.canonical, format: image.format, bytes: image.data.length }, 'rendered');
  return stored;
}

/** Animation and transparency of an original whose row does not say, read from its header once. */
export async function readSourceFacts(deps: DeliveryDeps, asset: DeliveryAsset): Promise<DeliverySourceFacts> {
  const known = await deps.facts.get(asset.id, asset.revision);
  if (known) return known;
  const facts = await inRenderSlot(deps, asset, (path) =>
    deliverySourceFacts(path, asset.kind, { maxInputPixels: deps.config.maxInputPixels, video: deps.config.video }),
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
 * Runs `use` on a local copy of the original while holding a render slot; bad media reads as not
 * found. The request waits at most DELIVERY_RENDER_TIMEOUT: libvips cannot stop every encoder midway
 * (an AVIF encode runs to its end), so past the limit the request is answered 503 while the work
 * finishes apart, still holding its slot and its file, which are given back when it does.
 */
async function inRenderSlot<T>(deps: DeliveryDeps, asset: DeliveryAsset, use: (path: string) => Promise<T>): Promise<T> {
  let release: () => void;
  try {
    release = await deps.gate.acquire(asset.width * asset.height, { timeoutMs: deps.config.render.queueTimeoutMs });
  } catch (error) {
    if (!(error instanceof RenderGateBusyError)) throw error;
    throw ERRORS.renderSlotsBusy(BUSY_RETRY_AFTER_SECONDS);
  }
  const work = (async () => {
    const dir = await mkdtemp(join(deps.config.tmpDir, 'darkroom-delivery-'));
    try {
      const path = join(dir, 'original');
      const body = await deps.storage.getStream({ bucket: deps.config.storage.bucket, key: asset.originalKey });
      await pipeline(body, createWriteStream(path, { mode: 0o600 }));
      return await use(path);
    } finally {
      await rm(dir, { recursive: true, force: true });
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
