import { corruptVideo, renderTimeout, videoTooLong, videoTooManyPixels } from './errors.js';
import { decodableCodecs, FFPROBE, untrustedInput } from './ffmpeg.js';
import { parseProbe, videoEndSeconds, type FfprobeOutput } from './probe-parse.js';
import { runProcess, type RunResult } from './run-process.js';
import type { ProbeVideoOptions, VideoLimits, VideoProbe } from './types.js';

export const PROBE_TIMEOUT_MS = 30_000;

/** ffprobe's JSON for a real file is a few KB; a file claiming thousands of streams must not fill memory. */
const MAX_PROBE_OUTPUT_BYTES = 1024 * 1024;

/**
 * The gate every untrusted video passes before anything decodes it: ffprobe reads the container
 * (never a frame), the limits are checked on what it claims, then the tail of the file is demuxed
 * to catch an upload cut short (an MP4 with its index first still opens when its data is cut off).
 */
export async function probeVideo(path: string, options: ProbeVideoOptions): Promise<VideoProbe> {
  const timeoutMs = options.timeoutMs ?? PROBE_TIMEOUT_MS;
  const args = ['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams', ...untrustedInput(path)];
  const result = await runFfprobe(args, timeoutMs, options.signal);
  if (result.exitCode !== 0) throw corruptVideo(result.stderrTail || `ffprobe exited with ${result.exitCode}`);
  const output = parseJson(result);
  const probe = parseProbe(output, await decodableCodecs());
  assertWithinLimits(probe, options);
  await assertTailReadable(path, probe, videoEndSeconds(output, probe), { timeoutMs, signal: options.signal });
  return probe;
}

export function assertWithinLimits(probe: VideoProbe, limits: VideoLimits): void {
  if (probe.width * probe.height > limits.maxPixels) throw videoTooManyPixels(probe.width, probe.height, limits.maxPixels);
  if (probe.durationSeconds > limits.maxDurationSeconds) throw videoTooLong(probe.durationSeconds, limits.maxDurationSeconds);
}

async function runFfprobe(args: string[], timeoutMs: number, signal: AbortSignal | undefined): Promise<RunResult> {
  const result = await runProcess(FFPROBE, args, { timeoutMs, signal, maxStdoutBytes: MAX_PROBE_OUTPUT_BYTES });
  if (result.timedOut) throw renderTimeout(timeoutMs, `ffprobe timed out. ${result.stderrTail}`);
  if (result.overflowed) throw corruptVideo(`ffprobe printed more than ${MAX_PROBE_OUTPUT_BYTES} bytes`);
  return result;
}

function parseJson(result: RunResult): FfprobeOutput {
  try {
    const parsed: unknown = JSON.parse(result.stdout.toString('utf8'));
    if (parsed && typeof parsed === 'object') return parsed as FfprobeOutput;
  } catch {
    // falls through to the refusal below
  }
  throw corruptVideo(`ffprobe printed no JSON. ${result.stderrTail}`);
}

/** How far before the end of the picture the check starts reading; a quarter of the video when that is shorter. */
const TAIL_SECONDS = 2;

/**
 * Seeks (through the container's index: no decoding) to just before the end of the picture and
 * reads the video packets from there. A file cut off earlier yields none, or stops short.
 */
async function assertTailReadable(
  path: string,
  probe: VideoProbe,
  videoEnd: number,
  run: { timeoutMs: number; signal: AbortSignal | undefined },
): Promise<void> {
  const start = Math.max(0, videoEnd - Math.min(TAIL_SECONDS, probe.durationSeconds / 4));
  const args = [
    '-v', 'error',
    '-select_streams', `${probe.videoStreamIndex}`,
    '-read_intervals', `${start.toFixed(3)}%`, // to the end of the file
    '-show_entries', 'packet=pts_time,duration_time',
    '-print_format', 'csv=p=0',
    ...untrustedInput(path),
  ]; // prettier-ignore
  const result = await runFfprobe(args, run.timeoutMs, run.signal);
  if (result.exitCode !== 0) throw corruptVideo(result.stderrTail || 'the end of the file could not be read');
  const lastEnd = lastPacketEnd(result.stdout.toString('utf8'));
  if (lastEnd === undefined || lastEnd < start) {
    const detail = `truncated: the picture should run to ${videoEnd.toFixed(2)} s, but its packets end at ${lastEnd?.toFixed(2) ?? 'none'}`;
    throw corruptVideo(`${detail}. ${result.stderrTail}`.trim(), { durationSeconds: probe.durationSeconds });
  }
}

function lastPacketEnd(csv: string): number | undefined {
  let last: number | undefined;
  for (const line of csv.split('\n')) {
    const [pts, duration] = line.split(',').map(Number);
    if (pts === undefined || !Number.isFinite(pts)) continue;
    const end = pts + (duration !== undefined && Number.isFinite(duration) ? duration : 0);
    last = last === undefined ? end : Math.max(last, end);
  }
  return last;
}
