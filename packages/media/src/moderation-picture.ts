import { startBudget, withTimeout } from './encode.js';
import { probeImage } from './probe.js';
import { openStill } from './render.js';
import { classifyDecodeError } from './sharp-errors.js';
import type { ImageInput, SafetyOptions } from './types.js';

/** Raw pixels a moderation check reads: RGB, 3 bytes a pixel, row by row. */
export interface Pixels {
  data: Buffer;
  width: number;
  height: number;
  channels: 3;
}

/** The long side of the picture the checks see: the whole image as displayed, small enough to decode fast. */
export const MODERATION_PICTURE_SIDE = 640;

export interface PictureOptions extends SafetyOptions {
  timeoutSeconds?: number;
}

/**
 * The whole image as displayed (EXIF orientation applied, never a crop), downscaled to
 * MODERATION_PICTURE_SIDE on its long side, transparency flattened on white, as RGB pixels: what
 * the perceptual hash and the classifier read. Through the same gate as every decode (probe,
 * format allowlist, pixel limit); a JPEG shrinks on load, so this costs a fraction of a render.
 */
export async function moderationPicture(input: ImageInput, options: PictureOptions): Promise<Pixels> {
  const probe = await probeImage(input, options);
  const budget = startBudget(options);
  try {
    const pipeline = (await openStill(input, probe, budget))
      .resize(MODERATION_PICTURE_SIDE, MODERATION_PICTURE_SIDE, { fit: 'inside', withoutEnlargement: true })
      .flatten({ background: '#ffffff' })
      .removeAlpha()
      .toColourspace('srgb')
      .raw();
    const { data, info } = await withTimeout(pipeline, budget).toBuffer({ resolveWithObject: true });
    return { data, width: info.width, height: info.height, channels: 3 };
  } catch (error) {
    throw classifyDecodeError(error, { timeoutSeconds: options.timeoutSeconds });
  }
}
