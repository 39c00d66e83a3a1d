export { configureSharp, type SharpSettings } from './configure.js';
export { decodeSize, variantSize, type Size } from './geometry.js';
export { PLACEHOLDER_BOX, averageColor, computePlaceholder } from './placeholder.js';
export { processImageFile, type ProcessedImage } from './process-image.js';
export { probeImage } from './probe.js';
export { renderImage, renderVariants, type RenderResult } from './render.js';
export type {
  ImageFormat,
  ImageProbe,
  Placeholder,
  RawImage,
  RenderOptions,
  RenderedVariant,
  SafetyOptions,
} from './types.js';
