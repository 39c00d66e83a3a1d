import { mkdir, rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import { assertJoinedWithinDeclared } from './declared-bounds.js';
import { ffmpegFailure } from './errors.js';
import { FFMPEG } from './ffmpeg.js';
import { joinArgs } from './hls-chunk-args.js';
import { finishLadder, readRung, rungFilters } from './hls.js';
import { runProcess } from './run-process.js';
import type { HlsLadderResult, HlsLadderSpec, VideoProbe } from './types.js';

export interface HlsLadderParts {
  /** Local paths of each rung's chunk files, in chunk order: `chunkFiles[rung][chunk]`; rungs not joined may be missing. */
  chunkFiles: readonly (readonly string[] | undefined)[];
  /** `renderHlsAudio`'s file, or null for a ladder without audio. */
  audio: string | null;
}

/**
 * Joins, without encoding anything again, each of `rungs` (indices into `planHlsLadder`): its
 * chunks' files and the audio, copied into its media playlist, init segment and segments under the
 * single render's names (`HLS_NAMES`), then the master playlist listing only those rungs (so an
 * interim master can list the lowest rung alone). `outputDir` is created here and removed whole on
 * failure, as `renderHlsLadder`'s; the result is what it returns.
 */
export async function joinHlsLadder(
  parts: HlsLadderParts,
  probe: VideoProbe,
  spec: HlsLadderSpec,
  rungs: readonly number[],
  opts: { outputDir: string; timeoutMs: number; signal?: AbortSignal },
): Promise<HlsLadderResult> {
  if (!(opts.timeoutMs > 0)) throw new Error('joinHlsLadder: timeoutMs must be positive');
  const plans = await rungFilters(probe, spec);
  const listed = [...rungs].sort((a, b) => a - b);
  if (listed.length === 0 || new Set(listed).size !== listed.length || listed.some((r) => !Number.isInteger(r) || !plans[r])) {
    throw new Error(`joinHlsLadder: rungs ${JSON.stringify(rungs)} are not distinct rungs of a ladder of ${plans.length}`);
  }
  const files = listed.map((rung) => chunkPathsOf(parts, rung));
  const audio = parts.audio === null ? null : resolve(parts.audio);
  const dir = resolve(opts.outputDir);
  await mkdir(dir, { mode: 0o700 });
  try {
    const deadline = Date.now() + opts.timeoutMs;
    for (const [i, rung] of listed.entries()) {
      const timeoutMs = Math.max(1, deadline - Date.now());
      const args = joinArgs(dir, probe, spec.segmentSeconds, rung, files[i]!, audio);
      const result = await runProcess(FFMPEG, args, { timeoutMs, signal: opts.signal });
      if (result.timedOut || result.exitCode !== 0) throw ffmpegFailure(result, opts.timeoutMs, `ffmpeg HLS join of rung ${rung}`);
    }
    const read = await Promise.all(listed.map((rung) => readRung(dir, rung, plans[rung]!, audio !== null)));
    const ladder = await finishLadder(
      dir,
      probe,
      listed.map((rung) => plans[rung]!),
      read,
    );
    assertJoinedWithinDeclared(ladder.durationSeconds, probe, spec.segmentSeconds);
    return ladder;
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}

/** A rung's chunk files as absolute paths; `|` would split a name in ffmpeg's `concat:` list, so it is refused. */
function chunkPathsOf(parts: HlsLadderParts, rung: number): string[] {
  const paths = parts.chunkFiles[rung];
  if (!paths || paths.length === 0) throw new Error(`joinHlsLadder: no chunk files for rung ${rung}`);
  return paths.map((path) => {
    if (path.includes('|')) throw new Error(`joinHlsLadder: a chunk file's path may not contain "|": ${path}`);
    return resolve(path);
  });
}
