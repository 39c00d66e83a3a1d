import { ERRORS } from '@darkroom/core/error-factories';
import { MiB } from '@darkroom/core/limits';
import { assertNothingPastDeclared, MAX_READ_SLACK_SECONDS } from './declared-bounds.js';
import { decodableCodecs, FFPROBE, untrustedInput } from './ffmpeg.js';
import { lineReader } from './lines.js';
import { clockStartSeconds, declaredDuration, parseProbe, pickVideoStream, videoEndSeconds, type FfprobeOutput } from './probe-parse.js';
import { runProcess, type RunResult } from './run-process.js';
import type { ProbeVideoOptions, VideoLimits, VideoProbe } from './types.js';

export const PROBE_TIMEOUT_MS = 30_000;

/** ffprobe's JSON for a real file is a few KB; a file claiming thousands of streams must not fill memory. */
const MAX_PROBE_OUTPUT_BYTES = MiB;

/**
 * The gate every untrusted video passes before it is decoded: ffprobe reads the container (and
 * parses no more than the first packets it needs to identify the streams), the limits are checked on
 * what it reports, then the tail of the file is demuxed to catch an upload cut short (an MP4 with
 * its index first still opens when its data is cut off) and streams running on past the duration
 * the header states (`assertTailAsDeclared`).
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
  const measured = declared === undefined && video?.index !== undefined ? await measureDuration(path, options, run) : undefined;
  const probe = parseProbe(output, decodable, measured);
  assertWithinLimits(probe, options);
  if (measured === undefined)
    await assertTailAsDeclared(path, probe, { origin: clockStartSeconds(output), videoEnd: videoEndSeconds(output, probe) }, run);
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
 * Reads (demuxes, never decodes) the packets of every stream of a file that states no duration,
 * stopping as soon as they run past the limit: a stream claiming nothing can't make us read hours of
 * it. The file lasts as long as its longest stream, as a stated duration would say.
 */
async function measureDuration(path: string, limits: VideoLimits, run: Run): Promise<number | undefined> {
  let end: number | undefined;
  const onStdout = lineReader((line) => {
    const packet = packetEnd(line);
    if (packet !== undefined) end = Math.max(end ?? 0, packet);
    return end === undefined || end <= limits.maxDurationSeconds;
  });
  const args = ['-v', 'error', ...PACKET_ARGS, ...untrustedInput(path)];
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

/** ffprobe's line for one packet of the tail: `stream_index,pts_time,duration_time,flags` (`D`: dropped after decoding, as past an edit list's end). */
const TAIL_PACKET_ARGS = ['-show_entries', 'packet=stream_index,pts_time,duration_time,flags', '-print_format', 'csv=p=0'];

/**
 * Reads the end of the file as it comes (demuxed, never decoded, never kept): seeks through the
 * container's index to just before the end of the picture and reads every stream's packets from
 * there up to `MAX_READ_SLACK_SECONDS` past the declared duration, the farthest a render reads. A
 * picture cut off earlier has no packet there, or stops short (`corrupt_video`); a packet shown
 * well past the declared duration is a header that lies (`assertNothingPastDeclared`; a packet only
 * decoded, never shown, is not). A source with one keyframe lands the seek on its first frame:
 * every packet from there passes by, counted only.
 */
async function assertTailAsDeclared(path: string, probe: VideoProbe, clock: { origin: number; videoEnd: number }, run: Run): Promise<void> {
  const start = Math.max(0, clock.videoEnd - Math.min(TAIL_SECONDS, probe.durationSeconds / 4));
  let lastEnd: number | undefined;
  let latestStart = 0;
  const onStdout = lineReader((line) => {
    const [stream, pts, duration, flags] = line.split(',');
    const end = packetEnd(`${pts},${duration}`);
    if (end === undefined) return;
    if (!flags?.includes('D')) latestStart = Math.max(latestStart, Number(pts) - clock.origin);
    if (Number(stream) === probe.videoStreamIndex) lastEnd = Math.max(lastEnd ?? end, end);
  });
  // An absolute end: an offset (`+`) would count from the keyframe the seek lands on.
  const interval = `${start.toFixed(3)}%${(clock.origin + probe.durationSeconds + MAX_READ_SLACK_SECONDS).toFixed(3)}`;
  const result = await runProcess(FFPROBE, ['-v', 'error', '-read_intervals', interval, ...TAIL_PACKET_ARGS, ...untrustedInput(path)], {
    ...run,
    onStdout,
  });
  if (result.timedOut) throw ERRORS.videoRenderTimeout(run.timeoutMs, `ffprobe timed out reading the end. ${result.stderrTail}`);
  if (result.exitCode !== 0) throw ERRORS.corruptVideo(result.stderrTail || 'the end of the file could not be read');
  if (lastEnd === undefined || lastEnd < start) {
    const detail = `truncated: the picture should run to ${clock.videoEnd.toFixed(2)} s, but its packets end at ${lastEnd?.toFixed(2) ?? 'none'}`;
    throw ERRORS.corruptVideo(`${detail}. ${result.stderrTail}`.trim(), { durationSeconds: probe.durationSeconds });
  }
  assertNothingPastDeclared(latestStart, probe);
}
