import { ERRORS } from '@darkroom/core/error-factories';
import { MIN_CROP_SIZE } from '@darkroom/core/delivery';
import { cropRegion, focusWithin, type Point, type Region, type Size } from './geometry.js';
import type { Framing } from './types.js';

/** A framing resolved against the image the probe found: the region kept, and the focus within it. */
export interface Frame {
  /** Of the displayed image (the crop, cut back to the image). */
  region: Region;
  /** 0..1 of `region`. */
  focus: Point;
}

/**
 * The frame of an image of this displayed size, or null when it has neither crop nor focus (the
 * whole image, centred: rendered exactly as before framing existed). A crop from the upload was
 * checked only in shape: one reaching past the image is cut back to it; one that leaves less than
 * MIN_CROP_SIZE of it each way fails the asset (`invalid_crop`), as nothing sensible can be cut.
 */
export function frameOf(framing: Framing | undefined, size: Size): Frame | null {
  if (!framing || (!framing.crop && !framing.focus)) return null;
  const { crop } = framing;
  if (crop && (crop.x + MIN_CROP_SIZE > size.width || crop.y + MIN_CROP_SIZE > size.height)) {
    throw ERRORS.cropTooSmall(size.width, size.height);
  }
  const region = cropRegion(crop, size);
  return { region, focus: focusWithin(framing.focus, region, size) };
}

/** The crop as rendered (cut back to the image), or null when the framing had none. */
export function renderedCrop(framing: Framing | undefined, frame: Frame | null): Framing['crop'] {
  if (!framing?.crop || !frame) return null;
  const { left, top, width, height } = frame.region;
  return { x: left, y: top, width, height };
}

/** `region` scaled by `scale` each way, kept inside `bounds`. */
export function scaleRegion(region: Region, scale: { x: number; y: number }, bounds: Size): Region {
  const left = Math.min(bounds.width - 1, Math.round(region.left * scale.x));
  const top = Math.min(bounds.height - 1, Math.round(region.top * scale.y));
  return {
    left,
    top,
    width: Math.max(1, Math.min(bounds.width - left, Math.round(region.width * scale.x))),
    height: Math.max(1, Math.min(bounds.height - top, Math.round(region.height * scale.y))),
  };
}
