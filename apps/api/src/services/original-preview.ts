import { DarkroomError } from '@darkroom/core';
import { getAsset, isUuid } from '@darkroom/db';
import { ObjectNotFoundError, StorageError } from '@darkroom/storage';
import sharp from 'sharp';
import type { AppDeps } from '../deps.js';

/**
 * A small WebP of an asset's private original, for the admin console. Memory stays bounded: the
 * original is read only when it is at most PREVIEW_MAX_BYTES, decoding refuses more than
 * PREVIEW_MAX_PIXELS, and at most PREVIEW_CONCURRENCY previews render at once per API process.
 * Like the worker (failOn 'error'), a truncated or broken file does not decode: the admin sees the
 * same verdict as the pipeline rather than a picture that is grey below the last byte received.
 */
export const PREVIEW_MAX_BYTES = 32 * 1024 * 1024;
export const PREVIEW_MAX_PIXELS = 50_000_000;
export const PREVIEW_SIZE = 320;
const PREVIEW_CONCURRENCY = 2;

export interface Preview {
  data: Buffer;
  contentType: 'image/webp';
}

const noOriginal = ['awaiting_upload', 'canceled', 'expired'];

/** Runs at most `limit` tasks at once; the others wait their turn in order. */
export function createLimiter(limit: number) {
  let running = 0;
  const waiting: (() => void)[] = [];
  return async function run<T>(task: () => Promise<T>): Promise<T> {
    if (running >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
    running++;
    try {
      return await task();
    } finally {
      running--;
      waiting.shift()?.();
    }
  };
}

export function createPreviewRenderer(deps: AppDeps) {
  const limit = createLimiter(PREVIEW_CONCURRENCY);
  return (assetId: string): Promise<Preview> => limit(() => renderPreview(deps, assetId));
}

async function renderPreview(deps: AppDeps, assetId: string): Promise<Preview> {
  const asset = isUuid(assetId) ? await getAsset(deps.db, { id: assetId }) : undefined;
  if (!asset) throw new DarkroomError('not_found', 'No asset with that id.');
  if (noOriginal.includes(asset.status)) {
    throw new DarkroomError('invalid_state', `This asset is ${asset.status}: it has no original to preview.`, { status: asset.status });
  }
  const location = { bucket: deps.config.storage.bucket, key: asset.originalKey };
  const head = await deps.storage.headObject(location).catch(notFoundAsDarkroom);
  if (head.size === 0) throw new DarkroomError('empty_file', 'The original is an empty file.');
  if (head.size > PREVIEW_MAX_BYTES) {
    throw new DarkroomError('file_too_large', `The original is ${head.size} bytes; previews are made of originals up to ${PREVIEW_MAX_BYTES} bytes.`);
  }
  const source = await deps.storage.getStream(location).catch(notFoundAsDarkroom);
  const pipeline = sharp({ failOn: 'error', limitInputPixels: PREVIEW_MAX_PIXELS, sequentialRead: true })
    .rotate()
    .resize(PREVIEW_SIZE, PREVIEW_SIZE, { fit: 'inside', withoutEnlargement: true })
    .webp({ quality: 70 })
    .timeout({ seconds: 15 });
  source.on('error', (error) => pipeline.destroy(error));
  try {
    const data = await source.pipe(pipeline).toBuffer();
    return { data, contentType: 'image/webp' };
  } catch (error) {
    throw decodeError(error);
  } finally {
    source.destroy();
  }
}

function notFoundAsDarkroom(error: unknown): never {
  if (error instanceof ObjectNotFoundError) throw new DarkroomError('not_found', 'The original is missing from the bucket.');
  throw error;
}

/** sharp's failures are plain Errors worded by libvips; storage errors pass through to the error handler. */
function decodeError(error: unknown): unknown {
  if (error instanceof StorageError || !(error instanceof Error)) return error;
  const reason = error.message.split('\n', 1)[0]?.trim() ?? '';
  if (reason.includes('pixel limit')) {
    return new DarkroomError('too_many_pixels', `The original has more than ${PREVIEW_MAX_PIXELS} pixels: too large to preview.`);
  }
  if (reason.includes('unsupported image format')) {
    return new DarkroomError('unsupported_format', 'The original is not in an image format that can be previewed.', { reason });
  }
  if (reason.startsWith('timeout')) return error;
  return new DarkroomError('corrupt_image', `The original does not decode: ${reason}`, { reason });
}
