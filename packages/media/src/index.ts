export { ALLOWED_LOADERS, configureSharp, restrictLoaders, type SharpSettings } from './configure.js';
export { coverRegion, cropRegion, decodeSize, focusWithin, variantSize, type Point, type Region, type Size } from './geometry.js';
export { PLACEHOLDER_BOX, averageColor, computePlaceholder } from './placeholder.js';
export { processImageFile, type ProcessedImage } from './process-image.js';
export { previewImage, type PreviewOptions } from './preview.js';
export { probeImage } from './probe.js';
export { renderImage, renderVariants, type RenderResult } from './render.js';
export { DEFAULT_MAX_INPUT_PIXELS } from './types.js';
export type {
  ImageFormat,
  ImageInput,
  ImageProbe,
  Placeholder,
  RawImage,
  RenderOptions,
  RenderedVariant,
  SafetyOptions,
} from './types.js';
export {
  extractPoster,
  isVideoError,
  PROBE_TIMEOUT_MS,
  probeVideo,
  transcodeVideo,
  VideoError,
  type PosterOptions,
  type ProbeVideoOptions,
  type TranscodeOptions,
  type TranscodeResult,
  type VideoErrorCode,
  type VideoLimits,
  type VideoProbe,
  type VideoRenditionSpec,
} from './video/index.js';
