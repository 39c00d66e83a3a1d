import { isImageSpec, type Preset } from '@darkroom/core/presets';
import { computePlaceholder } from './placeholder.js';
import { probeImage } from './probe.js';
import { releaseBuffer } from './release.js';
import { renderImage } from './render.js';
import { renderedCrop } from './framing.js';
import type { Framing, ImageProbe, RenderOptions, RenderedVariant } from './types.js';

export interface ProcessedImage {
  probe: ImageProbe;
  variants: RenderedVariant[];
  /** ThumbHash, base64. */
  placeholder: string;
  /** `#rrggbb`. */
  dominantColor: string;
  /** The crop as rendered: `options.framing`'s, cut back to the image; null without one. */
  crop: Framing['crop'];
}

/**
 * Everything the worker needs from one original: header check first (so bombs, empty and cut-off
 * files fail before any decode), then one decode for all variants (HEIC in a thread of its own),
 * then the placeholder from the pixels that decode produced. Bad media surfaces as BadMediaError; anything else is rethrown as is.
 */
export async function processImageFile(path: string, preset: Preset, options: RenderOptions): Promise<ProcessedImage> {
  const probe = await probeImage(path, options);
  const release = (await options.admit?.(probe.width * probe.height)) ?? (() => {});
  try {
    // Only the image formats: a video format in the preset is for videos (an image skips it).
    const { variants, pixels, frame } = await renderImage(path, probe, preset.variants.filter(isImageSpec), options);
    // The placeholder and colour are of the crop: what every variant shows.
    const { thumbhash, dominantColor } = await computePlaceholder(pixels);
    releaseBuffer(pixels.data);
    return { probe, variants, placeholder: thumbhash, dominantColor, crop: renderedCrop(options.framing, frame) };
  } finally {
    release();
  }
}
