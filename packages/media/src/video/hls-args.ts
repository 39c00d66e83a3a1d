import { readLimitArgs } from './declared-bounds.js';
import { NO_ORIGINAL_METADATA, untrustedInput } from './ffmpeg.js';
import type { VideoFilterPlan } from './filters.js';
import { AUDIO, crfFor, ENCODERS, FRAME_TIMING_ARGS, rateCapFilter } from './transcode-args.js';
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
 * the same times. Metadata and chapters of the original are dropped, as for a rendition. The input
 * is read up to its declared duration plus a segment (`readLimitArgs`).
 */
export function hlsArgs({ input, dir, probe, spec, plans, threads }: HlsArgsInput): string[] {
  const withAudio = ladderHasAudio(probe, spec);
  const split = plans.length > 1 ? `split=${plans.length}${plans.map((_, i) => `[s${i}]`).join('')};` : 'null[s0];';
  const cap = rateCapFilter(probe);
  const graph = `[0:${probe.videoStreamIndex}]${cap ? `${cap},` : ''}${split}${plans.map((p, i) => `[s${i}]${p.filter}[v${i}]`).join(';')}`;
  const maps = plans.flatMap((_, i) => ['-map', `[v${i}]`, ...(withAudio ? ['-map', `0:${probe.audioStreamIndex}`] : [])]);
  const streamMap = plans.map((_, i) => (withAudio ? `v:${i},a:${i}` : `v:${i}`)).join(' ');
  // ffmpeg fills in `%v` only when the stream map names more than one variant.
  const v = plans.length > 1 ? '%v' : 0;
  return [
    ...['-hide_banner', '-nostdin', '-v', 'error', '-nostats', '-progress', 'pipe:1', '-threads', `${threads}`],
    ...readLimitArgs(probe, spec.segmentSeconds),
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

/** How every rung's video is encoded, in one process or in chunks: a rendition's timing and H.264 settings at the spec's quality. */
export function rungEncoderArgs(spec: HlsLadderSpec, plans: readonly VideoFilterPlan[], threads: number): string[] {
  const toneMapped = plans.some((p) => p.toneMapped);
  return [
    ...FRAME_TIMING_ARGS,
    ...(toneMapped ? ['-color_primaries', 'bt709', '-color_trc', 'bt709', '-colorspace', 'bt709', '-color_range', 'tv'] : []),
    ...ENCODERS.mp4(crfFor('mp4', spec.quality), threads),
  ];
}

/**
 * Each video sample lasts until the next one is decoded (`setts`: the next packet's decode time less
 * its own; the last keeps its own), as a fragmented MP4 needs: a fragment's last sample otherwise
 * keeps the duration the source gave its frame (none, from MPEG-TS chunks; a Matroska track's
 * claimed default), and every later fragment starts early by what is missing. Frames keep their own
 * times (`FRAME_TIMING_ARGS`), so a frame before a gap lasts the gap.
 */
// Both times named: left to its default, ffmpeg 5.1's setts gives every packet its decode time as its presentation time.
const SAMPLE_DURATIONS = ['-bsf:v', 'setts=pts=PTS:dts=DTS:duration=if(eq(NEXT_DTS\\,NOPTS)\\,DURATION\\,NEXT_DTS-DTS)'];

/**
 * The HLS muxer's options (before the media playlist's name): fMP4 segments of `segmentSeconds`,
 * cut at the first keyframe past each boundary, named after rung `v` (`HLS_NAMES`), each sample
 * lasting until the next (`SAMPLE_DURATIONS`).
 */
export function hlsMuxerArgs(dir: string, segmentSeconds: number, v: number | '%v'): string[] {
  return [
    ...SAMPLE_DURATIONS,
    ...['-max_muxing_queue_size', '1024', '-f', 'hls', '-hls_time', `${segmentSeconds}`, '-hls_playlist_type', 'vod'],
    ...['-hls_segment_type', 'fmp4', '-hls_flags', 'independent_segments', '-hls_fmp4_init_filename', HLS_NAMES.init(v)],
    ...['-hls_segment_filename', `file:${dir}/${HLS_NAMES.segment(v)}`],
  ];
}
