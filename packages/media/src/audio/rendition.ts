import { randomUUID } from 'node:crypto';
import { rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { FFMPEG, FFPROBE } from '../video/ffmpeg.js';
import { progressReporter } from '../video/progress.js';
import { runProcess } from '../video/run-process.js';
import { audioFailure } from './errors.js';
import type { LoudnessMeasure } from './loudness.js';
import { AUDIO_CONTENT_TYPES, renditionArgs } from './rendition-args.js';
import type { AudioRenderOptions, AudioRenditionResult, AudioRenditionSpec, AudioStreamFacts } from './types.js';

/**
 * Renders one audio rendition with ffmpeg: normalised (the second pass, given the first pass's
 * `measure`) when `spec.loudness` is set, with no metadata of the original. Written beside
 * `outputPath` under a temporary name and renamed into place only once ffmpeg has finished and the
 * result reads back, so a killed, crashed or timed-out run leaves no partial file. An abort through
 * `signal` rejects with an `AbortError`; other failures with corrupt_audio, render_timeout or a plain Error.
 */
export async function renderAudioRendition(
  input: string,
  source: AudioStreamFacts,
  spec: AudioRenditionSpec,
  measure: LoudnessMeasure | null,
  opts: AudioRenderOptions,
): Promise<AudioRenditionResult> {
  assertUsable(spec, opts);
  const outputPath = resolve(opts.outputPath);
  const partial = join(dirname(outputPath), `.${basename(outputPath)}.${randomUUID()}.part`);
  const onStdout = opts.onProgress ? progressReporter({ totalSeconds: source.durationSeconds, onProgress: opts.onProgress }) : () => undefined;
  try {
    const args = renditionArgs({ input, output: `file:${partial}`, source, spec, measure });
    const result = await runProcess(FFMPEG, args, { timeoutMs: opts.timeoutMs, signal: opts.signal, onStdout });
    if (result.timedOut || result.exitCode !== 0) throw audioFailure(result, opts.timeoutMs, `ffmpeg ${spec.format} rendition`);
    const written = await readBack(partial, opts.signal);
    await rename(partial, outputPath);
    return { path: outputPath, ...written, size: (await stat(outputPath)).size, contentType: AUDIO_CONTENT_TYPES[spec.format] };
  } finally {
    await rm(partial, { force: true });
  }
}

function assertUsable(spec: AudioRenditionSpec, opts: AudioRenderOptions): void {
  if (!(spec.format in AUDIO_CONTENT_TYPES)) throw new Error(`renderAudioRendition: unknown format ${String(spec.format)}`);
  if (!(opts.timeoutMs > 0)) throw new Error('renderAudioRendition: timeoutMs must be positive');
  if (!(spec.bitrate >= 8 && spec.bitrate <= 512)) throw new Error(`renderAudioRendition: bitrate ${spec.bitrate} is out of range`);
}

interface WrittenAudio {
  durationSeconds: number;
  sampleRate: number;
  channels: number;
}

/** Our own output, read back: what was really written, and proof that it is a whole file. */
async function readBack(path: string, signal: AbortSignal | undefined): Promise<WrittenAudio> {
  const args = [
    '-v',
    'error',
    '-select_streams',
    'a:0',
    '-show_entries',
    'stream=sample_rate,channels:format=duration',
    '-of',
    'json',
    `file:${path}`,
  ];
  const result = await runProcess(FFPROBE, args, { timeoutMs: 30_000, signal, maxStdoutBytes: 64 * 1024 });
  const parsed = result.exitCode === 0 ? (JSON.parse(result.stdout.toString('utf8')) as ReadBackJson) : undefined;
  const stream = parsed?.streams?.[0];
  const durationSeconds = Number(parsed?.format?.duration);
  const sampleRate = Number(stream?.sample_rate);
  if (!stream?.channels || !(sampleRate > 0) || !Number.isFinite(durationSeconds)) {
    throw new Error(`ffmpeg wrote an unreadable rendition: ${result.stderrTail}`);
  }
  return { durationSeconds, sampleRate, channels: stream.channels };
}

interface ReadBackJson {
  streams?: { sample_rate?: string; channels?: number }[];
  format?: { duration?: string };
}
