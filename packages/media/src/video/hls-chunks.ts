import { mkdir, rm, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Size } from '../geometry.js';
import { ffmpegFailure } from './errors.js';
import { FFMPEG } from './ffmpeg.js';
import { ladderHasAudio } from './hls-args.js';
import { AUDIO_FILE_NAME, audioArgs, chunkArgs, chunkFileName, type HlsChunk } from './hls-chunk-args.js';
import { planHlsLadder } from './hls-plan.js';
import { rungFilters } from './hls.js';
import { progressReporter } from './progress.js';
import { runProcess } from './run-process.js';
import type { HlsFile, HlsLadderSpec, VideoProbe } from './types.js';

export type { HlsChunk } from './hls-chunk-args.js';

/** What a chunk's files are served as, were they ever served: MPEG-TS. */
export const CHUNK_CONTENT_TYPE = 'video/mp2t';

/**
 * The chunks of a video of `durationSeconds`: one covering everything when it lasts at most
 * `chunkSeconds`, else chunks of `chunkSeconds` rounded to a whole number of segments (at least
 * one), each starting on a segment boundary. A tail shorter than a segment joins the chunk before
 * it: it would be a job for a few frames, or none when the container outlasts the video track.
 */
export function planHlsChunks(durationSeconds: number, segmentSeconds: number, chunkSeconds: number): HlsChunk[] {
  for (const [name, value] of Object.entries({ durationSeconds, segmentSeconds, chunkSeconds })) {
    if (!(Number.isFinite(value) && value > 0)) throw new Error(`planHlsChunks: ${name} must be a positive number, not ${value}`);
  }
  if (durationSeconds <= chunkSeconds) return [{ index: 0, startSeconds: 0, endSeconds: durationSeconds }];
  const length = Math.max(1, Math.round(chunkSeconds / segmentSeconds)) * segmentSeconds;
  const chunks: HlsChunk[] = [];
  for (let index = 0; index * length < durationSeconds; index++) {
    chunks.push({ index, startSeconds: index * length, endSeconds: Math.min(durationSeconds, (index + 1) * length) });
  }
  const tail = chunks.at(-1)!;
  if (chunks.length > 1 && tail.endSeconds - tail.startSeconds < segmentSeconds) {
    chunks.pop();
    chunks.at(-1)!.endSeconds = durationSeconds;
  }
  return chunks;
}

/**
 * Each chunk cut in two at the segment boundary nearest its middle (a chunk of one segment, or
 * whose second half would be shorter than a segment, stays whole), renumbered in order: the
 * pieces a chunked ladder's rungs are rendered in. Finer parts divide the lowest rung's phase
 * evenly among the workers (with the whole file's audio beside them), cover the video sooner, and
 * leave less of the other rungs' last part for one worker to end alone.
 */
export function halveHlsChunks(chunks: readonly HlsChunk[], segmentSeconds: number): HlsChunk[] {
  const pieces: HlsChunk[] = [];
  for (const { startSeconds, endSeconds } of chunks) {
    const cut = startSeconds + Math.round(Math.floor((endSeconds - startSeconds) / segmentSeconds) / 2) * segmentSeconds;
    const halves = cut > startSeconds && endSeconds - cut >= segmentSeconds ? [startSeconds, cut, endSeconds] : [startSeconds, endSeconds];
    for (let i = 0; i + 1 < halves.length; i++) pieces.push({ index: pieces.length, startSeconds: halves[i]!, endSeconds: halves[i + 1]! });
  }
  return pieces;
}

/** The index of the ladder's lowest rung in `planHlsLadder`'s order (highest first): its last. */
export function lowestRung(spec: Pick<HlsLadderSpec, 'width' | 'height'>, probe: Size): number {
  return planHlsLadder(spec, { width: probe.width, height: probe.height }).length - 1;
}

export interface HlsChunkOptions {
  /** Created when missing; the chunk's files are written into it (`chunk-<index>-r<rung>.ts`). */
  outputDir: string;
  threads: number;
  timeoutMs: number;
  signal?: AbortSignal;
  /** 0..1 of the chunk's duration; at most once a second, never backwards. */
  onProgress?: (fraction: number) => void;
}

