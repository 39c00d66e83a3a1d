import type { Crop } from '@darkroom/core/delivery';
import type { DeliveryFit } from '@darkroom/core/delivery-grammar';
import { MAX_DELIVERY_DIMENSION } from '@darkroom/core/limits';
import { cropRegion, variantSize, type Size } from './geometry.js';

/** The box a URL asks for (`dpr` already applied); a missing side is unbounded. */
export interface DeliveryBox {
  width?: number | undefined;
  height?: number | undefined;
  fit: DeliveryFit;
}

/**
 * A box within MAX_DELIVERY_DIMENSION a side, as a URL's `w_` and `h_` are: one that `dpr` carried
 * past it scaled down to it, aspect kept, and a missing side bounded by it. Unbounded, a wide
 * original's whole width (a 20,000 px panorama) went past what WebP (16,383) and AVIF (16,384) write.
 */
function bounded(box: DeliveryBox): DeliveryBox {
  const over = Math.max(1, (box.width ?? 0) / MAX_DELIVERY_DIMENSION, (box.height ?? 0) / MAX_DELIVERY_DIMENSION);
  const side = (asked: number | undefined) => (asked === undefined ? undefined : Math.max(1, Math.floor(asked / over)));
  return { fit: box.fit, width: side(box.width), height: side(box.height) };
}

/**
 * The size a delivery answers with: the box applied to the crop of the displayed image, never
 * larger than that crop (a `cover` box too large keeps its aspect at 1:1, as variants do), nor than
 * MAX_DELIVERY_DIMENSION a side.
 */
export function deliverySize(asked: DeliveryBox, displayed: Size, crop: Crop | null): Size {
  const box = bounded(asked);
  const region = cropRegion(crop, displayed);
  const source = { width: region.width, height: region.height };
  if (box.fit === 'cover' && box.width !== undefined && box.height !== undefined) {
    return variantSize({ fit: 'cover', width: box.width, height: box.height }, source);
  }
  return variantSize({ fit: 'inside', width: box.width ?? MAX_DELIVERY_DIMENSION, height: box.height ?? MAX_DELIVERY_DIMENSION }, source);
}
