export { extractPoster } from './poster.js';
export { PROBE_TIMEOUT_MS, probeVideo } from './probe.js';
export { PROGRESS_INTERVAL_MS } from './progress.js';
export { renderStoryboard, type StoryboardOptions, type StoryboardResult } from './storyboard.js';
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
