import { open } from 'node:fs/promises';
import { resolve } from 'node:path';
import { ERRORS } from '@darkroom/core/error-factories';
import { MiB } from '@darkroom/core/limits';
import { decodableCodecs, FFPROBE } from '../video/ffmpeg.js';
import { DECLARED_END_TOLERANCE_SECONDS, MAX_READ_SLACK_SECONDS } from '../video/declared-bounds.js';
import { clockStartSeconds, type FfprobeOutput } from '../video/probe-parse.js';
import { lineReader } from '../video/lines.js';
import { runProcess, type RunResult } from '../video/run-process.js';
import { parseAudioProbe, type AudioProbe } from './probe-parse.js';
import { AUDIO_DEMUXERS } from './input.js';
import { assertWavHeaderFits } from './wav-header.js';

export const AUDIO_PROBE_TIMEOUT_MS = 20_000;

/** Bytes of the file's start the probe looks at itself (a WAV's chunk sizes): the caller's `head`, or read from the file. */
export const AUDIO_HEAD_BYTES = 4096;

/** ffprobe's JSON for a real file is a few KB; a file claiming thousands of streams must not fill memory. */
const MAX_PROBE_OUTPUT_BYTES = MiB;

/** A network read that stalls this long fails the probe rather than holding it to its time limit (microseconds). */
const URL_READ_TIMEOUT_US = '10000000';

/**
 * Where the probe reads the file: a local path (the worker), or a short-lived GET URL of the
 * original (the API at `complete`: ffprobe reads the container's header and index by ranged
 * requests, not the whole file) with its size and first bytes, which the caller already has.
 */
export type AudioSource = { path: string } | { url: string; size: number; head: Uint8Array };

export interface ProbeAudioOptions {
  maxDurationSeconds: number;
  signal?: AbortSignal | undefined;
  /** Default `AUDIO_PROBE_TIMEOUT_MS`, for each ffprobe run. */
  timeoutMs?: number | undefined;
}

/**
 * The gate every untrusted audio file passes before it is decoded: its WAV header is held to the
 * file's size, ffprobe reads the container, the codec, sample rate, channels and duration are
 * checked (`parseAudioProbe`), then the duration limit, then the last seconds' packets are read
 * (demuxed, never decoded) to catch a file that claims more than it holds, or less: then, on a
 * local file, its packets are counted, and the duration they reach is the one held to the limit and
 * recorded.
 */
export async function probeAudio(source: AudioSource, options: ProbeAudioOptions): Promise<AudioProbe> {
  const run: Run = { timeoutMs: options.timeoutMs ?? AUDIO_PROBE_TIMEOUT_MS, signal: options.signal, source };
  const { head, size } = 'path' in source ? await readHead(source.path) : source;
  assertWavHeaderFits(head, size);
  const result = await runFfprobe(['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams'], run);
  if (result.exitCode !== 0) throw ERRORS.corruptAudio(result.stderrTail || `ffprobe exited with ${result.exitCode}`);
  const output = parseJson(result);
  const stated = parseAudioProbe(output, await decodableCodecs());
  assertWithinLimit(stated, options);
  assertSizeHoldsDuration(stated, size);
  const origin = clockStartSeconds(output);
  const latestStart = await readTail(stated, origin, run);
  if (latestStart <= stated.durationSeconds + DECLARED_END_TOLERANCE_SECONDS) return stated;
  // Over a URL (`complete`), counting would read the whole file through the API, past its time
  // limit on a slow bucket, and answer 503 to every retry: the worker counts on its own copy.
  if ('url' in source) return stated;
  const probe = { ...stated, durationSeconds: await measureDuration(stated, origin, options.maxDurationSeconds, run) };
  assertWithinLimit(probe, options);
  return probe;
}

function assertWithinLimit(probe: AudioProbe, options: ProbeAudioOptions): void {
  if (probe.durationSeconds > options.maxDurationSeconds) throw ERRORS.audioTooLong(probe.durationSeconds, options.maxDurationSeconds);
}

interface Run {
  timeoutMs: number;
  signal: AbortSignal | undefined;
  source: AudioSource;
}

async function readHead(path: string): Promise<{ head: Uint8Array; size: number }> {
  const file = await open(path, 'r');
  try {
    const { size } = await file.stat();
    const buffer = Buffer.alloc(Math.min(AUDIO_HEAD_BYTES, size));
    const { bytesRead } = await file.read(buffer, 0, buffer.length, 0);
    return { head: buffer.subarray(0, bytesRead), size };
  } finally {
    await file.close();
  }
}

/** The options that must precede the untrusted input, then the input itself. */
function inputArgs(source: AudioSource): string[] {
  const formats = ['-format_whitelist', AUDIO_DEMUXERS];
  // `file:` so that a name like `http:…` or `pipe:0` can never be read as another protocol.
  if ('path' in source) return [...formats, '-protocol_whitelist', 'file', '-i', `file:${resolve(source.path)}`];
  return [...formats, '-protocol_whitelist', 'http,https,tcp,tls', '-rw_timeout', URL_READ_TIMEOUT_US, '-i', source.url];
}

/** A URL names the bucket, key and signature: none of it may reach a message, nor even an operator's detail. */
const scrubbed = (text: string) => text.replace(/\bhttps?:\/\/\S+/g, '<original>');

