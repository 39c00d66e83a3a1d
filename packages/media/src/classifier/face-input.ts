import type { Sharp } from 'sharp';
import type { ImageInput } from '../types.js';
import { type RgbImage, ssdFrame } from './ssd-input.js';
import { type ClassifierFileOptions, type ClassifierPixels, openPixels, rawPixelsOf } from './classifier-input.js';
import { decodeDisplayedFile } from '../displayed.js';

/**
 * The long side the face detector is given. SSD MobileNet v1 squeezes any input to 512×512 itself;
 * 640 keeps a face that is 24 px wide here (the smallest the spec counts) at about 19 px there,
 * still inside what the model finds, and a larger input would only cost the resize.
 */
export const FACE_INPUT_LONG_SIDE = 640;

/** The input as a box a decode must cover (../render.ts's DecodeBox): the whole image inside it. */
export const FACE_INPUT_BOX = { fit: 'inside', width: FACE_INPUT_LONG_SIDE, height: FACE_INPUT_LONG_SIDE } as const;

/** The detector's input: RGB, 8 bits per sample, the whole image with its aspect kept. */
export interface FaceInput {
  data: Buffer;
  width: number;
  height: number;
}

/** The whole image, aspect kept, downscaled (never enlarged) to FACE_INPUT_LONG_SIDE; alpha on white. */
function toFaceInput(image: Sharp): Sharp {
  return image
    .flatten({ background: '#ffffff' })
    .resize(FACE_INPUT_LONG_SIDE, FACE_INPUT_LONG_SIDE, { fit: 'inside', withoutEnlargement: true })
    .toColourspace('srgb')
    .removeAlpha()
    .raw();
}

async function faceInputOf(image: Sharp): Promise<FaceInput> {
  const { data, width, height, channels } = await rawPixelsOf(image);
  if (channels !== 3) throw new Error(`face detector input came out with ${channels} channels`);
  return { data, width, height };
}

/** Decoded pixels (a video's poster frame, a cover, the worker's decode) as the detector's input. */
export function faceInputOfPixels(pixels: ClassifierPixels): Promise<FaceInput> {
  return faceInputOf(toFaceInput(openPixels(pixels)));
}

/** A file as displayed, whole, as the detector's input (decodeDisplayedFile: the worker's gate first). */
export function faceInputOfFile(input: ImageInput, options: ClassifierFileOptions): Promise<FaceInput> {
  return decodeDisplayedFile(input, options, toFaceInput, faceInputOf);
}

/**
 * The input padded with black to the network's frame (ssd-input.ts's ssdFrame), the image at its top
 * left, made here so that every input of FACE_INPUT_LONG_SIDE is one of a few shapes. WebAssembly's
 * memory never shrinks, and tensors of another size for each photo's aspect leave holes its
 * allocator cannot reuse (docs/design/worker.md#face-detections-memory).
 */
export function framedOf(input: FaceInput): RgbImage {
  const { width, height } = ssdFrame(input.width, input.height);
  return paddedTo(input, width, height);
}

/** The input at the top left of a black `width` × `height` (at least its own size); itself when that is its size. */
export function paddedTo(input: FaceInput, width: number, height: number): RgbImage {
  const pixels = new Uint8Array(input.data.buffer, input.data.byteOffset, input.data.length);
  if (width === input.width && height === input.height) return { data: pixels, width, height };
  const data = new Uint8Array(width * height * 3);
  const row = input.width * 3;
  for (let y = 0; y < input.height; y++) data.set(pixels.subarray(y * row, (y + 1) * row), y * width * 3);
  return { data, width, height };
}
