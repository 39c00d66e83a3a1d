import { readLimitArgs } from './declared-bounds.js';
import { NO_ORIGINAL_METADATA, untrustedInput } from './ffmpeg.js';
import type { VideoFilterPlan } from './filters.js';
import type { VideoProbe, VideoRenditionSpec } from './types.js';

/**
 * CRF ranges quality 1..100 maps onto, linearly (higher quality, lower CRF). H.264: 100 → 18
 * (visually lossless), 80 → 22 (about x264's default 23), 1 → 40. VP9's scale is wider (0..63):
 * 100 → 24, 80 → 30 (near the 31 Google suggests for 1080p), 1 → 52.
 */
export const CRF_RANGE = { mp4: { best: 18, worst: 40 }, webm: { best: 24, worst: 52 } } as const;

export function crfFor(format: VideoRenditionSpec['format'], quality: number): number {
  const { best, worst } = CRF_RANGE[format];
  const q = Math.min(100, Math.max(1, Math.round(quality)));
  return Math.round(worst - ((q - 1) * (worst - best)) / 99);
}

/** Phones film at 120–240 fps for slow motion; the web gets at most this. */
export const MAX_OUTPUT_FPS = 60;

/**
 * How every video output is timed: each frame keeps its own time (`-fps_mode vfr`), at most
 * MAX_OUTPUT_FPS (`-fpsmax`: a frame due before the next 1/60 s tick is dropped), and none is ever
 * repeated. A constant rate, MP4's and HLS's default, repeats the last frame until the next one
 * comes, so a file of a few frames far apart cost as many frames as its duration at the source's
 * claimed rate; segments need no constant rate, only the same frames in every rung (one decode,
 * split) and a keyframe at each boundary, which falls on the first frame at or past it.
 */
export const FRAME_TIMING_ARGS = ['-fps_mode', 'vfr', '-fpsmax', `${MAX_OUTPUT_FPS}`] as const;

/**
 * For a source over MAX_OUTPUT_FPS, the filters that cap it (after any `trim`): the first frame of
 * each 1/60 s tick of the source's timeline, retimed onto that tick as `fps=60` would, and nothing
 * else. Each frame's tick is its own time's (a twentieth of a tick early still counts, for
 * millisecond timestamps), so a chunk keeps the frames a whole pass keeps; and it only drops, where
 * `fps=60` fills every tick and repeats a frame across each of a sparse file's gaps.
 */
export function rateCapFilter(probe: Pick<VideoProbe, 'fps'>): string | null {
  if (!(probe.fps > MAX_OUTPUT_FPS)) return null;
  const tick = (seconds: string) => `floor(${seconds}*${MAX_OUTPUT_FPS}+0.05)`;
  return `select=isnan(prev_selected_t)+gt(${tick('t')}\\,${tick('prev_selected_t')}),setpts=${tick('T')}/${MAX_OUTPUT_FPS}/TB`;
}

/**
 * x264's `veryfast`: on a small shared machine the slower presets cost several times the CPU for
 * files only somewhat smaller. libvpx `good` at cpu-used 4 with row-mt is its usual speed/size balance.
 */
export const ENCODERS = {
  mp4: (crf: number, threads: number) => [
    '-c:v',
    'libx264',
    '-preset',
    'veryfast',
    '-profile:v',
    'high',
    '-pix_fmt',
    'yuv420p',
    '-crf',
    `${crf}`,
    '-x264-params',
    `threads=${threads}:lookahead-threads=1`,
  ],
  webm: (crf: number, threads: number) => [
    '-c:v',
    'libvpx-vp9',
    '-b:v',
    '0',
    '-crf',
    `${crf}`,
    '-deadline',
    'good',
    '-cpu-used',
    '4',
    '-row-mt',
    '1',
    '-tile-columns',
    `${threads > 1 ? 1 : 0}`,
    '-pix_fmt',
    'yuv420p',
  ],
} as const;

export const AUDIO = {
  mp4: ['-c:a', 'aac', '-b:a', '128k', '-ac', '2'],
  webm: ['-c:a', 'libopus', '-b:a', '96k', '-ac', '2'],
} as const;

const MUXER = {
  mp4: ['-f', 'mp4', '-movflags', '+faststart'],
  webm: ['-f', 'webm'],
} as const;

export const CONTENT_TYPES = { mp4: 'video/mp4', webm: 'video/webm' } as const;

/** The output's length: the whole video, or the preview clip `maxDuration` asks for (the read stops there or at `readEndSeconds`). */
export function outputDuration(probe: VideoProbe, spec: VideoRenditionSpec): number {
  return spec.maxDuration !== undefined && spec.maxDuration > 0 ? Math.min(probe.durationSeconds, spec.maxDuration) : probe.durationSeconds;
}

export interface TranscodeArgsInput {
  input: string;
  output: string;
  probe: VideoProbe;
  spec: VideoRenditionSpec;
  plan: VideoFilterPlan;
  threads: number;
}

/**
 * The ffmpeg command line for one rendition. Only the chosen video (and audio) stream is mapped;
 * `-map_metadata -1` and `-map_chapters -1` drop the container's tags (titles, GPS in ©xyz or
 * com.apple.quicktime.location.ISO6709, creation dates), and subtitles and data tracks stay behind.
 */
export function transcodeArgs({ input, output, probe, spec, plan, threads }: TranscodeArgsInput): string[] {
  const withAudio = spec.audio !== false && probe.audio && probe.audioStreamIndex !== null;
  const duration = outputDuration(probe, spec);
  return [
    '-hide_banner',
    '-nostdin',
    '-v',
    'error',
    '-nostats',
    '-progress',
    'pipe:1',
    '-threads',
    `${threads}`,
    ...untrustedInput(input),
    '-map',
    `0:${probe.videoStreamIndex}`,
    ...(withAudio ? ['-map', `0:${probe.audioStreamIndex}`] : ['-an']),
    ...NO_ORIGINAL_METADATA,
    ...(duration < probe.durationSeconds ? ['-t', duration.toFixed(3)] : readLimitArgs(probe)),
    '-vf',
    [rateCapFilter(probe), plan.filter].filter(Boolean).join(','),
    '-filter_threads',
    `${threads}`,
    ...FRAME_TIMING_ARGS,
    ...(plan.toneMapped ? ['-color_primaries', 'bt709', '-color_trc', 'bt709', '-colorspace', 'bt709', '-color_range', 'tv'] : []),
    ...ENCODERS[spec.format](crfFor(spec.format, spec.quality), threads),
    '-threads',
    `${threads}`,
    ...(withAudio ? AUDIO[spec.format] : []),
    '-max_muxing_queue_size',
    '1024',
    ...MUXER[spec.format],
    '-y',
    output,
  ];
}
