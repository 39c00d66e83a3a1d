/**
 * `@darkroom/client/next`: a loader for Next.js's `images.loaderFile`. Give `next/image` an asset's
 * `delivery.base` as `src`; each width Next asks for (its `deviceSizes` and `imageSizes`, which the
 * default delivery policy lists, so the URLs need no signature) becomes a delivery URL, `f_auto`.
 * Next.js is not imported: the loader is a plain function.
 */
import type { AutoQuality } from '@darkroom/core/delivery-grammar';
import { type DeliveryFaceOptions, deliveryUrl, parseAspect } from './responsive.js';

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

/** What a loader of `darkroomLoaderWith` adds to every URL: a crop to an aspect, its gravity, a face effect. */
export interface DarkroomLoaderOptions extends DeliveryFaceOptions {
  /** `W:H`: each width's height follows from it and the image is cropped to it (`c_cover`). */
  aspectRatio?: string | undefined;
}

/**
 * A loader for one `next/image` (its `loader` prop) with options beyond the width: e.g. avatars cut
 * to the largest face, `darkroomLoaderWith({ aspectRatio: '1:1', gravity: 'face' })`, or every face
 * covered, `darkroomLoaderWith({ effect: 'blur-faces' })`. `z_` and effects are served unsigned only
 * where the tenant's policy says `unsignedEffects`; an aspect only where its `aspectRatios` lists it.
 */
export function darkroomLoaderWith({ aspectRatio, ...faces }: DarkroomLoaderOptions): (props: NextImageLoaderProps) => string {
  const aspect = aspectRatio === undefined ? undefined : parseAspect(aspectRatio);
  return ({ src, width, quality }) => {
    const height = aspect ? Math.max(1, Math.round((width * aspect.h) / aspect.w)) : undefined;
    // A gravity says where a crop is centred: without an aspect there is no crop.
    return deliveryUrl(src, { width, height, fit: aspect ? 'cover' : undefined, quality, ...faces, ...(aspect ? {} : { gravity: undefined }) });
  };
}

/**
 * A loader whose URLs all ask for a `q_auto` level (`q_auto`: each image its own quality), whatever
 * `quality` an image sets: `export default autoQualityLoader('auto-eco')` in the loader file.
 * Unsigned URLs need the level in the tenant policy's `qualities`.
 */
export function autoQualityLoader(level: AutoQuality = 'auto'): (props: NextImageLoaderProps) => string {
  return ({ src, width }) => deliveryUrl(src, { width, quality: level });
}
