import { FACE_REDACTION_PADDING } from '@darkroom/media';
import type { FaceBox } from './face-photos.js';

/** What the face-effect tests measure: how much detail is left inside a face's covered area. */

export interface Pixels {
  data: Buffer;
  width: number;
  height: number;
}

export interface PixelEdges {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

/** Mean absolute difference of right and lower neighbours inside a box, and the share of those that are equal. */
export function detail(pixels: Pixels, box: PixelEdges) {
  let sum = 0;
  let equal = 0;
  let pairs = 0;
  for (let y = box.top; y < box.bottom - 1; y++) {
    for (let x = box.left; x < box.right - 1; x++) {
      const at = (y * pixels.width + x) * 3;
      for (const next of [at + 3, at + pixels.width * 3]) {
        let d = 0;
        for (let c = 0; c < 3; c++) d += Math.abs((pixels.data[at + c] ?? 0) - (pixels.data[next + c] ?? 0));
        sum += d / 3;
        if (d === 0) equal++;
        pairs++;
      }
    }
  }
  return { mean: sum / Math.max(1, pairs), equalShare: equal / Math.max(1, pairs) };
}

/** A face box with its padding, in the output's pixels (the whole image at its size), pulled in by a pixel for rounding. */
export function covered(face: FaceBox, size: { width: number; height: number }): PixelEdges {
  const pad = FACE_REDACTION_PADDING;
  return {
    left: Math.max(0, Math.ceil((face.x - face.width * pad) * size.width) + 1),
    top: Math.max(0, Math.ceil((face.y - face.height * pad) * size.height) + 1),
    right: Math.min(size.width, Math.floor((face.x + face.width * (1 + pad)) * size.width) - 1),
    bottom: Math.min(size.height, Math.floor((face.y + face.height * (1 + pad)) * size.height) - 1),
  };
}
