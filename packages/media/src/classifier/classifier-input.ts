import sharp, { type Sharp } from 'sharp';
import { startBudget, withTimeout } from '../encode.js';
import { probeImage } from '../probe.js';
import { openStill } from '../render.js';
import { classifyDecodeError } from '../sharp-errors.js';
import { admitDecode } from '../render-gate.js';
import type { DecodeAdmission, ImageInput, SafetyOptions } from '../types.js';

/** The side of the square nsfwjs's MobileNetV2 takes. */
export const CLASSIFIER_INPUT_SIZE = 224;

/** Pixels to score: RGB, or RGBA (its alpha flattened on white, as a page behind it would show). */
export interface ClassifierPixels {
  data: Buffer;
  width: number;
  height: number;
  channels?: 3 | 4;
}

export interface ClassifierFileOptions extends SafetyOptions, DecodeAdmission {
  /** Stop decoding after this long. Unset or 0: no limit. */
  timeoutSeconds?: number;
}

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

/**
 * A file as displayed (EXIF orientation applied, HEIC through its own decoder), whole, shaped into
 * a model's input. It goes through the worker's gate: `probeImage` (format allowlist, pixel limit)
 * before any decode, its admission (`options.admit`, with the header's pixels), then the same
 * decoder settings, so a file the render would refuse fails here with the same BadMediaError.
 */
export async function modelPixelsOfFile<T>(
  input: ImageInput,
  options: ClassifierFileOptions,
  shape: (image: Sharp) => Sharp,
  read: (image: Sharp) => Promise<T>,
): Promise<T> {
  const probe = await probeImage(input, options);
  const release = await admitDecode(options, probe);
  const budget = startBudget(options);
  try {
    const pipeline = shape(await openStill(input, probe, budget));
    return await read(withTimeout(pipeline, budget));
  } catch (error) {
    throw classifyDecodeError(error, { timeoutSeconds: options.timeoutSeconds });
  } finally {
    release();
  }
}

/** A file as displayed, whole, as the explicit classifier's input (see modelPixelsOfFile). */
export function classifierInputOfFile(input: ImageInput, options: ClassifierFileOptions): Promise<ClassifierInput> {
  return modelPixelsOfFile(input, options, toModelInput, modelInputOf);
}
