export { analyseAudio, type AnalyseOptions, type AudioAnalysis } from './analyse.js';
export { COVER_TIMEOUT_MS, extractCoverArt, type CoverArtOptions } from './cover.js';
export type { LoudnessMeasure } from './loudness.js';
export { AUDIO_HEAD_BYTES, AUDIO_PROBE_TIMEOUT_MS, probeAudio, type AudioSource, type ProbeAudioOptions } from './probe.js';
export { isAcceptedAudioCodec, type AudioProbe } from './probe-parse.js';
export { renderAudioRendition } from './rendition.js';
export { AUDIO_CONTENT_TYPES } from './rendition-args.js';
export type { AudioRenderOptions, AudioRenditionResult, AudioRenditionSpec, AudioStreamFacts } from './types.js';
export { samplesPerPixel, type WaveformJson } from './waveform.js';
