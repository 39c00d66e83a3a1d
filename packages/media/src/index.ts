export {
  analyseAudio,
  AUDIO_CONTENT_TYPES,
  AUDIO_HEAD_BYTES,
  AUDIO_PROBE_TIMEOUT_MS,
  coverArtPixels,
  extractCoverArt,
  isAcceptedAudioCodec,
  probeAudio,
  renderAudioRendition,
  samplesPerPixel,
  type AnalyseOptions,
  type AudioAnalysis,
  type AudioProbe,
  type AudioRenderOptions,
  type AudioRenditionResult,
  type AudioRenditionSpec,
  type AudioSource,
  type AudioStreamFacts,
  type CoverArtOptions,
  type CoverPixelsOptions,
  type LoudnessMeasure,
  type ProbeAudioOptions,
  type WaveformJson,
} from './audio/index.js';
export {
  CLASSIFIER_CLASSES,
  CLASSIFIER_INPUT_SIZE,
  ClassifierUnavailableError,
  detectFaces,
  detectFacesInInput,
  detectFacesOfFile,
  EXPLICIT_CLASSES,
  explicitScore,
  explicitScoreOfFile,
  explicitScoreOfFrames,
  FACE_INPUT_LONG_SIDE,
  FACE_MIN_CONFIDENCE,
  faceInputOfFile,
  loadExplicitClassifier,
  loadFaceDetector,
  loadTfRuntime,
  type ClassifierFileOptions,
  type ClassifierPixels,
  type ExplicitClassifier,
  type ExplicitScore,
  type FaceDetector,
  type FaceInput,
  type FaceSearchOptions,
  type TfRuntime,
} from './classifier/index.js';
export { ALLOWED_LOADERS, configureSharp, restrictLoaders, type SharpSettings } from './configure.js';
export {
  deliverySourceFacts,
  renderOnRequest,
  type DeliverOptions,
  type DeliveredImage,
  type DeliveryRender,
  type DeliverySourceFacts,
} from './deliver.js';
export { deliverySize, type DeliveryBox } from './delivery-size.js';
export { anyFaceInCrop, FACE_CROP_MARGIN, faceCropRegion, type FaceCropRequest } from './face-crop.js';
export { FACE_REDACTION_PADDING, MIN_FACE_EFFECT_FRACTION, faceEffectStrength } from './face-redaction.js';
export { coverRegion, cropRegion, decodeSize, focusWithin, variantSize, type Point, type Region, type Size } from './geometry.js';
export { frameOf, renderedCrop, type Frame } from './framing.js';
export { displayedPixels, type DisplayedOptions, type DisplayedPixels } from './displayed.js';
export { hammingDistance, perceptualHash, perceptualHashOfFile, type FileHashOptions, type HashablePixels } from './phash.js';
export { PLACEHOLDER_BOX, averageColor, computePlaceholder } from './placeholder.js';
export { processImageFile, type ProcessedImage, type ProcessOptions } from './process-image.js';
export { previewImage, type PreviewOptions } from './preview.js';
export { probeImage } from './probe.js';
export { releaseBuffer } from './release.js';
export { createRenderGate, RenderGateBusyError, type AcquireOptions, type RenderGate, type RenderGateLimits } from './render-gate.js';
export { renderImage, renderVariants, type RenderResult } from './render.js';
export type {
  ImageFormat,
  DecodeAdmission,
  ImageInput,
  Framing,
  ImageProbe,
  Placeholder,
  RawImage,
  RenderOptions,
  RenderedVariant,
  SafetyOptions,
  VariantRedaction,
} from './types.js';
export {
  CHUNK_CONTENT_TYPE,
  extractPoster,
  halveHlsChunks,
  HLS_CONTENT_TYPES,
  HLS_RUNG_LINES,
  HLS_SEGMENT_SECONDS,
  planFrame,
  joinHlsLadder,
  lowestRung,
  MAX_PIECE_LEAD,
  piecesDecodeNearTheirRange,
  planHlsChunks,
  planHlsLadder,
  remuxRung,
  renderHlsAudio,
  renderHlsChunk,
  renderHlsLadder,
  PROBE_TIMEOUT_MS,
  PROGRESS_INTERVAL_MS,
  probeVideo,
  renderStoryboard,
  SAMPLED_FRAMES,
  SAMPLED_LONG_SIDE,
  sampleVideoFrames,
  seekLandings,
  transcodeVideo,
  type HlsChunk,
  type HlsChunkOptions,
  type HlsFile,
  type HlsLadderOptions,
  type HlsLadderParts,
  type HlsLadderResult,
  type HlsLadderSpec,
  type HlsRung,
  type HlsRungPlan,
  type SampledFrame,
  type SampleFramesOptions,
  type PosterOptions,
  type ProbeVideoOptions,
  type StoryboardOptions,
  type StoryboardResult,
  type TranscodeOptions,
  type TranscodeResult,
  type VideoLimits,
  type VideoProbe,
  type VideoRenditionSpec,
} from './video/index.js';
export {
  AUTO_QUALITY_TARGETS,
  encodeAutoQuality,
  MAX_PROBE_ENCODES,
  type AutoQualityFormat,
  type AutoQualityLevel,
  type AutoQualityResult,
} from './auto-quality.js';
export { looksLikeGraphics } from './graphics.js';
export { perceptualDistance, type RawPixels } from './perceptual.js';
