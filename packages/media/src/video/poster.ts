import sharp from 'sharp';
import { readLimitArgs } from './declared-bounds.js';
import { ffmpegFailure } from './errors.js';
import { FFMPEG, untrustedInput } from './ffmpeg.js';
import { canToneMap, toneMapFilter, uprightStoredSize } from './filters.js';
import { abortError, runProcess } from './run-process.js';
import type { PosterOptions, VideoProbe } from './types.js';
import { MiB } from '@darkroom/core/limits';

export const POSTER_TIMEOUT_MS = 60_000;

/** The largest PNG a frame grab may print: a 4096x2160 RGB frame is about 26 MB raw, far less as PNG. */
const MAX_FRAME_BYTES = 64 * MiB;

/**
 * A poster frame (PNG bytes, upright, 8-bit sRGB) at 10% of the duration, at most 1 s in. Videos
 * often fade in from black, so a frame that is (nearly) all black is passed over for later ones
 * (1, 2, 4, 8, 16 s on, then the middle); if every candidate is black the first one is returned,
 * as the video really is black there.
 */
export async function extractPoster(path: string, probe: VideoProbe, opts: PosterOptions): Promise<Buffer> {
  const deadline = performance.now() + (opts.timeoutMs ?? POSTER_TIMEOUT_MS);
  const toneMap = probe.hdr !== null && (await canToneMap()) ? toneMapFilter(probe.hdr) : undefined;
  const upright = uprightStoredSize(probe);
  // PNG has no pixel aspect ratio: non-square pixels are resampled to the displayed size.
  const squarePixels = upright.width === probe.width && upright.height === probe.height ? [] : [`scale=${probe.width}:${probe.height}`, 'setsar=1'];
  const filters = [...squarePixels, ...(toneMap ? [toneMap] : []), 'format=rgb24'].join(',');
  let first: Buffer | undefined;
  for (const seconds of posterCandidates(probe.durationSeconds)) {
    if (opts.signal?.aborted) throw abortError(opts.signal);
    const timeoutMs = Math.max(1, deadline - performance.now());
    const frame = await grabFrame(path, seconds, { probe, timeoutMs, signal: opts.signal, filters });
    if (!frame) continue; // past the last frame that really exists
    first ??= frame;
    if (!(await isBlack(frame))) return frame;
  }
  if (first) return first;
  // Not one candidate decoded, although the probe found frames: the picture data is damaged.
  const last = { probe, timeoutMs: Math.max(1, deadline - performance.now()), signal: opts.signal, filters };
  return (await grabFrame(path, 0, { ...last, required: true })) ?? Buffer.alloc(0);
}

/** Seconds to try, in order: 10% of the duration capped at 1 s, then further on, all inside the video. */
export function posterCandidates(durationSeconds: number): number[] {
  const start = Math.min(1, durationSeconds * 0.1);
  const later = [1, 2, 4, 8, 16].map((offset) => start + offset);
  const times = [start, ...later, durationSeconds / 2].filter((t) => t < durationSeconds * 0.95 || t === start);
  return [...new Set(times.map((t) => Math.round(t * 1000) / 1000))].sort((a, b) => a - b);
}

interface GrabOptions {
  /** Its video stream is the one read, up to its declared duration and a little (`readLimitArgs`). */
  probe: Pick<VideoProbe, 'videoStreamIndex' | 'durationSeconds'>;
  timeoutMs: number;
  signal: AbortSignal | undefined;
  /** The -vf chain: to the displayed size and SDR when needed, then 8-bit RGB. */
  filters: string;
  /** Fail (rather than return undefined) when no frame comes out. */
  required?: boolean;
}

/**
 * One frame as PNG, straight from ffmpeg's stdout. `-ss` before the input seeks to the keyframe
 * before the time and decodes forward to it, reading no further than the declared duration and a
 * little when no frame comes; ffmpeg applies the rotation itself.
 */
async function grabFrame(path: string, seconds: number, options: GrabOptions): Promise<Buffer | undefined> {
  const args = [
    '-hide_banner',
    '-nostdin',
    '-v',
    'error',
    '-threads',
    '1',
    '-ss',
    seconds.toFixed(3),
    ...readLimitArgs(options.probe, undefined, seconds),
    ...untrustedInput(path),
    '-map',
    `0:${options.probe.videoStreamIndex}`,
    '-an',
    '-sn',
    '-dn',
    '-map_metadata',
    '-1',
    '-frames:v',
    '1',
    '-vf',
    options.filters,
    '-c:v',
    'png',
    '-compression_level',
    '3',
    '-f',
    'image2pipe',
    'pipe:1',
  ];
  const result = await runProcess(FFMPEG, args, { timeoutMs: options.timeoutMs, signal: options.signal, maxStdoutBytes: MAX_FRAME_BYTES });
  if (result.timedOut || result.overflowed || result.exitCode !== 0) {
    throw ffmpegFailure(result, options.timeoutMs, `ffmpeg poster frame at ${seconds} s`);
  }
  if (result.stdout.length > 0) return result.stdout;
  if (options.required) throw ffmpegFailure({ ...result, stderrTail: `no frame decoded. ${result.stderrTail}` }, options.timeoutMs, 'ffmpeg poster');
  return undefined;
}

/** Luma below which a pixel counts as black, and the share of such pixels that makes a frame black (ffmpeg's blackframe defaults). */
const BLACK_LUMA = 32;
const BLACK_SHARE = 0.98;

/** Measured on a small greyscale copy: a faint logo on black still counts as black, a dark scene does not. */
export async function isBlack(png: Buffer): Promise<boolean> {
  const { data } = await sharp(png).greyscale().resize(64, 64, { fit: 'inside' }).raw().toBuffer({ resolveWithObject: true });
  let dark = 0;
  for (const value of data) if (value < BLACK_LUMA) dark++;
  return dark >= data.length * BLACK_SHARE;
}
