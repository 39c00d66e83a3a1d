import type { FaceBox } from '@darkroom/core/contract/asset';
import { cropRegion, type Region, type Size } from './geometry.js';

/**
 * Where `g_face` and `g_faces` cut (docs/delivery.md#faces). Faces are fractions of the whole
 * displayed image; the crop the asset keeps is what they are clipped to, so a face outside it is
 * not there to keep.
 */

/** At `z_1` the region holds the face box and this much of its width and height again on each side. */
export const FACE_CROP_MARGIN = 0.5;

/** A face box in displayed pixels, edges as numbers (not rounded). */
export interface PixelBox {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

/** Each face in displayed pixels, clipped to `within`; faces with nothing left inside it are dropped. */
export function facesWithin(faces: readonly FaceBox[], displayed: Size, within: Region): PixelBox[] {
  const boxes: PixelBox[] = [];
  for (const face of faces) {
    const box = {
      left: Math.max(within.left, face.x * displayed.width),
      top: Math.max(within.top, face.y * displayed.height),
      right: Math.min(within.left + within.width, (face.x + face.width) * displayed.width),
      bottom: Math.min(within.top + within.height, (face.y + face.height) * displayed.height),
    };
    if (box.right > box.left && box.bottom > box.top) boxes.push(box);
  }
  return boxes;
}

/**
 * Whether a face crop has a face to cut to: one of `faces` inside the asset's crop. Without one,
 * `g_face` and `g_faces` are `g_auto`'s crop (faceCropRegion's null), whatever the zoom.
 */
export function anyFaceInCrop(faces: readonly FaceBox[], displayed: Size, crop: Parameters<typeof cropRegion>[0]): boolean {
  return facesWithin(faces, displayed, cropRegion(crop, displayed)).length > 0;
}

const area = (box: PixelBox) => (box.right - box.left) * (box.bottom - box.top);

/** The box a face crop keeps whole: the largest face (`face`), or the union of them all (`faces`). */
export function faceTarget(boxes: readonly PixelBox[], which: 'face' | 'faces'): PixelBox | null {
  if (boxes.length === 0) return null;
  if (which === 'face') return boxes.reduce((largest, box) => (area(box) > area(largest) ? box : largest));
  return {
    left: Math.min(...boxes.map((b) => b.left)),
    top: Math.min(...boxes.map((b) => b.top)),
    right: Math.max(...boxes.map((b) => b.right)),
    bottom: Math.max(...boxes.map((b) => b.bottom)),
  };
}

export interface FaceCropRequest {
  displayed: Size;
  /** The asset's crop, in displayed pixels (the whole image without one). */
  crop: Region;
  /** The output's size: the region has its aspect and is never smaller (nothing is enlarged). */
  output: Size;
  faces: readonly FaceBox[];
  which: 'face' | 'faces';
  zoom: number;
}

/**
 * The region of the output's aspect a face crop shows, or null when no face lies in the crop (the
 * caller falls back to `g_auto`). At `z_1` it is the smallest such region holding the target box and
 * its margin; `z` above 1 narrows it by that factor (zooming in), below 1 widens it. It never
 * shrinks below the output's size nor grows past the crop, and is centred on the target as far as
 * the crop's edges allow.
 */
export function faceCropRegion(request: FaceCropRequest): Region | null {
  const { crop, output, zoom } = request;
  const target = faceTarget(facesWithin(request.faces, request.displayed, crop), request.which);
  if (!target) return null;
  const aspect = output.width / output.height;
  const boxWidth = target.right - target.left;
  const boxHeight = target.bottom - target.top;
  const padded = { width: boxWidth * (1 + 2 * FACE_CROP_MARGIN), height: boxHeight * (1 + 2 * FACE_CROP_MARGIN) };
  let width = Math.max(padded.width, padded.height * aspect, output.width * zoom) / zoom;
  let height = width / aspect;
  const fit = Math.min(1, crop.width / width, crop.height / height);
  width = Math.max(1, Math.min(crop.width, Math.round(width * fit)));
  height = Math.max(1, Math.min(crop.height, Math.round(height * fit)));
  const centre = { x: (target.left + target.right) / 2, y: (target.top + target.bottom) / 2 };
  return {
    left: clamp(Math.round(centre.x - width / 2), crop.left, crop.left + crop.width - width),
    top: clamp(Math.round(centre.y - height / 2), crop.top, crop.top + crop.height - height),
    width,
    height,
  };
}

const clamp = (n: number, min: number, max: number) => Math.min(max, Math.max(min, n));
