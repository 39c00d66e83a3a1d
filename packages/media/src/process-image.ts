import { isImageSpec, type Preset } from '@darkroom/core/presets';
import { FACE_INPUT_BOX, type FaceInput, faceInputOfPixels } from './classifier/face-input.js';
import { computePlaceholder } from './placeholder.js';
import { probeImage } from './probe.js';
import { releaseBuffer } from './release.js';
import { admitDecode } from './render-gate.js';
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
  /**
   * The face detector's input, made from the variants' decode when `faceInput` asked for it and
   * that decode was of the whole image; undefined otherwise (a crop, an animation: the search
   * decodes the file itself).
   */
  faceInput?: FaceInput;
}

export interface ProcessOptions extends RenderOptions {
  /** Make the face detector's input from the same decode (ProcessedImage.faceInput). */
  faceInput?: boolean;
}

/**
 * Everything the worker needs from one original: header check first (so bombs, empty and cut-off
 * files fail before any decode), then one decode for all variants (HEIC in a thread of its own),
 * then the placeholder (and the face search's input, if asked) from the pixels that decode produced. Bad media surfaces as BadMediaError; anything else is rethrown as is.
 */
export async function processImageFile(path: string, preset: Preset, options: ProcessOptions): Promise<ProcessedImage> {
  const probe = await probeImage(path, options);
  const release = await admitDecode(options, probe);
  try {
    // Only the image formats: a video format in the preset is for videos (an image skips it).
    const specs = preset.variants.filter(isImageSpec);
    const { variants, pixels, frame, whole } = await renderImage(path, probe, specs, options, options.faceInput ? [FACE_INPUT_BOX] : []);
    // The placeholder and colour are of the crop: what every variant shows.
    const { thumbhash, dominantColor } = await computePlaceholder(pixels);
    // The face search's downscale from these pixels, rather than a second decode of the original.
    const faceInput = options.faceInput && whole ? await faceInputOfPixels(pixels) : undefined;
    releaseBuffer(pixels.data);
    const crop = renderedCrop(options.framing, frame);
    return { probe, variants, placeholder: thumbhash, dominantColor, crop, ...(faceInput ? { faceInput } : {}) };
  } finally {
    release();
  }
}
