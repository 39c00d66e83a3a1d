/** Face helpers shared by the media, worker and end-to-end tests (not shipped: test-*.ts). */

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Intersection over union of two boxes (0: apart, 1: the same box). */
export function iou(a: Box, b: Box): number {
  const w = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const h = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  const overlap = Math.max(0, w) * Math.max(0, h);
  return overlap / (a.width * a.height + b.width * b.height - overlap);
}

/**
 * The one face of fixtures/images/Channel_digital_image_CMYK_color.jpg, the child in the stroller,
 * marked by eye on the photo shown at 500×333: (308, 180) to (325, 208), about 18 px wide.
 */
export const CMYK_PHOTO_CHILD: Box = { x: 308 / 500, y: 180 / 333, width: 17 / 500, height: 28 / 333 };