/**
 * Pixels ffprobe may decode of an embedded picture while it reads the streams' parameters. It needs
 * none of them (the worker reads cover art under the image limits), and some ffprobe builds decode
 * the picture whole: a decompression bomb would hold the probe for seconds. A larger picture is
 * listed all the same, its size unread.
 */
const PROBE_MAX_PICTURE_PIXELS = String(4096 * 4096);

/** `onStdout` takes the output as it comes (then it is neither kept nor capped). */
async function runFfprobe(args: string[], run: Run, onStdout?: (chunk: Buffer) => boolean): Promise<RunResult> {
  const { timeoutMs, signal } = run;
  const bounded = ['-max_pixels', PROBE_MAX_PICTURE_PIXELS, ...args];
  const options = { timeoutMs, signal, maxStdoutBytes: MAX_PROBE_OUTPUT_BYTES, onStdout };
  const result = await runProcess(FFPROBE, [...bounded, ...inputArgs(run.source)], options);
  const stderrTail = scrubbed(result.stderrTail);
  if (result.timedOut) throw ERRORS.audioProbeTimeout(timeoutMs, stderrTail);
  if (result.overflowed) throw ERRORS.corruptAudio(`ffprobe printed more than ${MAX_PROBE_OUTPUT_BYTES} bytes`);
  return { ...result, stderrTail };
}

function parseJson(result: RunResult): FfprobeOutput {
  try {
    const parsed: unknown = JSON.parse(result.stdout.toString('utf8'));
    if (parsed && typeof parsed === 'object') return parsed as FfprobeOutput;
  } catch {
    // falls through to the refusal below
  }
  throw ERRORS.corruptAudio(`ffprobe printed no JSON. ${result.stderrTail}`);
}

/** Below any codec's lowest rate (MP3's is 8 kbit/s, Opus's 6): a file this sparse claims time it does not hold. */
const MIN_BITS_PER_SECOND = 2000;

/** An MP3's Xing header or an MP4's index may state any duration; the bytes must be there to carry it. */
function assertSizeHoldsDuration(probe: AudioProbe, size: number): void {
  const bitsPerSecond = (size * 8) / probe.durationSeconds;
  if (bitsPerSecond < MIN_BITS_PER_SECOND) {
    const detail = `${size} bytes cannot hold ${probe.durationSeconds.toFixed(2)} s of audio (${bitsPerSecond.toFixed(0)} bit/s)`;
    throw ERRORS.corruptAudio(detail, { durationSeconds: probe.durationSeconds });
  }
}

/** How far before the end the check starts reading; a quarter of the file when that is shorter. */
const TAIL_SECONDS = 2;

/**
 * Seeks to just before the stated end and reads the audio packets from there (one ranged read of
 * the end of the file) up to `MAX_READ_SLACK_SECONDS` past it, on the file's clock (`origin`), and
 * returns where the latest of them starts. A file whose header or index claims more than it holds
 * yields none (`corrupt_audio`); one holding more than it states (a VBR MP3 without a Xing header,
 * timed by its first frame's rate; Ogg streams chained after a long one, timed by the last page)
 * has packets past the stated end.
 */
async function readTail(probe: AudioProbe, origin: number, run: Run): Promise<number> {
  const start = Math.max(0, probe.durationSeconds - Math.min(TAIL_SECONDS, probe.durationSeconds / 4));
  const end = origin + probe.durationSeconds + MAX_READ_SLACK_SECONDS;
  const interval = `${(origin + start).toFixed(3)}%${end.toFixed(3)}`;
  const args = ['-v', 'error', '-select_streams', `${probe.audioStreamIndex}`, '-read_intervals', interval];
  const result = await runFfprobe([...args, ...PACKET_ARGS], run);
  const starts = result.stdout
    .toString('utf8')
    .split('\n')
    .map((line) => Number.parseFloat(line))
    .filter(Number.isFinite);
  if (result.exitCode !== 0 || starts.length === 0) {
    const detail = `truncated: the audio should run to ${probe.durationSeconds.toFixed(2)} s, but no packet was read from ${start.toFixed(2)} s`;
    throw ERRORS.corruptAudio(`${detail}. ${result.stderrTail}`.trim(), { durationSeconds: probe.durationSeconds });
  }
  return starts.reduce((latest, t) => Math.max(latest, t), 0) - origin;
}

/** ffprobe's line for one packet: `pts_time,duration_time`. */
const PACKET_ARGS = ['-show_entries', 'packet=pts_time,duration_time', '-print_format', 'csv=p=0'];

/**
 * Reads (demuxes, never decodes) every packet of the audio stream and returns where the last one
 * ends, stopping as soon as one ends past `maxSeconds`: hours under a header stating a second are
 * not read to their end.
 */
async function measureDuration(probe: AudioProbe, origin: number, maxSeconds: number, run: Run): Promise<number> {
  let end = 0;
  const onStdout = lineReader((line) => {
    const [pts, duration] = line.split(',').map(Number);
    if (pts === undefined || !Number.isFinite(pts)) return;
    end = Math.max(end, pts - origin + (duration !== undefined && Number.isFinite(duration) ? duration : 0));
    return end <= maxSeconds;
  });
  const args = ['-v', 'error', '-select_streams', `${probe.audioStreamIndex}`, ...PACKET_ARGS];
  const result = await runFfprobe(args, run, onStdout);
  if (!result.stoppedEarly && result.exitCode !== 0) throw ERRORS.corruptAudio(result.stderrTail || 'the packets could not be read');
  return Math.round(end * 1000) / 1000;
}
