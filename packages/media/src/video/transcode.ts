import { randomUUID } from 'node:crypto';
import { rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { ffmpegFailure } from './errors.js';
import { FFMPEG, FFPROBE } from './ffmpeg.js';
import { canToneMap, videoFilter } from './filters.js';
import { progressReporter } from './progress.js';
import { runProcess } from './run-process.js';
import { CONTENT_TYPES, outputDuration, transcodeArgs } from './transcode-args.js';
import type { TranscodeOptions, TranscodeResult, VideoProbe, VideoRenditionSpec } from './types.js';

/**
 * Renders one rendition of a probed video with ffmpeg. The file is written beside `outputPath`
 * under a temporary name and renamed into place only once ffmpeg has finished and the result
 * reads back, so a killed, crashed or timed-out run never leaves a partial file behind.
 * An abort through `signal` rejects with an `AbortError`; other failures with a BadMediaError
 * (bad media), a `render_timeout` DarkroomError or a plain Error (the machine's trouble).
 */
export async function transcodeVideo(input: string, probe: VideoProbe, spec: VideoRenditionSpec, opts: TranscodeOptions): Promise<TranscodeResult> {
  assertUsableOptions(spec, opts);
  const plan = videoFilter(probe, spec, probe.hdr !== null && (await canToneMap()));
  const outputPath = resolve(opts.outputPath);
  const partial = join(dirname(outputPath), `.${basename(outputPath)}.${randomUUID()}.part`);
  const totalSeconds = outputDuration(probe, spec);
  const onStdout = opts.onProgress ? progressReporter({ totalSeconds, onProgress: opts.onProgress }) : () => undefined;
  const threads = Math.max(1, Math.floor(opts.threads));
  try {
    const args = transcodeArgs({ input, output: `file:${partial}`, probe, spec, plan, threads });
    const result = await runProcess(FFMPEG, args, { timeoutMs: opts.timeoutMs, signal: opts.signal, onStdout });
    if (result.timedOut || result.exitCode !== 0) throw ffmpegFailure(result, opts.timeoutMs, 'ffmpeg transcode');
    const written = await readBack(partial, opts.signal);
    await rename(partial, outputPath);
    return {
      path: outputPath,
      width: written.width,
      height: written.height,
      durationSeconds: written.durationSeconds,
      size: (await stat(outputPath)).size,
      contentType: CONTENT_TYPES[spec.format],
      toneMapped: plan.toneMapped,
      hdrKept: plan.hdrKept,
    };
  } finally {
    await rm(partial, { force: true });
  }
}

function assertUsableOptions(spec: VideoRenditionSpec, opts: TranscodeOptions): void {
  if (!(spec.format in CONTENT_TYPES)) throw new Error(`transcodeVideo: unknown format ${String(spec.format)}`);
  if (!(opts.timeoutMs > 0)) throw new Error('transcodeVideo: timeoutMs must be positive');
  if (!(spec.quality >= 1 && spec.quality <= 100)) throw new Error(`transcodeVideo: quality ${spec.quality} is outside 1..100`);
}

interface WrittenVideo {
  width: number;
  height: number;
  durationSeconds: number;
}

/** Our own output, read back: what was really written, and proof that it is a whole file. */
export async function readBack(path: string, signal: AbortSignal | undefined): Promise<WrittenVideo> {
  const args = ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'stream=width,height:format=duration', '-of', 'json', `file:${path}`];
  const result = await runProcess(FFPROBE, args, { timeoutMs: 30_000, signal, maxStdoutBytes: 64 * 1024 });
  const parsed = result.exitCode === 0 ? (JSON.parse(result.stdout.toString('utf8')) as ReadBackJson) : undefined;
  const stream = parsed?.streams?.[0];
  const durationSeconds = Number(parsed?.format?.duration);
  if (!stream?.width || !stream.height || !Number.isFinite(durationSeconds)) {
    throw new Error(`ffmpeg wrote an unreadable rendition: ${result.stderrTail}`);
  }
  return { width: stream.width, height: stream.height, durationSeconds };
}

interface ReadBackJson {
  streams?: { width?: number; height?: number }[];
  format?: { duration?: string };
}
