import { ERRORS } from '@darkroom/core';
import { decodableCodecs, FFPROBE, untrustedInput } from './ffmpeg.js';
import { lineReader } from './lines.js';
import { declaredDuration, parseProbe, pickVideoStream, videoEndSeconds, type FfprobeOutput } from './probe-parse.js';
import { runProcess, type RunResult } from './run-process.js';
import type { ProbeVideoOptions, VideoLimits, VideoProbe } from './types.js';

export const PROBE_TIMEOUT_MS = 30_000;

/** ffprobe's JSON for a real file is a few KB; a file claiming thousands of streams must not fill memory. */
const MAX_PROBE_OUTPUT_BYTES = 1024 * 1024;

/**
 * The gate every untrusted video passes before it is decoded: ffprobe reads the container (and
 * parses no more than the first packets it needs to identify the streams), the limits are checked on
 * what it reports, then the tail of the file is demuxed to catch an upload cut short (an MP4 with
 * its index first still opens when its data is cut off).
 */
export async function probeVideo(path: string, options: ProbeVideoOptions): Promise<VideoProbe> {
  const timeoutMs = options.timeoutMs ?? PROBE_TIMEOUT_MS;
  const args = ['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams', ...untrustedInput(path)];
  const result = await runFfprobe(args, timeoutMs, options.signal);
  if (result.exitCode !== 0) throw ERRORS.corruptVideo(result.stderrTail || `ffprobe exited with ${result.exitCode}`);
  const output = parseJson(result);
  const decodable = await decodableCodecs();
  const run = { timeoutMs, signal: options.signal };
  const declared = declaredDuration(output);
  const video = pickVideoStream(output);
  // Without a stated duration the packets are counted instead; having read them all, the tail needs no check.
  const measured = declared === undefined && video?.index !== undefined ? await measureDuration(path, video.index, options, run) : undefined;
  const probe = parseProbe(output, decodable, measured);
  assertWithinLimits(probe, options);
  if (measured === undefined) await assertTailReadable(path, probe, videoEndSeconds(output, probe), run);
  return probe;
}

interface Run {
  timeoutMs: number;
  signal: AbortSignal | undefined;
}

/** ffprobe's line for one packet, `pts_time,duration_time`, as the time the packet ends. */
function packetEnd(line: string): number | undefined {
  const [pts, duration] = line.split(',').map(Number);
  if (pts === undefined || !Number.isFinite(pts)) return undefined;
  return pts + (duration !== undefined && Number.isFinite(duration) ? duration : 0);
}

const PACKET_ARGS = ['-show_entries', 'packet=pts_time,duration_time', '-print_format', 'csv=p=0'];

/**
 * Reads (demuxes, never decodes) the video packets of a file that states no duration, stopping as
 * soon as they run past the limit: a stream claiming nothing can't make us read hours of it.
 */
async function measureDuration(path: string, streamIndex: number, limits: VideoLimits, run: Run): Promise<number | undefined> {
  let end: number | undefined;
  const onStdout = lineReader((line) => {
    const packet = packetEnd(line);
    if (packet !== undefined) end = Math.max(end ?? 0, packet);
    return end === undefined || end <= limits.maxDurationSeconds;
  });
  const args = ['-v', 'error', '-select_streams', `${streamIndex}`, ...PACKET_ARGS, ...untrustedInput(path)];
  const result = await runProcess(FFPROBE, args, { ...run, onStdout });
  if (result.timedOut) throw ERRORS.videoRenderTimeout(run.timeoutMs, `ffprobe timed out counting packets. ${result.stderrTail}`);
  if (!result.stoppedEarly && result.exitCode !== 0) throw ERRORS.corruptVideo(result.stderrTail || 'the packets could not be read');
  return end;
}

export function assertWithinLimits(probe: VideoProbe, limits: VideoLimits): void {
  if (probe.width * probe.height > limits.maxPixels) throw ERRORS.videoTooManyPixels(probe.width, probe.height, limits.maxPixels);
  if (probe.durationSeconds > limits.maxDurationSeconds) throw ERRORS.videoTooLong(probe.durationSeconds, limits.maxDurationSeconds);
}

async function runFfprobe(args: string[], timeoutMs: number, signal: AbortSignal | undefined): Promise<RunResult> {
  const result = await runProcess(FFPROBE, args, { timeoutMs, signal, maxStdoutBytes: MAX_PROBE_OUTPUT_BYTES });
  if (result.timedOut) throw ERRORS.videoRenderTimeout(timeoutMs, `ffprobe timed out. ${result.stderrTail}`);
  if (result.overflowed) throw ERRORS.corruptVideo(`ffprobe printed more than ${MAX_PROBE_OUTPUT_BYTES} bytes`);
  return result;
}

function parseJson(result: RunResult): FfprobeOutput {
  try {
    const parsed: unknown = JSON.parse(result.stdout.toString('utf8'));
    if (parsed && typeof parsed === 'object') return parsed as FfprobeOutput;
  } catch {
    // falls through to the refusal below
  }
  throw ERRORS.corruptVideo(`ffprobe printed no JSON. ${result.stderrTail}`);
}

/** How far before the end of the picture the check starts reading; a quarter of the video when that is shorter. */
const TAIL_SECONDS = 2;

/**
 * Seeks (through the container's index: no decoding) to just before the end of the picture and
 * reads the video packets from there. A file cut off earlier yields none, or stops short.
 */
async function assertTailReadable(path: string, probe: VideoProbe, videoEnd: number, run: Run): Promise<void> {
  const start = Math.max(0, videoEnd - Math.min(TAIL_SECONDS, probe.durationSeconds / 4));
  const args = [
    '-v',
    'error',
    '-select_streams',
    `${probe.videoStreamIndex}`,
    '-read_intervals',
    `${start.toFixed(3)}%`, // to the end of the file
    ...PACKET_ARGS,
    ...untrustedInput(path),
  ];
  const result = await runFfprobe(args, run.timeoutMs, run.signal);
  if (result.exitCode !== 0) throw ERRORS.corruptVideo(result.stderrTail || 'the end of the file could not be read');
  const lastEnd = lastPacketEnd(result.stdout.toString('utf8'));
  if (lastEnd === undefined || lastEnd < start) {
    const detail = `truncated: the picture should run to ${videoEnd.toFixed(2)} s, but its packets end at ${lastEnd?.toFixed(2) ?? 'none'}`;
    throw ERRORS.corruptVideo(`${detail}. ${result.stderrTail}`.trim(), { durationSeconds: probe.durationSeconds });
  }
}

function lastPacketEnd(csv: string): number | undefined {
  let last: number | undefined;
  for (const line of csv.split('\n')) {
    const end = packetEnd(line);
    if (end !== undefined) last = Math.max(last ?? end, end);
  }
  return last;
}
