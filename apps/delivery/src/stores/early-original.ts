import type { DeliveryAsset } from './catalog.js';
import type { DeliveryDeps } from '../deps.js';
import type { LocalOriginal } from './original.js';
import { readRecentOriginal } from './recent-originals.js';

/** A render slot and the original's read under way in it, handed to the render that takes them. */
export interface HeldOriginal {
  release: () => void;
  original: Promise<LocalOriginal>;
}

/**
 * An original read while the bucket is still asked whether its render is stored, once Redis has
 * said it is likely missing (render-once.ts's `onLikelyMiss`): a render's two bucket round trips,
 * one after the other before, then overlap, and a render marked stored never reads its original.
 * It is read only in a render slot free at that moment (nobody waiting for one), so originals in
 * memory stay bounded by the slots as before, and a busy server reads nothing early. Whoever does
 * not `take` it must `cancel` it: the download is cut off, its copy removed, and only then is the
 * slot given back.
 */
export interface EarlyOriginal {
  /** The slot and the read, owned by the caller from then on; null once taken or cancelled. */
  take(): HeldOriginal | null;
  /** Stops the read and gives the slot back, unless it was taken; calling it again does nothing. */
  cancel(): void;
}

/** An early read of `asset`'s original, or null: a video (read through a file by ffmpeg) or no slot free at once. */
export function readOriginalEarly(deps: DeliveryDeps, asset: DeliveryAsset): EarlyOriginal | null {
  if (asset.kind !== 'image') return null;
  const release = deps.gate.tryAcquire(asset.width * asset.height);
  if (!release) return null;
  const abort = new AbortController();
  const location = { bucket: deps.config.storage.bucket, key: asset.originalKey };
  const original = readRecentOriginal(deps.storage, deps.originals, location, {
    memoryBytes: deps.config.originalMemoryBytes,
    tmpDir: deps.config.tmpDir,
    signal: abort.signal,
  });
  original.catch(() => {}); // a render that takes it hears of a failure; a cancelled one has none to hear
  let open = true;
  return {
    take() {
      if (!open) return null;
      open = false;
      return { release, original };
    },
    cancel() {
      if (!open) return;
      open = false;
      abort.abort();
      // The slot stands for the original's memory: given back once the read has stopped and its copy is gone.
      original.then((read) => read.dispose()).then(release, release);
    },
  };
}
