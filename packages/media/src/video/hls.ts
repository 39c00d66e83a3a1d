import { randomUUID } from 'node:crypto';
import { HLS_MASTER_PLAYLIST as HLS_MASTER } from '@darkroom/core/keys';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { ffmpegFailure } from './errors.js';
import { FFMPEG } from './ffmpeg.js';
import { canToneMap, videoFilter, type VideoFilterPlan } from './filters.js';
import { HLS_NAMES, hlsArgs, ladderHasAudio } from './hls-args.js';
import { planHlsLadder } from './hls-plan.js';
import { AAC_LC, avcCodecOf, masterPlaylist, measureBandwidth, parseMediaPlaylist } from './hls-playlist.js';
import { progressReporter } from './progress.js';
import { runProcess } from './run-process.js';
import { CONTENT_TYPES, MAX_OUTPUT_FPS } from './transcode-args.js';
import { readBack } from './transcode.js';
import type { HlsFile, HlsLadderOptions, HlsLadderResult, HlsLadderSpec, HlsRung, TranscodeResult, VideoProbe } from './types.js';

/** What each file of a ladder is served as. */
export const HLS_CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.m3u8': 'application/vnd.apple.mpegurl',
  '.mp4': 'video/mp4',
  '.m4s': 'video/iso.segment',
};

/**
 * Renders an adaptive ladder (HLS, fMP4 segments) of a probed video with one ffmpeg (`hlsArgs`),
 * then measures each rung and writes the master playlist. Everything goes in `outputDir`, which
 * is created here and removed whole when the render fails, times out or is aborted. Failures are
 * what `transcodeVideo`'s are: an `AbortError`, a BadMediaError, `render_timeout`, or a plain Error.
 */
