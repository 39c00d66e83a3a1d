import { FFPROBE, untrustedInput } from './ffmpeg.js';
import type { HlsChunk } from './hls-chunk-args.js';
import { PROBE_TIMEOUT_MS } from './probe.js';
import { runProcess } from './run-process.js';
import type { VideoProbe } from './types.js';

/**
 * How far before its start a piece may begin decoding, in its own lengths. A piece is read with
 * `-ss` before the input, which seeks to the keyframe at or before its start and decodes from there;
 * at most one length before, a piece decodes at most twice its range and the video at most twice
 * over. A source with one keyframe (a screen recording) would decode from its start for every
 * piece: quadratic in its length.
 */
export const MAX_PIECE_LEAD = 1;

/** At most this many seeks are made; a plan of more pieces has every n-th piece's start checked. */
const MAX_SEEKS = 1000;

interface SeekOptions {
  /** For both ffprobe runs together. Default `PROBE_TIMEOUT_MS`. */
  timeoutMs?: number;
  signal?: AbortSignal;
}

/**
 * Where a read that seeks to each of `times` (seconds from the video's start, as `-ss` counts them)
 * begins decoding: the video's keyframe at or before it, on the same timeline. ffprobe seeks as
 * ffmpeg does, through the container's index, and reads one packet after each seek
 * (`-read_intervals t%+#1`): nothing is decoded, and the cost is the number of times, not the
 * file's length. Null when the file cannot tell (a seek yields no packet, ffprobe fails or runs
 * out of time): the caller takes that as far.
 */
export async function seekLandings(path: string, probe: VideoProbe, times: readonly number[], opts: SeekOptions = {}): Promise<number[] | null> {
  const deadline = Date.now() + (opts.timeoutMs ?? PROBE_TIMEOUT_MS);
  const run = () => ({ timeoutMs: Math.max(1, deadline - Date.now()), signal: opts.signal, maxStdoutBytes: 64 * (times.length + 4) });
  // ffmpeg's -ss counts from the file's start time, ffprobe's intervals from zero.
  const format = await runProcess(FFPROBE, ['-v', 'error', '-show_entries', 'format=start_time', '-of', 'csv=p=0', ...untrustedInput(path)], run());
  if (format.timedOut || format.overflowed || format.exitCode !== 0) return null;
  const start = Number(format.stdout.toString('utf8').trim()) || 0;
  const intervals = times.map((t) => `${(t + start).toFixed(6)}%+#1`).join(',');
  const select = ['-select_streams', `${probe.videoStreamIndex}`, '-read_intervals', intervals];
  const args = ['-v', 'error', ...select, '-show_entries', 'packet=pts_time,dts_time', '-of', 'csv=p=0', ...untrustedInput(path)];
  const result = await runProcess(FFPROBE, args, run());
  if (result.timedOut || result.overflowed || result.exitCode !== 0) return null;
  const lines = result.stdout
    .toString('utf8')
    .split('\n')
    .filter((line) => line.trim() !== '');
  const landings = lines.map((line) => {
    const [pts, dts] = line.split(',').map((field) => Number.parseFloat(field));
    return (Number.isFinite(pts) ? pts! : dts!) - start;
  });
  return landings.length === times.length && landings.every(Number.isFinite) ? landings : null;
}

/**
 * Whether a ladder may be rendered in these pieces: every piece after the first begins decoding at
 * most `MAX_PIECE_LEAD` of its lengths before its start (`seekLandings`). Else it is rendered in one
 * pass, which decodes the video once, whatever its keyframes.
 */
export async function piecesDecodeNearTheirRange(
  path: string,
  probe: VideoProbe,
  pieces: readonly HlsChunk[],
  opts: SeekOptions = {},
): Promise<boolean> {
  const later = pieces.filter((p) => p.startSeconds > 0);
  const every = Math.ceil(later.length / MAX_SEEKS);
  const checked = later.filter((_, i) => i % every === 0);
  if (checked.length === 0) return true;
  const landings = await seekLandings(
    path,
    probe,
    checked.map((p) => p.startSeconds),
    opts,
  );
  // A millisecond of slack: container timestamps are rounded.
  return landings !== null && checked.every((p, i) => p.startSeconds - landings[i]! <= MAX_PIECE_LEAD * (p.endSeconds - p.startSeconds) + 0.001);
}
