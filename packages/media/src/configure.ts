import sharp from 'sharp';

export interface SharpSettings {
  /** libvips threads per image pipeline. 0 means one per CPU core (sharp's default). */
  concurrency: number;
  /** libvips operation cache size; 0 turns the cache off. */
  cacheMemoryMb: number;
}

/**
 * The libvips loaders of the accepted formats, by their abstract classes: each name covers its
 * File, Buffer and Source loaders (`VipsForeignLoadJpegFile`, …). PNG is libspng's loader, GIF
 * libnsgif's, and AVIF is read by the HEIF loader (which refuses HEVC without libde265).
 */
export const ALLOWED_LOADERS = [
  'VipsForeignLoadJpeg',
  'VipsForeignLoadPng',
  'VipsForeignLoadWebp',
  'VipsForeignLoadNsgif',
  'VipsForeignLoadTiff',
  'VipsForeignLoadHeif',
] as const;

/**
 * Blocks every libvips loader, then unblocks only the accepted formats' (sharp.block needs sharp
 * 0.32.4+). SVG (librsvg), PDF, Magick, OpenSlide, matrix, CSV, FITS, vips… can then never parse
 * a file in this process, whatever its bytes: behind `probeImage`'s magic-byte check, a second wall.
 */
export function restrictLoaders(): void {
  sharp.block({ operation: ['VipsForeignLoad'] });
  sharp.unblock({ operation: [...ALLOWED_LOADERS] });
}

/**
 * Process-wide libvips settings, applied by the worker at boot rather than when this module is
 * imported, so importing it (in tests, scripts, the API) never changes global state as a side effect.
 * Also restricts libvips to the accepted formats' loaders (`restrictLoaders`).
 * Returns the concurrency in effect, for the boot log.
 */
export function configureSharp(settings: SharpSettings): number {
  if (!Number.isInteger(settings.concurrency) || settings.concurrency < 0) {
    throw new RangeError(`concurrency must be a whole number ≥ 0, got ${settings.concurrency}`);
  }
  if (!(settings.cacheMemoryMb >= 0)) {
    throw new RangeError(`cacheMemoryMb must be ≥ 0, got ${settings.cacheMemoryMb}`);
  }
  if (settings.cacheMemoryMb === 0) {
    sharp.cache(false);
  } else {
    // Every job reads a different file, so cached operations rarely hit; the memory cap is what
    // matters. `files: 0` because originals are temporary files deleted after each job, and a
    // cached open handle would keep the deleted file's disk space allocated.
    sharp.cache({ memory: settings.cacheMemoryMb, files: 0, items: 100 });
  }
  restrictLoaders();
  return sharp.concurrency(settings.concurrency);
}