/**
 * Encodes exactly [start, end) of the input's video (no audio) for the given rungs of the ladder
 * (indices into `planHlsLadder`), from one decode (`chunkArgs`). `input` is a local path or an
 * http(s) URL, read with ranged requests. Timestamps of the files are on the source's timeline.
 * On failure, timeout or abort the files this call would have written are removed; failures are
 * `renderHlsLadder`'s.
 */
export async function renderHlsChunk(
  input: string,
  probe: VideoProbe,
  spec: HlsLadderSpec,
  chunk: HlsChunk,
  rungs: readonly number[],
  opts: HlsChunkOptions,
): Promise<{ files: HlsFile[] }> {
  if (!(opts.timeoutMs > 0)) throw new Error('renderHlsChunk: timeoutMs must be positive');
  assertChunk(chunk, spec.segmentSeconds);
  const plans = await rungFilters(probe, spec);
  if (rungs.length === 0 || new Set(rungs).size !== rungs.length || rungs.some((r) => !Number.isInteger(r) || !plans[r])) {
    throw new Error(`renderHlsChunk: rungs ${JSON.stringify(rungs)} are not distinct rungs of a ladder of ${plans.length}`);
  }
  const dir = resolve(opts.outputDir);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const paths = rungs.map((rung) => join(dir, chunkFileName(chunk.index, rung)));
  try {
    const threads = Math.max(1, Math.floor(opts.threads));
    const totalSeconds = chunk.endSeconds - chunk.startSeconds;
    const onStdout = opts.onProgress ? progressReporter({ totalSeconds, onProgress: opts.onProgress }) : () => undefined;
    const args = chunkArgs({ input, dir, probe, spec, chunk, rungs: rungs.map((index) => ({ index, plan: plans[index]! })), threads });
    const result = await runProcess(FFMPEG, args, { timeoutMs: opts.timeoutMs, signal: opts.signal, onStdout });
    if (result.timedOut || result.exitCode !== 0) throw ffmpegFailure(result, opts.timeoutMs, `ffmpeg HLS chunk ${chunk.index}`);
    const files = await Promise.all(paths.map((path, i) => fileOf(path, chunkFileName(chunk.index, rungs[i]!), CHUNK_CONTENT_TYPE)));
    return { files };
  } catch (error) {
    await Promise.all(paths.map((path) => rm(path, { force: true })));
    throw error;
  }
}

function assertChunk(chunk: HlsChunk, segmentSeconds: number): void {
  const { index, startSeconds, endSeconds } = chunk;
  const onBoundary = Math.abs(startSeconds / segmentSeconds - Math.round(startSeconds / segmentSeconds)) < 1e-6;
  if (!Number.isInteger(index) || index < 0 || !(startSeconds >= 0 && endSeconds > startSeconds) || !onBoundary) {
    throw new Error(`renderHlsChunk: ${JSON.stringify(chunk)} is not a chunk starting on a boundary of ${segmentSeconds} s segments`);
  }
}

/**
 * The whole file's audio, encoded once as the single render's (AAC-LC, stereo), into
 * `audio.m4a` in `outputDir` (created when missing), up to the declared duration plus a segment;
 * null when the spec drops audio or the video has none. The join copies it into every rung, so chunk boundaries never touch the audio.
 */
export async function renderHlsAudio(
  input: string,
  probe: VideoProbe,
  spec: HlsLadderSpec,
  opts: { outputDir: string; timeoutMs: number; signal?: AbortSignal },
): Promise<HlsFile | null> {
  if (!ladderHasAudio(probe, spec)) return null;
  if (!(opts.timeoutMs > 0)) throw new Error('renderHlsAudio: timeoutMs must be positive');
  const dir = resolve(opts.outputDir);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const path = join(dir, AUDIO_FILE_NAME);
  try {
    const result = await runProcess(FFMPEG, audioArgs(input, dir, probe, spec.segmentSeconds), { timeoutMs: opts.timeoutMs, signal: opts.signal });
    if (result.timedOut || result.exitCode !== 0) throw ffmpegFailure(result, opts.timeoutMs, 'ffmpeg HLS audio');
    return await fileOf(path, AUDIO_FILE_NAME, 'audio/mp4');
  } catch (error) {
    await rm(path, { force: true });
    throw error;
  }
}

async function fileOf(path: string, name: string, contentType: string): Promise<HlsFile> {
  return { name, path, contentType, size: (await stat(path)).size };
}
