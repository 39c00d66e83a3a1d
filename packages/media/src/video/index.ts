export { extractPoster } from './poster.js';
export { PROBE_TIMEOUT_MS, probeVideo } from './probe.js';
export { transcodeVideo } from './transcode.js';
export type {
  PosterOptions,
  ProbeVideoOptions,
  TranscodeOptions,
  TranscodeResult,
  VideoLimits,
  VideoProbe,
  VideoRenditionSpec,
} from './types.js';
