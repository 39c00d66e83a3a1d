import { ERRORS } from '@darkroom/core/error-factories';
import { MiB } from '@darkroom/core/limits';
import { getAsset } from '@darkroom/db/queries/assets';
import { isUuid } from '@darkroom/db/pagination';
import { previewImage } from '@darkroom/media';
import { ObjectNotFoundError } from '@darkroom/storage';
import type { AppDeps } from '../../deps.js';
import { createLimiter } from '@darkroom/core/limiter';

/**
 * A small WebP of an asset's private original, for the admin console. The original is untrusted,
 * so it goes through @darkroom/media's `previewImage`: the worker's header probe, format allowlist,
 * pixel limit and error classification. A file the worker refuses is refused here with the same
 * code (SVG never reaches librsvg, a bomb is refused from its header, a broken file is
 * corrupt_image), and nothing it contains can take the API process down. Memory stays bounded: the
 * original is read only when it is at most PREVIEW_MAX_BYTES, decoding refuses more than
 * PREVIEW_MAX_PIXELS (or MAX_INPUT_PIXELS, when lower), and at most PREVIEW_CONCURRENCY previews
 * render at once per API process.
 */
export const PREVIEW_MAX_BYTES = 32 * MiB;
export const PREVIEW_MAX_PIXELS = 50_000_000;
export const PREVIEW_SIZE = 320;
const PREVIEW_CONCURRENCY = 2;
const PREVIEW_TIMEOUT_SECONDS = 15;

export interface Preview {
  data: Buffer;
  contentType: 'image/webp';
}

const noOriginal = ['awaiting_upload', 'canceled', 'expired'];
/** An original the checks held or rejected may be what they feared (malware, a decoder's bait): never decoded here. */
const moderated = ['held', 'rejected'];

export function createPreviewRenderer(deps: AppDeps) {
  const limit = createLimiter(PREVIEW_CONCURRENCY);
  return (assetId: string): Promise<Preview> => limit(() => renderPreview(deps, assetId));
}

async function renderPreview(deps: AppDeps, assetId: string): Promise<Preview> {
  const asset = isUuid(assetId) ? await getAsset(deps.db, { id: assetId }) : undefined;
  if (!asset) throw ERRORS.assetNotFound();
  if (noOriginal.includes(asset.status)) {
    throw ERRORS.noOriginalToPreview(asset.status);
  }
  if (moderated.includes(asset.status)) throw ERRORS.noPreviewOfModeratedAsset(asset.status);
  const data = await previewImage(await readOriginal(deps, asset.originalKey), {
    size: PREVIEW_SIZE,
    maxInputPixels: Math.min(PREVIEW_MAX_PIXELS, deps.config.maxInputPixels),
    timeoutSeconds: PREVIEW_TIMEOUT_SECONDS,
  });
  return { data, contentType: 'image/webp' };
}

/**
 * The original's bytes, at most PREVIEW_MAX_BYTES: the ranged read stops at the size HEAD reported,
 * even if the object grew meanwhile. An empty original is returned as is, for previewImage to
 * refuse as empty_file like the worker.
 */
async function readOriginal(deps: AppDeps, key: string): Promise<Buffer> {
  const location = { bucket: deps.config.storage.bucket, key };
  const head = await deps.storage.headObject(location).catch(notFoundAsDarkroom);
  if (head.size > PREVIEW_MAX_BYTES) {
    throw ERRORS.originalTooLargeToPreview(head.size, PREVIEW_MAX_BYTES);
  }
  if (head.size === 0) return Buffer.alloc(0);
  return deps.storage.getRange({ ...location, start: 0, end: head.size - 1 }).catch(notFoundAsDarkroom);
}

function notFoundAsDarkroom(error: unknown): never {
  if (error instanceof ObjectNotFoundError) throw ERRORS.originalMissing();
  throw error;
}
