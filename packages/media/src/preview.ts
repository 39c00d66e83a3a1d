import { startBudget, withTimeout } from './encode.js';
import { probeImage } from './probe.js';
import { openStill } from './render.js';
import { classifyDecodeError } from './sharp-errors.js';
import type { ImageInput, SafetyOptions } from './types.js';

export interface PreviewOptions extends SafetyOptions {
  /** The preview fits a square of this many pixels; smaller images are not enlarged. */
  size: number;
  /** WebP quality, 1–100. */
  quality?: number;
  /** Stop decoding after this long. Unset or 0: no limit. */
  timeoutSeconds?: number;
}

/**
 * A small WebP of an untrusted original, for a person to look at (the admin console). It goes
 * through the worker's own gate and decoder settings: `probeImage` first (empty file, damaged
 * header, format allowlist, pixel limit), then `fileInput` (failOn 'error', the pixel limit again)
 * and `classifyDecodeError`. So a file the worker refuses is refused here with the same
 * BadMediaError code, and SVG or any other format outside the allowlist never reaches a decoder.
 * Animations show their first frame; HEIC is decoded in a thread of its own, like in the worker.
 */
export async function previewImage(input: ImageInput, options: PreviewOptions): Promise<Buffer> {
  const probe = await probeImage(input, options);
  const budget = startBudget(options);
  try {
    const pipeline = (await openStill(input, probe, budget))
      .resize(options.size, options.size, { fit: 'inside', withoutEnlargement: true })
      .webp({ quality: options.quality ?? 70 });
    return await withTimeout(pipeline, budget).toBuffer();
  } catch (error) {
    throw classifyDecodeError(error, { timeoutSeconds: options.timeoutSeconds });
  }
}