export async function renderHlsLadder(input: string, probe: VideoProbe, spec: HlsLadderSpec, opts: HlsLadderOptions): Promise<HlsLadderResult> {
  if (!(opts.timeoutMs > 0)) throw new Error('renderHlsLadder: timeoutMs must be positive');
  if (!(spec.quality >= 1 && spec.quality <= 100)) throw new Error(`renderHlsLadder: quality ${spec.quality} is outside 1..100`);
  const plans = await rungFilters(probe, spec);
  const dir = resolve(opts.outputDir);
  await mkdir(dir, { mode: 0o700 });
  try {
    const threads = Math.max(1, Math.floor(opts.threads));
    const onStdout = opts.onProgress ? progressReporter({ totalSeconds: probe.durationSeconds, onProgress: opts.onProgress }) : () => undefined;
    const args = hlsArgs({ input, dir, probe, spec, plans, threads });
    const result = await runProcess(FFMPEG, args, { timeoutMs: opts.timeoutMs, signal: opts.signal, onStdout });
    if (result.timedOut || result.exitCode !== 0) throw ffmpegFailure(result, opts.timeoutMs, 'ffmpeg HLS ladder');
    const rungs = await Promise.all(plans.map((plan, i) => readRung(dir, i, plan, ladderHasAudio(probe, spec))));
    return await finishLadder(dir, probe, plans, rungs);
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}

/**
 * The master playlist over `rungs` (as read back, highest first, made with `plans`), and the
 * ladder's result: every file in `dir`, their size, the duration of the first rung listed.
 */
export async function finishLadder(
  dir: string,
  probe: VideoProbe,
  plans: readonly VideoFilterPlan[],
  rungs: readonly HlsRung[],
): Promise<HlsLadderResult> {
  await writeFile(join(dir, HLS_MASTER), masterPlaylist(rungs, Math.min(probe.fps, MAX_OUTPUT_FPS)), { mode: 0o600 });
  const files = await filesOf(dir);
  return {
    dir,
    master: HLS_MASTER,
    files,
    rungs: [...rungs],
    durationSeconds: rungs[0]!.seconds,
    size: files.reduce((sum, f) => sum + f.size, 0),
    toneMapped: plans.some((p) => p.toneMapped),
    hdrKept: plans.some((p) => p.hdrKept),
  };
}

/** Each rung's filter chain, highest first: what every rung is made with, in one process or in chunks. */
export async function rungFilters(probe: VideoProbe, spec: HlsLadderSpec): Promise<VideoFilterPlan[]> {
  const toneMap = probe.hdr !== null && (await canToneMap());
  const source = { width: probe.width, height: probe.height };
  // Each rung's chain from its box, not its even-rounded output: `planFrame` of an output is not always that output again.
  return planHlsLadder(spec, source).map((rung) => videoFilter(probe, { fit: 'inside', ...rung.box }, toneMap));
}

/** One rung as ffmpeg wrote it: its playlist read back, its segments measured, its codecs from its init segment. */
export async function readRung(dir: string, index: number, plan: VideoFilterPlan, withAudio: boolean): Promise<HlsRung> {
  const playlist = HLS_NAMES.playlist(index);
  const listed = parseMediaPlaylist(await readFile(join(dir, playlist), 'utf8'));
  const sized = await Promise.all(listed.segments.map(async (s) => ({ ...s, size: (await stat(join(dir, s.name))).size })));
  const avc = avcCodecOf(await readFile(join(dir, listed.init)));
  return {
    ...plan.frame.output,
    ...measureBandwidth(sized),
    codecs: withAudio ? `${avc},${AAC_LC}` : avc,
    playlist,
    segments: [listed.init, ...listed.segments.map((s) => s.name)],
    seconds: sized.reduce((sum, s) => sum + s.seconds, 0),
  };
}

/** Every file in a ladder's directory, with the type it is served as; a file a ladder has no business holding is refused. */
export async function filesOf(dir: string): Promise<HlsFile[]> {
  const names = (await readdir(dir)).sort();
  return Promise.all(
    names.map(async (name) => {
      const contentType = HLS_CONTENT_TYPES[extname(name)];
      if (!contentType) throw new Error(`HLS ladder: unexpected file ${name}`);
      const path = join(dir, name);
      return { name, path, contentType, size: (await stat(path)).size };
    }),
  );
}

/**
 * A rung of a rendered ladder as a progressive MP4 (`+faststart`), by copying its streams, not
 * encoding them again: what a preset's MP4 rendition of the rung's size and quality is made from.
 * Written under a temporary name and renamed into place, as `transcodeVideo`'s output.
 */
export async function remuxRung(
  ladder: HlsLadderResult,
  rung: number,
  opts: { outputPath: string; timeoutMs: number; signal?: AbortSignal },
): Promise<TranscodeResult> {
  const outputPath = resolve(opts.outputPath);
  const partial = join(dirname(outputPath), `.${basename(outputPath)}.${randomUUID()}.part`);
  const joined = `${partial}.fragmented.mp4`;
  try {
    // One pipeline for every segment: one per segment left its listeners on the file's stream.
    const segments = ladder.rungs[rung]!.segments.map((name) => join(ladder.dir, name));
    await pipeline(
      async function* () {
        for (const segment of segments) yield* createReadStream(segment);
      },
      createWriteStream(joined, { mode: 0o600 }),
    );
    const args = ['-hide_banner', '-nostdin', '-v', 'error', '-format_whitelist', 'mov,mp4', '-protocol_whitelist', 'file', '-i', `file:${joined}`];
    args.push('-map', '0', '-c', 'copy', '-map_metadata', '-1', '-movflags', '+faststart', '-f', 'mp4', '-y', `file:${partial}`);
    const result = await runProcess(FFMPEG, args, { timeoutMs: opts.timeoutMs, signal: opts.signal });
    if (result.timedOut || result.exitCode !== 0) throw ffmpegFailure(result, opts.timeoutMs, 'ffmpeg remux of a rung');
    const written = await readBack(partial, opts.signal);
    await rename(partial, outputPath);
    const size = (await stat(outputPath)).size;
    return { path: outputPath, ...written, size, contentType: CONTENT_TYPES.mp4, toneMapped: ladder.toneMapped, hdrKept: ladder.hdrKept };
  } finally {
    await Promise.all([rm(partial, { force: true }), rm(joined, { force: true })]);
  }
}
