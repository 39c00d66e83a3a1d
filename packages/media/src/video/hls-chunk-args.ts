import { ffmpegSeconds as seconds, readEndSeconds, readLimitArgs } from './declared-bounds.js';
import { NO_ORIGINAL_METADATA, untrustedSource } from './ffmpeg.js';
import type { VideoFilterPlan } from './filters.js';
import { HLS_NAMES, hlsMuxerArgs, rungEncoderArgs } from './hls-args.js';
import { AUDIO, rateCapFilter } from './transcode-args.js';
import type { HlsLadderSpec, VideoProbe } from './types.js';

/** One chunk of a video: [startSeconds, endSeconds) of its timeline, boundaries on multiples of the segment length. */
export interface HlsChunk {
  index: number;
  startSeconds: number;
  endSeconds: number;
}

/**
 * What a chunk's timestamps are shifted by in its MPEG-TS files. The files keep the source's
 * timeline (so they join by concatenation), and MPEG-TS has no negative timestamps: the first
 * chunk's B-frames decode before 0. The shift outlasts the encoder's reorder delay at any frame rate.
 */
export const CHUNK_TS_OFFSET_SECONDS = 10;

/** The file a chunk's rung is written to, and what the join reads. */
export const chunkFileName = (chunk: number, rung: number): string => `chunk-${chunk}-r${rung}.ts`;

/** The whole file's audio, encoded once. */
export const AUDIO_FILE_NAME = 'audio.m4a';

/** Demuxers the join reads its own audio file with. */
const AUDIO_FILE_DEMUXERS = 'mov,mp4,m4a,3gp,3g2,mj2';

/** The segment boundaries inside a chunk, its start included: where every rung gets a keyframe. */
export function chunkKeyframeTimes(chunk: HlsChunk, segmentSeconds: number): number[] {
  const times: number[] = [];
  for (let k = 0; chunk.startSeconds + k * segmentSeconds < chunk.endSeconds; k++) times.push(chunk.startSeconds + k * segmentSeconds);
  return times;
}

export interface ChunkArgsInput {
  input: string;
  dir: string;
  probe: VideoProbe;
  spec: HlsLadderSpec;
  chunk: HlsChunk;
  /** The rungs to encode (indices into the ladder) with their filter chains. */
  rungs: readonly { index: number; plan: VideoFilterPlan }[];
  threads: number;
}

/**
 * One ffmpeg for a chunk's rungs. Timestamps stay on the source's timeline (`-copyts`, from the
 * file's start as a single render counts them), the input is sought to the keyframe before the
 * chunk (`-ss`: only that part is read) and `trim` keeps exactly the frames in [start, end), so
 * neighbouring chunks share no frame and miss none; the last chunk's end is the declared duration
 * plus a segment (`readEndSeconds`), where its read stops. The frames are decoded once and split into
 * the rungs, each encoded as the single render encodes it, with a keyframe at every segment
 * boundary (absolute times, not counted from the chunk), into MPEG-TS, whose per-packet
 * timestamps let the join concatenate the chunks as they are.
 */
export function chunkArgs({ input, dir, probe, spec, chunk, rungs, threads }: ChunkArgsInput): string[] {
  const last = chunk.endSeconds >= probe.durationSeconds;
  const end = last ? readEndSeconds(probe, spec.segmentSeconds) : chunk.endSeconds;
  const trim = `trim=start=${seconds(chunk.startSeconds)}:end=${seconds(end)}`;
  const cap = rateCapFilter(probe);
  const capped = cap ? `${trim},${cap}` : trim;
  const split = rungs.length > 1 ? `,split=${rungs.length}${rungs.map((_, i) => `[s${i}]`).join('')}` : '[s0]';
  const graph = `[0:${probe.videoStreamIndex}]${capped}${split};${rungs.map((r, i) => `[s${i}]${r.plan.filter}[v${i}]`).join(';')}`;
  const keyframes = chunkKeyframeTimes(chunk, spec.segmentSeconds).map(seconds).join(',');
  const plans = rungs.map((r) => r.plan);
  const outputs = rungs.flatMap((rung, i) => [
    ...['-map', `[v${i}]`, '-an', ...NO_ORIGINAL_METADATA],
    ...rungEncoderArgs(spec, plans, threads),
    ...['-force_key_frames:v', keyframes],
    ...['-avoid_negative_ts', 'disabled', '-output_ts_offset', `${CHUNK_TS_OFFSET_SECONDS}`, '-muxdelay', '0', '-muxpreload', '0'],
    ...['-max_muxing_queue_size', '1024', '-f', 'mpegts', '-y', `file:${dir}/${chunkFileName(chunk.index, rung.index)}`],
  ]);
  return [
    ...['-hide_banner', '-nostdin', '-v', 'error', '-nostats', '-progress', 'pipe:1', '-threads', `${threads}`],
    ...['-copyts', '-start_at_zero', '-ss', seconds(chunk.startSeconds), ...untrustedSource(input)],
    ...['-filter_complex', graph, '-filter_complex_threads', `${threads}`],
    ...outputs,
  ];
}

/**
 * The whole file's audio as the single render encodes it, on the same timeline as the chunks
 * (`-copyts`), read up to the declared duration plus a segment.
 */
export function audioArgs(input: string, dir: string, probe: VideoProbe, segmentSeconds: number): string[] {
  return [
    ...['-hide_banner', '-nostdin', '-v', 'error', '-nostats', '-threads', '1'],
    ...['-copyts', '-start_at_zero', ...readLimitArgs(probe, segmentSeconds), ...untrustedSource(input)],
    ...['-map', `0:${probe.audioStreamIndex}`, '-vn', ...NO_ORIGINAL_METADATA, ...AUDIO.mp4],
    ...['-f', 'mp4', '-y', `file:${dir}/${AUDIO_FILE_NAME}`],
  ];
}

/**
 * One rung joined: its chunks' files read as one stream (`concat:`, in order: their timestamps
 * already run on), the audio file beside it, both copied into the HLS muxer exactly as a single
 * render's muxer is set up, under the rung's names. `-copyts` keeps both on the source's timeline,
 * and `-t` ends the output at `readEndSeconds` on it: the parts were cut there already, this holds it.
 */
export function joinArgs(
  dir: string,
  probe: VideoProbe,
  segmentSeconds: number,
  rung: number,
  chunkFiles: readonly string[],
  audio: string | null,
): string[] {
  return [
    ...['-hide_banner', '-nostdin', '-v', 'error', '-nostats', '-copyts'],
    ...['-itsoffset', `-${CHUNK_TS_OFFSET_SECONDS}`, '-format_whitelist', 'mpegts', '-protocol_whitelist', 'concat,file', '-f', 'mpegts'],
    ...['-i', `concat:${chunkFiles.join('|')}`],
    ...(audio ? ['-format_whitelist', AUDIO_FILE_DEMUXERS, '-protocol_whitelist', 'file', '-i', `file:${audio}`] : []),
    ...['-map', '0:v:0', ...(audio ? ['-map', '1:a:0'] : []), '-c', 'copy', ...NO_ORIGINAL_METADATA],
    ...readLimitArgs(probe, segmentSeconds),
    ...hlsMuxerArgs(dir, segmentSeconds, rung),
    ...['-y', `file:${dir}/${HLS_NAMES.playlist(rung)}`],
  ];
}
