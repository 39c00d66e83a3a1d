import { ERRORS } from '@darkroom/core/error-factories';
import type { DisplayedPixels } from '../displayed.js';
import { readLimitArgs } from './declared-bounds.js';
import { ffmpegFailure } from './errors.js';
import { FFMPEG, untrustedInput } from './ffmpeg.js';
import { canToneMap, planFrame, toneMapFilter } from './filters.js';
import { abortError, runProcess } from './run-process.js';
import type { VideoProbe } from './types.js';

/** Frames for the moderation checks unless asked otherwise: the spec's minimum for the classifier. */
export const SAMPLED_FRAMES = 5;
/** The long side of a sampled frame unless asked otherwise: enough for a classifier and a pHash alike. */
export const SAMPLED_LONG_SIDE = 640;
export const SAMPLE_TIMEOUT_MS = 60_000;
/** The share of the duration left out at each end: fades from and to black, titles and credits. */
const EDGE_SHARE = 0.02;
const CHANNELS = 3;

export interface SampleFramesOptions {
  /** How many frames, evenly spread; default `SAMPLED_FRAMES`. */
  count?: number;
  /** Each frame fits this many pixels on its long side (never enlarged); default `SAMPLED_LONG_SIDE`. */
  longSide?: number;
  /** For all the frames together; default `SAMPLE_TIMEOUT_MS`. */
  timeoutMs?: number;
  signal?: AbortSignal | undefined;
}

/** One decoded frame, as an image's `DisplayedPixels`: upright, square pixels, 8-bit sRGB (HDR tone-mapped where this ffmpeg can). */
export interface SampledFrame extends DisplayedPixels {
  /** Where in the video it was taken. */
  seconds: number;
}

/**
 * Frames spread over a probed video for the moderation checks (its pHashes and the classifier):
 * `count` times from 2 % to 98 % of the duration, each one ffmpeg run that seeks (to the keyframe
 * before, then decodes forward: a long video costs no more than a short one) and prints one frame
 * as raw RGB at the planned size. One run per frame rather than one pass with `select`, which would
 * decode the whole video. A time past the last decodable frame (the picture ends before the sound)
 * gives no frame and is passed over (none at all: its first frame is taken); a video that gives
 * none even there is `corrupt_video`.
 */
export async function sampleVideoFrames(path: string, probe: VideoProbe, options: SampleFramesOptions = {}): Promise<SampledFrame[]> {
  const deadline = performance.now() + (options.timeoutMs ?? SAMPLE_TIMEOUT_MS);
  const size = planFrame(
    { fit: 'inside', width: options.longSide ?? SAMPLED_LONG_SIDE, height: options.longSide ?? SAMPLED_LONG_SIDE },
    probe,
  ).output;
  const toneMap = probe.hdr !== null && (await canToneMap()) ? toneMapFilter(probe.hdr) : undefined;
  const filters = [`scale=${size.width}:${size.height}:flags=bicubic`, 'setsar=1', ...(toneMap ? [toneMap] : []), 'format=rgb24'].join(',');
  const grab = async (seconds: number, seek: number): Promise<SampledFrame | undefined> => {
    if (options.signal?.aborted) throw abortError(options.signal);
    const timeoutMs = Math.max(1, deadline - performance.now());
    const bytes = size.width * size.height * CHANNELS;
    const data = await grabRawFrame(path, probe, { seconds: seek, filters, bytes, timeoutMs, signal: options.signal });
    return data ? { data, width: size.width, height: size.height, channels: CHANNELS, seconds } : undefined;
  };
  const frames: SampledFrame[] = [];
  for (const seconds of sampleTimes(probe.durationSeconds, options.count ?? SAMPLED_FRAMES)) {
    const frame = await grab(seconds, seekFor(seconds, probe.fps));
    if (frame) frames.push(frame);
  }
  // A picture far shorter than the sound (a still over a long track) ends before the first sample: its first frame.
  const first = frames.length === 0 ? await grab(0, 0) : undefined;
  if (first) frames.push(first);
  if (frames.length === 0) throw ERRORS.corruptVideo('no frame decoded for the moderation checks');
  return frames;
}

/** `count` times evenly from 2 % to 98 % of the duration (the middle for one), in milliseconds' precision. */
export function sampleTimes(durationSeconds: number, count: number): number[] {
  if (!Number.isInteger(count) || count < 1) throw new RangeError(`count must be a whole number ≥ 1, got ${count}`);
  const start = durationSeconds * EDGE_SHARE;
  const span = durationSeconds * (1 - 2 * EDGE_SHARE);
  const times = Array.from({ length: count }, (_, i) => (count === 1 ? durationSeconds / 2 : start + (span * i) / (count - 1)));
  return times.map((t) => Math.round(t * 1000) / 1000);
}

/**
 * Where to seek for the frame on screen at `seconds`: a frame's span earlier. ffmpeg's `-ss` gives
 * the first frame that starts at or after it, so at 98 % of a short clip it would find none (the
 * last frame started before) although one is on screen there.
 */
function seekFor(seconds: number, fps: number): number {
  return fps > 0 ? Math.max(0, seconds - 1 / fps) : seconds;
}

interface GrabOptions {
  seconds: number;
  /** The -vf chain: to the planned size with square pixels, SDR when needed, then 8-bit RGB. */
  filters: string;
  /** Of one frame as raw RGB: what a frame must come out as, and the most stdout may hold. */
  bytes: number;
  timeoutMs: number;
  signal: AbortSignal | undefined;
}

/** One raw RGB frame at a time, or undefined when none decodes there. ffmpeg applies the rotation itself. */
async function grabRawFrame(path: string, probe: VideoProbe, o: GrabOptions): Promise<Buffer | undefined> {
  const args = [
    ...['-hide_banner', '-nostdin', '-v', 'error', '-threads', '1', '-ss', o.seconds.toFixed(3)],
    ...readLimitArgs(probe, undefined, o.seconds),
    ...untrustedInput(path),
    ...['-map', `0:${probe.videoStreamIndex}`, '-an', '-sn', '-dn', '-map_metadata', '-1'],
    ...['-frames:v', '1', '-vf', o.filters, '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1'],
  ];
  const result = await runProcess(FFMPEG, args, { timeoutMs: o.timeoutMs, signal: o.signal, maxStdoutBytes: o.bytes });
  if (result.timedOut || result.overflowed || result.exitCode !== 0) {
    throw ffmpegFailure(result, o.timeoutMs, `ffmpeg sampled frame at ${o.seconds} s`);
  }
  if (result.stdout.length === 0) return undefined;
  if (result.stdout.length !== o.bytes) throw ERRORS.corruptVideo(`a sampled frame came out ${result.stdout.length} bytes, not ${o.bytes}`);
  return result.stdout;
}
