import { BadMediaError, DarkroomError } from '@darkroom/core/errors';
import { ERRORS } from '@darkroom/core/error-factories';
import { RenderGateBusyError } from '@darkroom/media';
import { ObjectNotFoundError } from '@darkroom/storage';
import type { DeliveryDeps } from '../deps.js';
import type { DeliveryAsset } from '../stores/catalog.js';
import type { HeldOriginal } from '../stores/early-original.js';
import { readRecentOriginal } from '../stores/recent-originals.js';

/**
 * Runs `use` on the original (in memory when small, else a temporary file; a video's always a file,
 * for ffmpeg) while holding a render slot (`held`: one taken, its original's read under way); bad
 * media reads as not found. The request waits at most DELIVERY_RENDER_TIMEOUT: libvips cannot stop
 * every encoder midway (an AVIF encode runs to its end), so past the limit the request is answered
 * 503 while the work finishes apart, still holding its slot and its file, which are given back when
 * it does.
 */
export async function inRenderSlot<T>(
  deps: DeliveryDeps,
  asset: DeliveryAsset,
  held: HeldOriginal | null,
  use: (input: Buffer | string) => Promise<T>,
): Promise<T> {
  const release = held?.release ?? (await renderSlot(deps, asset));
  const work = (async () => {
    const location = { bucket: deps.config.storage.bucket, key: asset.originalKey };
    const memoryBytes = asset.kind === 'image' ? deps.config.originalMemoryBytes : 0;
    const original = await (held?.original ??
      readRecentOriginal(deps.storage, deps.originals, location, { memoryBytes, tmpDir: deps.config.tmpDir }));
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
    throw refusalOfFailedRender(deps, asset, error);
  }
}

/** A render slot within DELIVERY_QUEUE_TIMEOUT, else 503. */
async function renderSlot(deps: DeliveryDeps, asset: DeliveryAsset): Promise<() => void> {
  try {
    return await deps.gate.acquire(asset.width * asset.height, { timeoutMs: deps.config.render.queueTimeoutMs });
  } catch (error) {
    if (!(error instanceof RenderGateBusyError)) throw error;
    throw ERRORS.renderSlotsBusy();
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

/**
 * What a failed render tells the client: past its time limit, try later (503); an original that
 * does not decode, or is missing from the bucket, is no image (404, as for a failed asset).
 */
function refusalOfFailedRender(deps: DeliveryDeps, asset: DeliveryAsset, error: unknown): unknown {
  if (error instanceof DarkroomError && error.code === 'render_timeout') {
    deps.log.warn({ assetId: asset.id, err: error }, 'a render ran past DELIVERY_RENDER_TIMEOUT');
    return ERRORS.renderTooSlow();
  }
  if (error instanceof BadMediaError || error instanceof ObjectNotFoundError) {
    deps.log.warn({ assetId: asset.id, err: error }, 'an original delivery cannot read');
    return ERRORS.noSuchImage();
  }
  return error;
}
