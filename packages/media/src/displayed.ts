import { startBudget, withTimeout } from './encode.js';
import { probeImage } from './probe.js';
import { openStill } from './render.js';
import { classifyDecodeError } from './sharp-errors.js';
import { admitDecode } from './render-gate.js';
import type { DecodeAdmission, ImageInput, SafetyOptions } from './types.js';

export interface DisplayedOptions extends SafetyOptions, DecodeAdmission {
  /** The pixels fit this many on their long side; a smaller image is not enlarged. */
  longSide: number;
  /** Stop decoding after this long. Unset or 0: no limit. */
  timeoutSeconds?: number;
}

/** An image as a person sees it, small: upright, alpha flattened on white, 8-bit sRGB. */
export interface DisplayedPixels {
  data: Buffer;
  width: number;
  height: number;
  channels: 3;
}

/** What a transparent pixel is taken to be: the white a page behind the image usually shows. */
export const FLATTEN_ON = '#ffffff';

/**
 * A downscale of the whole of an untrusted image as displayed, for the moderation checks (its
 * pHash, the classifier): through the pipeline's own gate (`probeImage`: signature, header, pixel
 * limit), its admission (`options.admit`, with the header's pixels) and decoder (`openStill`: EXIF
 * orientation applied, HEIC in its thread, the first frame of an animation), so a file the worker
 * refuses is refused here with the same BadMediaError code, and a 100 MP one decodes alone.
 * libvips shrinks on load where the format allows; the colours go to sRGB through the file's ICC
 * profile (a CMYK JPEG's ink included).
 */
export async function displayedPixels(input: ImageInput, options: DisplayedOptions): Promise<DisplayedPixels> {
  const probe = await probeImage(input, options);
  const release = await admitDecode(options, probe);
  const budget = startBudget(options);
  try {
    const pipeline = (await openStill(input, probe, budget))
      .flatten({ background: FLATTEN_ON })
      .resize(options.longSide, options.longSide, { fit: 'inside', withoutEnlargement: true })
      .toColourspace('srgb')
      .raw({ depth: 'uchar' });
    const { data, info } = await withTimeout(pipeline, budget).toBuffer({ resolveWithObject: true });
    if (info.channels !== 3) throw new Error(`Expected RGB after flattening, got ${info.channels} channels`);
    return { data, width: info.width, height: info.height, channels: 3 };
  } catch (error) {
    throw classifyDecodeError(error, { timeoutSeconds: options.timeoutSeconds });
  } finally {
    release();
  }
}
