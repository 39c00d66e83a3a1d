export { extractPoster } from './poster.js';
export { SAMPLED_FRAMES, SAMPLED_LONG_SIDE, sampleVideoFrames, type SampledFrame, type SampleFramesOptions } from './frames.js';
export { HLS_CONTENT_TYPES, remuxRung, renderHlsLadder } from './hls.js';
export {
  CHUNK_CONTENT_TYPE,
  halveHlsChunks,
  lowestRung,
  planHlsChunks,
  renderHlsAudio,
  renderHlsChunk,
  type HlsChunk,
  type HlsChunkOptions,
} from './hls-chunks.js';
export { joinHlsLadder, type HlsLadderParts } from './hls-join.js';
export { MAX_PIECE_LEAD, piecesDecodeNearTheirRange, seekLandings } from './piece-seeks.js';
export { HLS_RUNG_LINES, HLS_SEGMENT_SECONDS, planHlsLadder, type HlsRungPlan } from './hls-plan.js';
export { planFrame } from './filters.js';
export { PROBE_TIMEOUT_MS, probeVideo } from './probe.js';
export { PROGRESS_INTERVAL_MS } from './progress.js';
export { renderStoryboard, type StoryboardOptions, type StoryboardResult } from './storyboard.js';
export { transcodeVideo } from './transcode.js';
export type {
  HlsFile,
  HlsLadderOptions,
  HlsLadderResult,
  HlsLadderSpec,
  HlsRung,
  PosterOptions,
  ProbeVideoOptions,
  TranscodeOptions,
  TranscodeResult,
  VideoLimits,
  VideoProbe,
  VideoRenditionSpec,
} from './types.js';
