import { variantSpecHash, type VariantSpec } from '@darkroom/core';
import type { OutputInfo, Sharp, SharpOptions } from 'sharp';
import { variantSize, type Size } from './geometry.js';
import type { RenderOptions, RenderedVariant } from './types.js';

export const CONTENT_TYPES: Readonly<Record<VariantSpec['format'], string>> = {
  webp: 'image/webp',
  avif: 'image/avif',
  jpeg: 'image/jpeg',
  png: 'image/png',
};

/**
 * Options for every pipeline that reads an uploaded file.
 * - failOn 'error': a truncated or broken JPEG/PNG fails instead of rendering as a grey-bottomed
 *   half image (libvips' default for sharp is 'warning', which also rejects files that only have
 *   harmless warnings such as extraneous bytes before a marker, common from phone cameras).
 * - limitInputPixels: a second line of defence behind probeImage, in case the file changed.
 */
export function fileInput(options: RenderOptions, extra: SharpOptions = {}): SharpOptions {
  return { failOn: 'error', limitInputPixels: options.maxInputPixels, ...extra };
}

export function withTimeout(pipeline: Sharp, options: RenderOptions): Sharp {
  return options.timeoutSeconds ? pipeline.timeout({ seconds: options.timeoutSeconds }) : pipeline;
}

/**
 * Adds the resize for `spec`. The size is computed by `variantSize` (never larger than the source);
 * `fill` for `inside` boxes because the size already has the source's aspect ratio (to within
 * rounding), which makes the output size exactly the computed one.
 */
export function resizeTo(pipeline: Sharp, spec: VariantSpec, source: Size): Sharp {
  const size = variantSize(spec, source);
  return pipeline.resize(size.width, size.height, { fit: spec.fit === 'cover' ? 'cover' : 'fill', position: 'centre' });
}

/**
 * Metadata (EXIF, XMP, IPTC, GPS, ICC) is never kept: sharp strips it unless keepMetadata/withMetadata
 * is called, and converts to sRGB, which browsers assume for untagged images.
 */
export function encode(pipeline: Sharp, spec: VariantSpec): Sharp {
  switch (spec.format) {
    case 'webp':
      return pipeline.webp({ quality: spec.quality });
    case 'avif':
      return pipeline.avif({ quality: spec.quality });
    case 'jpeg':
      // JPEG has no alpha; flatten onto white rather than let transparent pixels turn black.
      return pipeline.flatten({ background: '#ffffff' }).jpeg({ quality: spec.quality });
    case 'png':
      return pipeline.png();
  }
}

/** WebP is the only preset format sharp can write as an animation. */
export function canAnimate(format: VariantSpec['format']): boolean {
  return format === 'webp';
}

export function toVariant(spec: VariantSpec, data: Buffer, info: OutputInfo): RenderedVariant {
  return {
    spec,
    specHash: variantSpecHash(spec),
    data,
    width: info.width,
    // For animations sharp reports the whole frame strip as `height`.
    height: info.pageHeight ?? info.height,
    size: data.length,
    format: spec.format,
    contentType: CONTENT_TYPES[spec.format],
  };
}
