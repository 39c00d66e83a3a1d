import sharp, { type Sharp } from 'sharp';
import { decodeDisplayedFile, type DisplayedFileOptions } from '../displayed.js';
import type { ImageInput } from '../types.js';

/** The side of the square nsfwjs's MobileNetV2 takes. */
export const CLASSIFIER_INPUT_SIZE = 224;

/** Pixels to score: RGB, or RGBA (its alpha flattened on white, as a page behind it would show). */
export interface ClassifierPixels {
  data: Buffer;
  width: number;
  height: number;
  channels?: 3 | 4;
}

/** How a file is decoded for a model: as any untrusted file decoded whole (displayed.ts). */
export type ClassifierFileOptions = DisplayedFileOptions;

/** The model's input: 224×224 RGB, 8 bits per sample, rows top to bottom. */
export interface ClassifierInput {
  data: Buffer;
  width: typeof CLASSIFIER_INPUT_SIZE;
  height: typeof CLASSIFIER_INPUT_SIZE;
}

/**
 * The whole image squeezed to 224×224 (`fill`), as nsfwjs resizes its own inputs and as its
 * training images were: `cover` would crop away what may be the explicit part, and `contain` would
 * spend a third of a panorama's input on white bars the model never saw in training.
 */
function toModelInput(image: Sharp): Sharp {
  return image
    .flatten({ background: '#ffffff' })
    .resize(CLASSIFIER_INPUT_SIZE, CLASSIFIER_INPUT_SIZE, { fit: 'fill' })
    .toColourspace('srgb')
    .removeAlpha()
    .raw();
}

/** A shaped pipeline's raw pixels, with the size it came out at. */
export async function rawPixelsOf(image: Sharp): Promise<{ data: Buffer; width: number; height: number; channels: number }> {
  const { data, info } = await image.toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height, channels: info.channels };
}

async function modelInputOf(image: Sharp): Promise<ClassifierInput> {
  const { data, width, height, channels } = await rawPixelsOf(image);
  if (width !== CLASSIFIER_INPUT_SIZE || height !== CLASSIFIER_INPUT_SIZE || channels !== 3) {
    throw new Error(`classifier input came out ${width}x${height}x${channels}`);
  }
  return { data, width: CLASSIFIER_INPUT_SIZE, height: CLASSIFIER_INPUT_SIZE };
}

/** Decoded pixels as a sharp pipeline (RGB, or RGBA whose alpha the shaping flattens). */
export function openPixels(pixels: ClassifierPixels): Sharp {
  return sharp(pixels.data, { raw: { width: pixels.width, height: pixels.height, channels: pixels.channels ?? 3 } });
}

/** Decoded pixels (a video frame, a cover, the worker's decode) as the model's input. */
export function classifierInputOfPixels(pixels: ClassifierPixels): Promise<ClassifierInput> {
  return modelInputOf(toModelInput(openPixels(pixels)));
}

/** A file as displayed, whole, as the explicit classifier's input (decodeDisplayedFile: the worker's gate first). */
export function classifierInputOfFile(input: ImageInput, options: ClassifierFileOptions): Promise<ClassifierInput> {
  return decodeDisplayedFile(input, options, toModelInput, modelInputOf);
}
