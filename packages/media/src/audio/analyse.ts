import { FFMPEG } from '../video/ffmpeg.js';
import { PROGRESS_INTERVAL_MS } from '../video/progress.js';
import { runProcess } from '../video/run-process.js';
import { audioFailure } from './errors.js';
import { boundedAudioInput } from './input.js';
import { parseLoudnorm, type LoudnessMeasure } from './loudness.js';
import { mixdown } from './rendition-args.js';
import type { AudioStreamFacts } from './types.js';
import { WaveformBuilder, type WaveformJson } from './waveform.js';

export interface AnalyseOptions {
  /** Points per second of each waveform wanted (none: loudness only). */
  waveformPoints: readonly number[];
  timeoutMs: number;
  signal?: AbortSignal | undefined;
  /** 0..1 of the audio decoded; at most once a second, never backwards. */
  onProgress?: ((fraction: number) => void) | undefined;
}

export interface AudioAnalysis {
  /** EBU R128, from loudnorm's first pass; null when the audio is silent throughout. */
  loudness: LoudnessMeasure | null;
  /** One per `waveformPoints`, in that order. */
  waveforms: WaveformJson[];
  /** Seconds of audio decoded. */
  decodedSeconds: number;
}

/**
 * The one decode of an audio original before its renditions: loudnorm's first pass (the loudness
 * the asset records and every normalised rendition's second pass reads) and, from the same decoded
 * samples, the mono 16-bit PCM the waveforms are built from, streamed through ffmpeg's stdout so
 * memory stays at the peaks whatever the length.
 */
export async function analyseAudio(path: string, source: AudioStreamFacts, options: AnalyseOptions): Promise<AudioAnalysis> {
  const builders = options.waveformPoints.map((points) => new WaveformBuilder(source.sampleRate, points, source.durationSeconds * points));
  let bytes = 0;
  const progress = throttledProgress(source.durationSeconds * source.sampleRate * 2, options.onProgress);
  const onStdout = (chunk: Buffer) => {
    bytes += chunk.length;
    for (const builder of builders) builder.push(chunk);
    progress(bytes);
  };
  const result = await runProcess(FFMPEG, analyseArgs(path, source), { timeoutMs: options.timeoutMs, signal: options.signal, onStdout });
  if (result.timedOut || result.exitCode !== 0) throw audioFailure(result, options.timeoutMs, 'ffmpeg loudness and waveform pass');
  const loudness = parseLoudnorm(result.stderrTail);
  if (loudness === undefined) throw audioFailure({ ...result, exitCode: -1 }, options.timeoutMs, 'ffmpeg printed no loudness measure');
  if (bytes === 0) throw audioFailure({ ...result, stderrTail: `no frame decoded. ${result.stderrTail}` }, options.timeoutMs, 'ffmpeg');
  return { loudness, waveforms: builders.map((b) => b.toJson()), decodedSeconds: bytes / 2 / source.sampleRate };
}

function analyseArgs(path: string, source: AudioStreamFacts): string[] {
  const pcm = `aformat=sample_fmts=s16:channel_layouts=mono:sample_rates=${source.sampleRate}`;
  return [
    '-hide_banner',
    '-nostdin',
    '-nostats',
    // loudnorm prints its measure at the info level; the stderr tail keeps the end, where it is.
    '-v',
    'info',
    '-threads',
    '1',
    ...boundedAudioInput(path, source),
    '-filter_complex',
    `[0:a:0]asplit=2[m][w];[m]${[...mixdown(source), 'loudnorm=print_format=json'].join(',')},anullsink;[w]${pcm}[pcm]`,
    '-map',
    '[pcm]',
    '-map_metadata',
    '-1',
    '-f',
    's16le',
    'pipe:1',
  ];
}

/** Reports bytes of `total` as a fraction: at most once a second (`PROGRESS_INTERVAL_MS`), never above 1. */
function throttledProgress(total: number, onProgress: ((fraction: number) => void) | undefined): (bytes: number) => void {
  let lastAt = -Infinity;
  return (bytes) => {
    const at = performance.now();
    if (!onProgress || !(total > 0) || at - lastAt < PROGRESS_INTERVAL_MS) return;
    lastAt = at;
    onProgress(Math.min(1, bytes / total));
  };
}
