import { NO_ORIGINAL_METADATA, untrustedInput } from './ffmpeg.js';
import type { VideoFilterPlan } from './filters.js';
import { AUDIO, crfFor, ENCODERS, MAX_OUTPUT_FPS } from './transcode-args.js';
import type { HlsLadderSpec, VideoProbe } from './types.js';

/** The files ffmpeg writes for rung `%v` (its index): the names its playlists use, all in one directory. */
export const HLS_NAMES = {
  playlist: (rung: number | '%v') => `r${rung}.m3u8`,
  init: (rung: number | '%v') => `r${rung}-init.mp4`,
  segment: (rung: number | '%v') => `r${rung}-%05d.m4s`,
} as const;

export interface HlsArgsInput {
  input: string;
  /** The directory the ladder is written into (absolute). */
  dir: string;
  probe: VideoProbe;
  spec: HlsLadderSpec;
  /** One filter chain per rung, highest first (`videoFilter` of the rung's size: what a rendition of that size gets). */
  plans: readonly VideoFilterPlan[];
  threads: number;
}

/**
 * One ffmpeg for the whole ladder: the original is decoded once, split, and each rung scaled and
 * encoded as a rendition of its size would be (the same filters, H.264 settings and CRF), in fMP4
 * segments by the HLS muxer. Keyframes are forced at every segment boundary (`n × segmentSeconds`),
 * and the muxer cuts at the first keyframe past each boundary, so every rung's segments start at
 * the same times. Metadata and chapters of the original are dropped, as for a rendition.
 */
export function hlsArgs({ input, dir, probe, spec, plans, threads }: HlsArgsInput): string[] {
  const withAudio = ladderHasAudio(probe, spec);
  const split = plans.length > 1 ? `split=${plans.length}${plans.map((_, i) => `[s${i}]`).join('')};` : 'null[s0];';
  const graph = `[0:${probe.videoStreamIndex}]${split}${plans.map((p, i) => `[s${i}]${p.filter}[v${i}]`).join(';')}`;
  const maps = plans.flatMap((_, i) => ['-map', `[v${i}]`, ...(withAudio ? ['-map', `0:${probe.audioStreamIndex}`] : [])]);
  const streamMap = plans.map((_, i) => (withAudio ? `v:${i},a:${i}` : `v:${i}`)).join(' ');
  // ffmpeg fills in `%v` only when the stream map names more than one variant.
  const v = plans.length > 1 ? '%v' : 0;
  return [
    ...['-hide_banner', '-nostdin', '-v', 'error', '-nostats', '-progress', 'pipe:1', '-threads', `${threads}`],
    ...untrustedInput(input),
    ...['-filter_complex', graph, '-filter_complex_threads', `${threads}`, ...maps],
    ...(withAudio ? [] : ['-an']),
    ...NO_ORIGINAL_METADATA,
    ...rungEncoderArgs(spec, plans, threads),
    ...['-force_key_frames:v', `expr:gte(t,n_forced*${spec.segmentSeconds})`],
    ...(withAudio ? AUDIO.mp4 : []),
    ...hlsMuxerArgs(dir, spec.segmentSeconds, v),
    ...(plans.length > 1 ? ['-var_stream_map', streamMap] : []),
    ...['-y', `file:${dir}/${HLS_NAMES.playlist(v)}`],
  ];
}

/** Whether a ladder of the video carries audio: the video has a decodable track and the spec keeps it. */
export function ladderHasAudio(probe: VideoProbe, spec: HlsLadderSpec): boolean {
  return spec.audio !== false && probe.audio && probe.audioStreamIndex !== null;
}

/** How every rung's video is encoded, in one process or in chunks: a rendition's H.264 settings at the spec's quality. */
export function rungEncoderArgs(spec: HlsLadderSpec, plans: readonly VideoFilterPlan[], threads: number): string[] {
  const toneMapped = plans.some((p) => p.toneMapped);
  return [
    ...['-fpsmax', `${MAX_OUTPUT_FPS}`],
    ...(toneMapped ? ['-color_primaries', 'bt709', '-color_trc', 'bt709', '-colorspace', 'bt709', '-color_range', 'tv'] : []),
    ...ENCODERS.mp4(crfFor('mp4', spec.quality), threads),
  ];
}

/**
 * The HLS muxer's options (before the media playlist's name): fMP4 segments of `segmentSeconds`,
 * cut at the first keyframe past each boundary, named after rung `v` (`HLS_NAMES`).
 */
export function hlsMuxerArgs(dir: string, segmentSeconds: number, v: number | '%v'): string[] {
  return [
    ...['-max_muxing_queue_size', '1024', '-f', 'hls', '-hls_time', `${segmentSeconds}`, '-hls_playlist_type', 'vod'],
    ...['-hls_segment_type', 'fmp4', '-hls_flags', 'independent_segments', '-hls_fmp4_init_filename', HLS_NAMES.init(v)],
    ...['-hls_segment_filename', `file:${dir}/${HLS_NAMES.segment(v)}`],
  ];
}
