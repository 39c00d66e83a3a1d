import sharp from 'sharp';

export interface SharpSettings {
  /** libvips threads per image pipeline. 0 means one per CPU core (sharp's default). */
  concurrency: number;
  /** libvips operation cache size; 0 turns the cache off. */
  cacheMemoryMb: number;
}

/**
 * Process-wide libvips settings, applied by the worker at boot rather than when this module is
 * imported, so importing it (in tests, scripts, the API) never changes global state as a side effect.
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
  return sharp.concurrency(settings.concurrency);
}
