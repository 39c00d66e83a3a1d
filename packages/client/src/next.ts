/**
 * `@darkroom/client/next`: a loader for Next.js's `images.loaderFile`. Give `next/image` an asset's
 * `delivery.base` as `src`; each width Next asks for (its `deviceSizes` and `imageSizes`, which the
 * default delivery policy lists, so the URLs need no signature) becomes a delivery URL, `f_auto`.
 * Next.js is not imported: the loader is a plain function.
 */
import { deliveryUrl } from './responsive.js';

/** What Next.js passes a custom loader (its `ImageLoaderProps`). */
export interface NextImageLoaderProps {
  src: string;
  width: number;
  quality?: number | undefined;
}

/** `{src}/w_{width}`, plus `,q_{quality}` when the image sets one. */
export default function darkroomLoader({ src, width, quality }: NextImageLoaderProps): string {
  return deliveryUrl(src, { width, quality });
}
