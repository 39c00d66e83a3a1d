import { NO_ORIGINAL_METADATA } from '../video/ffmpeg.js';
import { boundedAudioInput } from './input.js';
import { normaliseFilters, type LoudnessMeasure } from './loudness.js';
import type { AudioRenditionSpec, AudioStreamFacts } from './types.js';

export const AUDIO_CONTENT_TYPES: Record<AudioRenditionSpec['format'], string> = {
  m4a: 'audio/mp4',
  mp3: 'audio/mpeg',
  opus: 'audio/ogg',
};

/**
 * Encoder and muxer per format. `-fflags`/`-flags +bitexact` keep the encoder's version string out;
 * an MP3 gets no ID3 tag at all (`-id3v2_version 0`), only its Xing/Info header (the duration).
 */
const FORMAT_ARGS: Record<AudioRenditionSpec['format'], string[]> = {
  m4a: ['-c:a', 'aac', '-f', 'ipod', '-movflags', '+faststart'],
  mp3: ['-c:a', 'libmp3lame', '-id3v2_version', '0', '-write_id3v1', '0', '-f', 'mp3'],
  opus: ['-c:a', 'libopus', '-f', 'ogg'],
};

/** Sample rates each encoder is given: Opus runs at 48 kHz; AAC and MP3 keep 32, 44.1 or 48 kHz, anything else becomes the nearest of 44.1/48. */
export function outputSampleRate(format: AudioRenditionSpec['format'], sourceRate: number): number {
  if (format === 'opus') return 48_000;
  if ([32_000, 44_100, 48_000].includes(sourceRate)) return sourceRate;
  return sourceRate > 44_100 ? 48_000 : 44_100;
}

/** Mono stays mono; anything wider is mixed down to stereo. */
export const outputChannels = (source: AudioStreamFacts) => Math.min(2, Math.max(1, source.channels));

/**
 * Filters before loudnorm, in both passes: more than two channels are mixed down to stereo first, so
 * what is measured is what the renditions carry.
 */
export const mixdown = (source: AudioStreamFacts): string[] => (source.channels > 2 ? ['aformat=channel_layouts=stereo'] : []);

export interface RenditionArgs {
  input: string;
  /** `file:` path of the partial output. */
  output: string;
  source: AudioStreamFacts;
  spec: AudioRenditionSpec;
  /** The first pass's measure; null (silence) or no `spec.loudness`: the level is kept. */
  measure: LoudnessMeasure | null;
}

/**
 * ffmpeg's arguments for one rendition: the first audio stream only (never the cover art, a
 * subtitle or data stream), no metadata or chapters of the original, normalised when asked.
 */
export function renditionArgs({ input, output, source, spec, measure }: RenditionArgs): string[] {
  const rate = outputSampleRate(spec.format, source.sampleRate);
  const normalise = spec.loudness !== undefined && measure ? normaliseFilters(spec.loudness, measure, rate) : [];
  const filters = [...mixdown(source), ...normalise];
  return [
    '-hide_banner',
    '-nostdin',
    '-nostats',
    '-v',
    'error',
    '-progress',
    'pipe:1',
    ...boundedAudioInput(input, source),
    '-map',
    '0:a:0',
    '-vn',
    ...NO_ORIGINAL_METADATA,
    '-fflags',
    '+bitexact',
    '-flags:a',
    '+bitexact',
    ...(filters.length > 0 ? ['-af', filters.join(',')] : []),
    '-ar',
    `${rate}`,
    '-ac',
    `${outputChannels(source)}`,
    '-b:a',
    `${spec.bitrate}k`,
    ...FORMAT_ARGS[spec.format],
    '-y',
    output,
  ];
}
