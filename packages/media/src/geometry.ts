import type { ImageVariantSpec } from '@darkroom/core';

export interface Size {
  width: number;
  height: number;
}

type Box = Pick<ImageVariantSpec, 'fit' | 'width' | 'height'>;

/**
 * How much a variant scales the (upright) source, capped at 1 so nothing is ever enlarged.
 * `inside` scales until the whole image fits the box; `cover` until the box is filled.
 */
export function variantScale(box: Box, source: Size): number {
  const sx = box.width / source.width;
  const sy = box.height / source.height;
  return Math.min(1, box.fit === 'cover' ? Math.max(sx, sy) : Math.min(sx, sy));
}

/**
 * The output size of a variant. Computed here rather than left to sharp because sharp's
 * `withoutEnlargement` + `cover` on a small image crops only the dimension that is too big
 * (a 300x200 image gives a 256x200 "square" thumb). We decided instead that a `cover` variant
 * always has the box's aspect ratio: when the image is too small to fill the box, the result is
 * the largest centred crop of that aspect ratio at 1:1 scale (300x200 → 200x200, 200x100 → 100x100),
 * so thumbnails stay square in a grid and are never blurry upscales.
 */
export function variantSize(box: Box, source: Size): Size {
  const scale = variantScale(box, source);
  if (box.fit === 'inside') return scaled(source, scale);
  if (scale < 1) return { width: box.width, height: box.height };
  const boxAspect = box.width / box.height;
  const fitted =
    source.width / source.height > boxAspect
      ? { width: Math.round(source.height * boxAspect), height: source.height }
      : { width: source.width, height: Math.round(source.width / boxAspect) };
  return {
    width: clamp(fitted.width, 1, Math.min(box.width, source.width)),
    height: clamp(fitted.height, 1, Math.min(box.height, source.height)),
  };
}

/**
 * The one size to decode a still image at so that every box can be made from it by shrinking
 * (or cropping) alone: the largest of the sizes each box samples the source at.
 */
export function decodeSize(boxes: readonly Box[], source: Size): Size {
  let width = 1;
  let height = 1;
  for (const box of boxes) {
    const sampled = scaled(source, variantScale(box, source));
    width = Math.max(width, sampled.width);
    height = Math.max(height, sampled.height);
  }
  return { width: Math.min(width, source.width), height: Math.min(height, source.height) };
}

function scaled(source: Size, scale: number): Size {
  if (scale >= 1) return { width: source.width, height: source.height };
  return {
    width: clamp(Math.round(source.width * scale), 1, source.width),
    height: clamp(Math.round(source.height * scale), 1, source.height),
  };
}

function clamp(n: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, n));
}
