import type { Sharp } from 'sharp';
import { startBudget, withTimeout } from './encode.js';
import { probeImage } from './probe.js';
import { openStill } from './render.js';
import { classifyDecodeError } from './sharp-errors.js';
import { admitDecode } from './render-gate.js';
import type { DecodeAdmission, ImageInput, SafetyOptions } from './types.js';

/** How an untrusted file is decoded whole as displayed: its limits, its admission, its time. */
export interface DisplayedFileOptions extends SafetyOptions, DecodeAdmission {
  /** Stop decoding after this long. Unset or 0: no limit. */
  timeoutSeconds?: number;
}

export interface DisplayedOptions extends DisplayedFileOptions {
  /** The pixels fit this many on their long side; a smaller image is not enlarged. */
  longSide: number;
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
 * The whole of an untrusted image file as displayed, shaped (`shape`) and read out (`read`): for
 * the moderation checks' picture and the models' inputs. It goes through the pipeline's own gate
 * (`probeImage`: signature, header, pixel limit) before any decode, its admission (`options.admit`,
 * with the header's pixels) and decoder (`openStill`: EXIF orientation applied, HEIC in its thread,
 * the first frame of an animation), so a file the worker refuses is refused here with the same
 * BadMediaError code, and a 100 MP one decodes alone.
 */
export async function decodeDisplayedFile<T>(
  input: ImageInput,
  options: DisplayedFileOptions,
  shape: (image: Sharp) => Sharp,
  read: (image: Sharp) => Promise<T>,
): Promise<T> {
  const probe = await probeImage(input, options);
  const release = await admitDecode(options, probe);
  const budget = startBudget(options);
  try {
    return await read(withTimeout(shape(await openStill(input, probe, budget)), budget));
  } catch (error) {
    throw classifyDecodeError(error, { timeoutSeconds: options.timeoutSeconds });
  } finally {
    release();
  }
}

/**
 * A downscale of the whole of an untrusted image as displayed, for the moderation checks (its
 * pHash, the classifier), through `decodeDisplayedFile`. libvips shrinks on load where the format
 * allows; the colours go to sRGB through the file's ICC profile (a CMYK JPEG's ink included).
 */
export function displayedPixels(input: ImageInput, options: DisplayedOptions): Promise<DisplayedPixels> {
  const shape = (image: Sharp) =>
    image
      .flatten({ background: FLATTEN_ON })
      .resize(options.longSide, options.longSide, { fit: 'inside', withoutEnlargement: true })
      .toColourspace('srgb')
      .raw({ depth: 'uchar' });
  return decodeDisplayedFile(input, options, shape, async (image) => {
    const { data, info } = await image.toBuffer({ resolveWithObject: true });
    if (info.channels !== 3) throw new Error(`Expected RGB after flattening, got ${info.channels} channels`);
    return { data, width: info.width, height: info.height, channels: 3 };
  });
}
