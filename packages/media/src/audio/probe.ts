import { ERRORS } from '@darkroom/core';
import { decodableCodecs, FFPROBE } from '../video/ffmpeg.js';
import { lineReader } from '../video/lines.js';
import { parseFfprobeJson, runFfprobe } from '../video/ffprobe-run.js';
import { runProcess } from '../video/run-process.js';
import { AUDIO_FAILURES } from './errors.js';
import { untrustedAudioInput } from './input.js';
import type { AudioSource } from './types.js';

export const AUDIO_PROBE_TIMEOUT_MS = 30_000;

/** Audio codecs we decode: what recorders, phones and editors write (PCM of any layout included). Anything rarer is refused. */
const ACCEPTED_AUDIO_CODECS = new Set(['mp3', 'mp2', 'aac', 'alac', 'flac', 'opus', 'vorbis']);
const accepted = (codec: string) => ACCEPTED_AUDIO_CODECS.has(codec) || codec.startsWith('pcm_');

/** What ffprobe says about an audio file's first audio stream, read before anything is decoded. */
export interface AudioProbe extends AudioSource {
  /** `mp3`, `mp4` (MP4/M4A), `aac` (ADTS), `wav`, `flac`, `ogg`. */
  container: string;
  /** ffmpeg's codec name: `mp3`, `aac`, `flac`, `opus`, `vorbis`, `pcm_s16le`, … */
  codec: string;
}

export interface ProbeAudioOptions {
  maxDurationSeconds: number;
  signal?: AbortSignal | undefined;
  timeoutMs?: number;
}

interface Json {
  streams?: { index?: number; codec_type?: string; codec_name?: string; sample_rate?: string; channels?: number; duration?: string }[];
  format?: { format_name?: string; duration?: string };
}

/**
 * The gate every untrusted audio file passes before it is decoded: ffprobe reads the container, the
 * stream and the limits are checked on what it reports. A file that states no duration has its
 * packets counted (demuxed, never decoded), stopping as soon as they pass the limit.
 */
export async function probeAudio(path: string, options: ProbeAudioOptions): Promise<AudioProbe> {
  const timeoutMs = options.timeoutMs ?? AUDIO_PROBE_TIMEOUT_MS;
  const args = ['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams', ...untrustedAudioInput(path)];
  const result = await runFfprobe(args, timeoutMs, options.signal, AUDIO_FAILURES);
  if (result.exitCode !== 0) throw ERRORS.corruptAudio(result.stderrTail || `ffprobe exited with ${result.exitCode}`);
  const json = parseFfprobeJson<Json>(result, AUDIO_FAILURES);
  const stream = json.streams?.find((s) => s.codec_type === 'audio');
  if (!stream || stream.index === undefined) throw ERRORS.corruptAudio('no audio stream', { streams: json.streams?.map((s) => s.codec_type) });
  const codec = stream.codec_name ?? 'unknown';
  if (!accepted(codec) || !(await decodableCodecs()).has(codec))
    throw ERRORS.unsupportedAudioCodec(codec, `audio codec ${codec} is not decodable here`);
  const sampleRate = Number(stream.sample_rate);
  const channels = stream.channels ?? 0;
  if (!(sampleRate >= 1000 && sampleRate <= 768_000) || !(channels >= 1 && channels <= 64)) {
    throw ERRORS.corruptAudio(`no usable sample rate or channel count (${stream.sample_rate} Hz, ${channels} channels)`);
  }
  const stated = positive(json.format?.duration) ?? positive(stream.duration);
  const durationSeconds = stated ?? (await countPackets(path, stream.index, options, timeoutMs));
  if (!(durationSeconds > 0)) throw ERRORS.corruptAudio(`no usable duration (${json.format?.duration})`);
  if (durationSeconds > options.maxDurationSeconds) throw ERRORS.audioTooLong(durationSeconds, options.maxDurationSeconds);
  return { container: containerOf(json.format?.format_name), codec, sampleRate, channels, durationSeconds };
}

const positive = (value: string | undefined) => {
  const n = Number(value);
  return value !== undefined && Number.isFinite(n) && n > 0 ? n : undefined;
};

/** ffprobe's demuxer names, as the asset's `format`. */
function containerOf(formatName: string | undefined): string {
  const first = formatName?.split(',')[0] ?? 'unknown';
  return first === 'mov' ? 'mp4' : first;
}

/** The end of the last packet read, stopping once past the limit (so a file claiming nothing can't make us read hours of it). */
async function countPackets(path: string, index: number, options: ProbeAudioOptions, timeoutMs: number): Promise<number> {
  let end = 0;
  const onStdout = lineReader((line) => {
    const [pts, duration] = line.split(',').map(Number);
    if (pts !== undefined && Number.isFinite(pts)) end = Math.max(end, pts + (Number.isFinite(duration) ? duration! : 0));
    return end <= options.maxDurationSeconds;
  });
  const args = ['-v', 'error', '-select_streams', `${index}`, '-show_entries', 'packet=pts_time,duration_time', '-print_format', 'csv=p=0'];
  const result = await runProcess(FFPROBE, [...args, ...untrustedAudioInput(path)], { timeoutMs, signal: options.signal, onStdout });
  if (result.timedOut) throw ERRORS.audioRenderTimeout(timeoutMs, `ffprobe timed out counting packets. ${result.stderrTail}`);
  if (!result.stoppedEarly && result.exitCode !== 0) throw ERRORS.corruptAudio(result.stderrTail || 'the packets could not be read');
  return end;
}
