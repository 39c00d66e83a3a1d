import type { FaceRedaction } from '@darkroom/core/delivery';
import { autoQualityLevel, canonicalQuality } from '@darkroom/core/delivery-grammar';
import { variantOutputHash, variantSpecHash, type ImageVariantQuality, type ImageVariantSpec, type VariantOutput } from '@darkroom/core/presets';
import type { OutputInfo, Sharp, SharpOptions } from 'sharp';
import { ANIMATION_QUALITY } from './auto-quality.js';
import { coverRegion, renderedFit, variantSize, type Point, type Region, type Size } from './geometry.js';
import type { RenderOptions, RenderedVariant } from './types.js';

export const CONTENT_TYPES: Readonly<Record<ImageVariantSpec['format'], string>> = {
  webp: 'image/webp',
  avif: 'image/avif',
  jpeg: 'image/jpeg',
  png: 'image/png',
};

/**
 * Options for every pipeline that reads an uploaded file.
 * - failOn 'error': a truncated or broken JPEG/PNG fails instead of rendering as flat grey below
 *   the last byte received (failOn 'none' turns truncated.jpg into a few rows of picture and
 *   then uniform grey). Not sharp's default 'warning', which also rejects files whose only
 *   fault is a libjpeg warning such as extraneous bytes before a marker.
 * - limitInputPixels: a second line of defence behind probeImage, in case the file changed.
 */
export function fileInput(options: RenderOptions, extra: SharpOptions = {}): SharpOptions {
  return { failOn: 'error', limitInputPixels: options.maxInputPixels, ...extra };
}

/** RenderOptions plus the moment (performance.now() ms) by which the whole render must be done. */
export interface RenderBudget extends RenderOptions {
  deadline?: number;
}

/**
 * sharp's timeout is per pipeline, but one render runs several (decode, then one per variant), so
 * `timeoutSeconds` is turned into a deadline for all of them together; each pipeline gets what is left.
 */
export function startBudget(options: RenderOptions): RenderBudget {
  return options.timeoutSeconds ? { ...options, deadline: performance.now() + options.timeoutSeconds * 1000 } : options;
}

export function withTimeout(pipeline: Sharp, budget: RenderBudget): Sharp {
  if (budget.deadline === undefined) return pipeline;
  const secondsLeft = (budget.deadline - performance.now()) / 1000;
  // Same wording as sharp's own timeout error, so classifyDecodeError treats both alike.
  if (secondsLeft <= 0) throw new Error('timeout: time limit reached between pipelines');
  // sharp takes whole seconds from 1 to 3600 (0 would mean no limit).
  return pipeline.timeout({ seconds: Math.min(3600, Math.ceil(secondsLeft)) });
}

/**
 * Adds the resize for `spec`, as `outputPlan` plans it: the size by `variantSize` (never larger than
 * the source); `fill` for `inside` (and for a `cover` box that keeps the whole source) because the
 * size already has the source's aspect ratio (to within rounding), which makes the output size
 * exactly the computed one.
 */
export function resizeTo(pipeline: Sharp, spec: ImageVariantSpec, source: Size, frame?: PipelineFrame): Sharp {
  const { fit, width, height } = outputPlan(spec, source);
  if (!frame) return pipeline.resize(width, height, { fit: fit === 'cover' ? 'cover' : 'fill', position: 'centre' });
  // Framed: one extract (the crop, and for `cover` the part of it around the focus), then a resize
  // to the exact size; the extract's aspect is the output's, so `fill` does not distort.
  const area = frame.region ?? { left: 0, top: 0, width: frame.pixels.width, height: frame.pixels.height };
  const kept = fit === 'cover' ? within(area, coverRegion(area, width / height, frame.focus)) : area;
  const whole = kept.left === 0 && kept.top === 0 && kept.width === frame.pixels.width && kept.height === frame.pixels.height;
  return (whole ? pipeline : pipeline.extract(kept)).resize(width, height, { fit: 'fill' });
}

/** What a framed pipeline holds: its pixels' size, the part of them the source is (all, unset), and the focus as 0..1 of that part. */
export interface PipelineFrame {
  pixels: Size;
  region?: Region;
  focus: Point;
}

/** A region of `area` (relative to it) as a region of the pipeline's pixels. */
function within(area: Region, region: Region): Region {
  return { ...region, left: area.left + region.left, top: area.top + region.top };
}

/**
 * Metadata (EXIF, XMP, IPTC, GPS, ICC) is never kept: sharp strips it unless keepMetadata/withMetadata
 * is called, and converts to sRGB, which browsers assume for untagged images. A `q_auto` word encodes
 * at its fixed stand-in (`fixedQuality`): what a spec nothing searches (an animation) is written with.
 */
export function encode(pipeline: Sharp, spec: Pick<ImageVariantSpec, 'format' | 'quality'>): Sharp {
  const quality = fixedQuality(spec.quality);
  switch (spec.format) {
    case 'webp':
      return pipeline.webp({ quality });
    case 'avif':
      return pipeline.avif({ quality });
    case 'jpeg':
      // JPEG has no alpha; flatten onto white rather than let transparent pixels turn black.
      return pipeline.flatten({ background: '#ffffff' }).jpeg({ quality });
    case 'png':
      return pipeline.png();
  }
}

/** A number as it is; a `q_auto` word as what an animation is encoded with at its level (each frame would want its own search). */
export function fixedQuality(quality: ImageVariantQuality): number {
  const level = autoQualityLevel(quality);
  return level ? ANIMATION_QUALITY[level] : (quality as number);
}

/** WebP is the only preset format sharp can write as an animation. */
export function canAnimate(format: ImageVariantSpec['format']): boolean {
  return format === 'webp';
}

/**
 * What `spec` makes of a source of this (displayed) size: the one plan its render follows
 * (`resizeTo`, `encode`) and its output hash names, so specs with one plan are one encode and one object.
 */
export function outputPlan(spec: ImageVariantSpec, source: Size, redaction: FaceRedaction | null = null): VariantOutput {
  const { width, height } = variantSize(spec, source);
  // encode() writes PNG without a quality (lossless): any quality is the same bytes.
  const quality = spec.format === 'png' ? null : canonicalQuality(spec.quality);
  return { fit: renderedFit(spec, source), width, height, format: spec.format, quality, redaction };
}

/** What `spec` comes out as from this (displayed) source size, its faces covered so or not: see `variantOutputHash`. */
export function outputHashOf(spec: ImageVariantSpec, source: Size, redaction: FaceRedaction | null = null): string {
  return variantOutputHash(outputPlan(spec, source, redaction));
}

/**
 * `made.redaction`: the face redaction its pixels carry; `made.quality`: the encoder quality a search
 * chose (unset, the spec's own: `fixedQuality`; none for PNG).
 */
export function toVariant(
  spec: ImageVariantSpec,
  source: Size,
  data: Buffer,
  info: OutputInfo,
  made: { redaction?: FaceRedaction | null; quality?: number } = {},
): RenderedVariant {
  const redaction = made.redaction ?? null;
  return {
    spec,
    specHash: variantSpecHash(spec),
    outputHash: outputHashOf(spec, source, redaction),
    redaction,
    data,
    width: info.width,
    // For animations sharp reports the whole frame strip as `height`.
    height: info.pageHeight ?? info.height,
    size: data.length,
    format: spec.format,
    contentType: CONTENT_TYPES[spec.format],
    quality: made.quality ?? (spec.format === 'png' ? null : fixedQuality(spec.quality)),
  };
}
