/**
 * The baseline of the chunked part (bench/chunked.ts): bare ffmpeg making what the worker makes of
 * a video with the default preset, on one core (`taskset -c 0`, one thread), one command after
 * another from a local file: the poster's four WebP variants from one frame, the HLS ladder with
 * every rung from one decode (the streaming bench's command), the 720p MP4 copied out of its rung,
 * and the storyboard's sprite of tiles from one more decode.
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { STORYBOARD_MAX_TILES, STORYBOARD_TILE_WIDTH, type ImageVariantSpec } from '@darkroom/core/presets';
import { bareLadder, inFreshDir, RUNGS, timed } from './streaming.js';
import { DEFAULT_SPECS } from './worker-inputs.js';

/** The core the single worker is pinned to, and the baseline with it. */
export const FIRST_CORE = '0';

const head = ['-hide_banner', '-nostdin', '-v', 'error', '-threads', '1'];

/** A variant's box as ffmpeg's scale (and crop, for `cover`), never enlarged past the frame (`inside`, as sharp's withoutEnlargement). */
function fitFilter({ fit, width, height }: ImageVariantSpec): string {
  if (fit === 'cover') return `scale=${width}:${height}:force_original_aspect_ratio=increase,crop=${width}:${height}`;
  return `scale='min(iw,${width})':'min(ih,${height})':force_original_aspect_ratio=decrease`;
}

/** The poster's image variants: the frame at 1 s (where the worker's poster search starts), one WebP per default image spec. */
function posters(input: string, dir: string): string[] {
  const labels = DEFAULT_SPECS.map((_, i) => `[p${i}]`).join('');
  const graph = `[0:v]format=rgb24,split=${DEFAULT_SPECS.length}${labels};${DEFAULT_SPECS.map((s, i) => `[p${i}]${fitFilter(s)}[o${i}]`).join(';')}`;
  const outputs = DEFAULT_SPECS.flatMap((s, i) => [
    '-map',
    `[o${i}]`,
    '-frames:v',
    '1',
    '-c:v',
    'libwebp',
    '-quality',
    `${s.quality}`,
    join(dir, `${s.name}.webp`),
  ]);
  return [...head, '-ss', '1', '-i', input, '-filter_complex', graph, ...outputs];
}

/** The 720p rendition: the ladder's 720-line rung copied into one progressive MP4, as the worker's remux does. */
async function rendition(dir: string): Promise<string[]> {
  const rung = RUNGS.indexOf('1280x720');
  const segments = (await readdir(dir)).filter((name) => name.startsWith(`r${rung}-`) && name.endsWith('.m4s')).sort();
  const parts = [`r${rung}-init.mp4`, ...segments].map((name) => join(dir, name)).join('|');
  return [...head, '-i', `concat:${parts}`, '-map', '0', '-c', 'copy', '-movflags', '+faststart', '-y', join(dir, '720p.mp4')];
}

/** The storyboard: as many tiles as the worker plans (one a second, at most STORYBOARD_MAX_TILES), 16:9 tiles of the default width. */
function storyboard(input: string, dir: string, durationSeconds: number): string[] {
  const tiles = Math.max(1, Math.min(STORYBOARD_MAX_TILES, Math.ceil(durationSeconds)));
  const width = STORYBOARD_TILE_WIDTH.default;
  const height = Math.round((width * 9) / 16 / 2) * 2;
  const columns = Math.min(10, tiles);
  const interval = (durationSeconds / tiles).toFixed(6);
  const filters = [
    `select='gte(t,selected_n*${interval})'`,
    `scale=${width}:${height}:flags=bicubic`,
    'setsar=1',
    `tile=${columns}x${Math.ceil(tiles / columns)}`,
  ];
  return [
    ...head,
    '-i',
    input,
    '-map',
    '0:v',
    '-vf',
    filters.join(','),
    '-fps_mode',
    'passthrough',
    '-frames:v',
    '1',
    '-c:v',
    'libwebp',
    '-quality',
    '70',
    '-y',
    join(dir, 'storyboard.webp'),
  ];
}

/** Seconds bare ffmpeg takes for the default preset's outputs of `input`, one command after another on one core. */
export async function bareOnOneCore(input: string, durationSeconds: number): Promise<number> {
  const pinned = async (args: string[]) => (await timed('taskset', ['-c', FIRST_CORE, 'ffmpeg', ...args])).seconds;
  return inFreshDir(async (dir) => {
    let seconds = await pinned(posters(input, dir));
    seconds += await pinned(bareLadder(input, dir, 1));
    seconds += await pinned(await rendition(dir));
    seconds += await pinned(storyboard(input, dir, durationSeconds));
    return seconds;
  });
}
