import type { Tensor4D } from '@tensorflow/tfjs';
import type { TfRuntime } from './tf-runtime.js';

/**
 * What SSD MobileNet v1 (face-ssd.ts) is shown: the frame an image is padded to, and the network's
 * input made from it.
 */

/** The side of the square the network was made for; its 5,118 anchors are laid out for it. */
export const SSD_INPUT = 512;
/**
 * The network sees an image's own aspect, not a padded square: its short side is padded up to a
 * sixteenth of its long side, so the input's short side is a multiple of 32 px, the stride of the
 * backbone's output, and every backbone layer's cells sit where the square's would. A 4:3 or 3:2
 * photo costs three quarters of a square's pass, 16:9 under two thirds; on the labelled photos the
 * same faces are found as on the square (face-ssd.test.ts, test/images/face-detection-recall).
 */
const FRAME_STEPS = 16;

/** A side's share of the long side, in FRAME_STEPS-ths, rounded up. */
const stepsOf = (side: number, long: number) => Math.max(1, Math.ceil((FRAME_STEPS * side) / long));

/**
 * The frame an image of `width` × `height` is padded to (on the right or the bottom) before the
 * network sees it, in its own pixels: its long side, and its short side rounded up to a
 * FRAME_STEPS-th of that. Every 640 px input is one of a few dozen shapes, no larger than the
 * square's, which WebAssembly's allocator can reuse (docs/design/worker.md#face-detections-memory).
 */
export function ssdFrame(width: number, height: number): { width: number; height: number } {
  const long = Math.max(width, height);
  const framed = (side: number) => Math.floor((stepsOf(side, long) * long) / FRAME_STEPS);
  return { width: framed(width), height: framed(height) };
}

/** RGB pixels, 8 bits a sample, row after row: the detector's input (face-input.ts). */
export interface RgbImage {
  data: Uint8Array;
  width: number;
  height: number;
}

const f32 = Math.fround;

/**
 * Where each output column (or row) of a bilinear resize reads from, as TensorFlow's ResizeBilinear
 * (no aligned corners, no half-pixel centres) reads, in 32-bit floats: the sample before, the one
 * after (the last at the edge) and the weight of the one after.
 */
interface Taps {
  before: Int32Array;
  after: Int32Array;
  weight: Float32Array;
}

function resizeTaps(inSize: number, outSize: number): Taps {
  const scale = f32(inSize / outSize);
  const taps = { before: new Int32Array(outSize), after: new Int32Array(outSize), weight: new Float32Array(outSize) };
  for (let i = 0; i < outSize; i++) {
    const at = f32(scale * i);
    const before = Math.floor(at);
    taps.before[i] = before;
    taps.after[i] = Math.min(inSize - 1, Math.ceil(at));
    taps.weight[i] = f32(at - before);
  }
  return taps;
}

/** Row `y` of the image resized across by `cols`, into `row`: black past the image's right or bottom edge. */
function resizedRow({ data, width, height }: RgbImage, y: number, cols: Taps, row: Float32Array): void {
  if (y >= height) return void row.fill(0);
  const base = y * width * 3;
  const { before, after, weight } = cols;
  for (let c = 0, o = 0; c < before.length; c++) {
    // Plain locals in the loops: destructuring an array per pixel made this four times slower.
    const x0 = before[c]!;
    const x1 = after[c]!;
    const dx = weight[c]!;
    for (let k = 0; k < 3; k++, o++) {
      const left = x0 < width ? data[base + x0 * 3 + k]! : 0;
      const right = x1 < width ? data[base + x1 * 3 + k]! : 0;
      row[o] = f32(left + f32((right - left) * dx));
    }
  }
}

/**
 * The image as the network takes it: padded with black on the right or the bottom to its frame
 * (ssdFrame; nothing to pad when the caller framed it), resized bilinearly so that the frame's long
 * side is SSD_INPUT, values −1..1; on a square, face-api's input (NetInput.toBatchTensor(512, false)).
 * Made here in one array, a row across then rows down (TensorFlow's arithmetic, in its order), so
 * the WebAssembly heap gets one tensor, the input, where TensorFlow.js's cast, pad, resize, divide
 * and subtract each left one of about its size, all alive at once: they raised the heap's
 * high-water mark, which it keeps for good (docs/design/worker.md#face-detections-memory).
 */
export function networkInput(tf: TfRuntime, image: RgbImage): Tensor4D {
  const frame = ssdFrame(image.width, image.height);
  // The frame's long side becomes SSD_INPUT, its other side the same share of it as in the frame.
  const long = Math.max(image.width, image.height);
  const size = (side: number) => (SSD_INPUT * stepsOf(side, long)) / FRAME_STEPS;
  const [outHeight, outWidth] = [size(image.height), size(image.width)];
  const [rows, cols] = [resizeTaps(frame.height, outHeight), resizeTaps(frame.width, outWidth)];
  const out = new Float32Array(outHeight * outWidth * 3);
  let [upper, lower] = [new Float32Array(outWidth * 3), new Float32Array(outWidth * 3)];
  let [upperY, lowerY] = [-1, -1];
  for (let r = 0, o = 0; r < outHeight; r++) {
    const y0 = rows.before[r]!;
    const y1 = rows.after[r]!;
    const dy = rows.weight[r]!;
    // Each source row is resized across once: the last row's lower one is often this one's upper.
    if (upperY !== y0 && lowerY === y0) [upper, lower, upperY, lowerY] = [lower, upper, lowerY, upperY];
    if (upperY !== y0) {
      resizedRow(image, y0, cols, upper);
      upperY = y0;
    }
    if (lowerY !== y1) {
      resizedRow(image, y1, cols, lower);
      lowerY = y1;
    }
    for (let i = 0; i < upper.length; i++, o++) {
      const top = upper[i]!;
      out[o] = f32(f32(f32(top + f32((lower[i]! - top) * dy)) / 127.5) - 1);
    }
  }
  return tf.tensor4d(out, [1, outHeight, outWidth, 3]);
}
