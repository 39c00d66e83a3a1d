import type { AudioProbe } from './probe-parse.js';

/** What a render needs to know of an audio original: its probe's facts about the stream it reads (the first audio stream). */
export type AudioStreamFacts = Pick<AudioProbe, 'durationSeconds' | 'sampleRate' | 'channels'>;

/** One audio rendition: `m4a` (AAC in MP4), `mp3`, `opus` (Opus in Ogg). */
export interface AudioRenditionSpec {
  format: 'm4a' | 'mp3' | 'opus';
  /** kbit/s. */
  bitrate: number;
  /** LUFS to normalise to (two-pass, true peak at most -1 dBTP); undefined keeps the level. */
  loudness?: number | undefined;
}

export interface AudioRenderOptions {
  /** Where the rendition goes; written beside it under a temporary name, renamed here on success. */
  outputPath: string;
  timeoutMs: number;
  signal?: AbortSignal | undefined;
  /** 0..1 of the duration; at most once a second, never backwards. */
  onProgress?: ((fraction: number) => void) | undefined;
}

export interface AudioRenditionResult {
  path: string;
  durationSeconds: number;
  /** Bytes. */
  size: number;
  contentType: string;
  sampleRate: number;
  channels: number;
}
