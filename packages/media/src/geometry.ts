import type { ImageVariantSpec } from '@darkroom/core/presets';

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
 * The fit a variant renders with: a `cover` box whose crop keeps the whole source (the source has
 * the box's aspect, to the pixel) crops nothing, and is the `inside` picture of that size; rendered
 * so, it comes out as the same bytes, and is stored once with it.
 */
export function renderedFit(box: Box, source: Size): ImageVariantSpec['fit'] {
  if (box.fit === 'inside') return 'inside';
  const size = variantSize(box, source);
  const kept = coverRegion(source, size.width / size.height, { x: 0.5, y: 0.5 });
  return kept.width === source.width && kept.height === source.height ? 'inside' : 'cover';
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

/** A rectangle of pixels: what sharp's `extract` takes. */
export interface Region {
  left: number;
  top: number;
  width: number;
  height: number;
}

/** A point as fractions (0..1) of an image's width and height. */
export interface Point {
  x: number;
  y: number;
}

/** The part of the displayed image a crop keeps (the whole image without one), clamped to the image. */
export function cropRegion(crop: { x: number; y: number; width: number; height: number } | null, size: Size): Region {
  if (!crop) return { left: 0, top: 0, width: size.width, height: size.height };
  const left = clamp(Math.round(crop.x), 0, size.width - 1);
  const top = clamp(Math.round(crop.y), 0, size.height - 1);
  return {
    left,
    top,
    width: clamp(Math.round(crop.width), 1, size.width - left),
    height: clamp(Math.round(crop.height), 1, size.height - top),
  };
}

/**
 * A focus point (fractions of the whole displayed image) as fractions of a region of it; a focus
 * outside the region moves to the nearest point inside. No focus: the region's centre.
 */
export function focusWithin(focus: Point | null, region: Region, size: Size): Point {
  if (!focus) return { x: 0.5, y: 0.5 };
  const x = (focus.x * size.width - region.left) / region.width;
  const y = (focus.y * size.height - region.top) / region.height;
  return { x: clamp(x, 0, 1), y: clamp(y, 0, 1) };
}

/**
 * The largest region of `aspect` (width / height) within `source`, as near to centred on `focus`
 * as the edges allow: what a `cover` box keeps before it is scaled.
 */
export function coverRegion(source: Size, aspect: number, focus: Point): Region {
  const wide = source.width / source.height > aspect;
  const width = wide ? clamp(Math.round(source.height * aspect), 1, source.width) : source.width;
  const height = wide ? source.height : clamp(Math.round(source.width / aspect), 1, source.height);
  return {
    left: clamp(Math.round(focus.x * source.width - width / 2), 0, source.width - width),
    top: clamp(Math.round(focus.y * source.height - height / 2), 0, source.height - height),
    width,
    height,
  };
}
