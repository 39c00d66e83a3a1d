import sharp from 'sharp';
import { ERRORS } from '@darkroom/core/error-factories';
import { readLimitArgs } from './declared-bounds.js';
import { ffmpegFailure } from './errors.js';
import { FFMPEG, untrustedInput } from './ffmpeg.js';
import { canToneMap, toneMapFilter } from './filters.js';
import { runProcess } from './run-process.js';
import { planStoryboard, spriteSize, storyboardVtt, tileSelectExpression, type StoryboardPlan } from './storyboard-plan.js';
import type { VideoProbe } from './types.js';

export interface StoryboardOptions {
  /** Of one tile (never enlarged past the video's own width). */
  tileWidth: number;
  /** At most this many tiles, evenly spaced over the duration. */
  maxTiles: number;
  /** What the cues call the sprite: a URL relative to the WebVTT file's. */
  spriteUrl: string;
  /** Threads ffmpeg's decoder and filters may use. */
  threads: number;
  timeoutMs: number;
  signal?: AbortSignal | undefined;
  /** 0..1: the share of the tiles taken so far. */
  onProgress?: ((fraction: number) => void) | undefined;
}

export interface StoryboardResult {
  /** The sprite, WebP. */
  sprite: Buffer;
  spriteWidth: number;
  spriteHeight: number;
  /** The WebVTT file's text. */
  vtt: string;
  tileWidth: number;
  tileHeight: number;
  tiles: number;
}

/** The sprite's WebP quality: tiles are small previews, seen for a moment while scrubbing. */
const SPRITE_QUALITY = 70;
const CHANNELS = 3;

/**
 * Scrub previews of a probed video: one ffmpeg pass decodes it once, picks a frame per tile
 * (`select`), scales each to the tile size and prints it as raw RGB; each frame is copied into its
 * place in one sprite buffer as it arrives (so memory is the sprite, whatever the video's length),
 * and sharp encodes the sprite as WebP. A video whose picture ends before its sound gives fewer
 * tiles, never an error; one without a single decodable frame is `corrupt_video`.
 */
export async function renderStoryboard(path: string, probe: VideoProbe, opts: StoryboardOptions): Promise<StoryboardResult> {
  const plan = planStoryboard({ width: probe.width, height: probe.height, durationSeconds: probe.durationSeconds }, opts.tileWidth, opts.maxTiles);
  const toneMap = probe.hdr !== null && (await canToneMap()) ? toneMapFilter(probe.hdr) : undefined;
  const full = spriteSize(plan, plan.tiles);
  const sprite = Buffer.alloc(full.width * full.height * CHANNELS);
  const frameBytes = plan.tile.width * plan.tile.height * CHANNELS;
  let received = 0;
  const onStdout = (chunk: Buffer): boolean => {
    received = copyIntoSprite(sprite, plan, received, chunk);
    opts.onProgress?.(Math.floor(received / frameBytes) / plan.tiles);
    return received < plan.tiles * frameBytes;
  };
  const result = await runProcess(FFMPEG, storyboardArgs(path, probe, plan, { threads: opts.threads, toneMap }), {
    timeoutMs: opts.timeoutMs,
    signal: opts.signal,
    onStdout,
  });
  if (result.timedOut || (result.exitCode !== 0 && !result.stoppedEarly)) throw ffmpegFailure(result, opts.timeoutMs, 'ffmpeg storyboard');
  const count = Math.floor(received / frameBytes);
  if (count === 0) throw ERRORS.corruptVideo(`no frame decoded for the storyboard. ${result.stderrTail}`.trim());
  const size = spriteSize(plan, count);
  const webp = await sharp(sprite.subarray(0, size.width * size.height * CHANNELS), { raw: { ...size, channels: CHANNELS } })
    .webp({ quality: SPRITE_QUALITY })
    .toBuffer();
  return {
    sprite: webp,
    spriteWidth: size.width,
    spriteHeight: size.height,
    vtt: storyboardVtt(plan, count, probe.durationSeconds, opts.spriteUrl),
    tileWidth: plan.tile.width,
    tileHeight: plan.tile.height,
    tiles: count,
  };
}

/**
 * Copies raw RGB frames, arriving in chunks of any size, into their tiles: frame i goes to column
 * i mod columns, row i div columns. Bytes past the last tile are ignored. Returns the bytes received so far.
 */
export function copyIntoSprite(sprite: Buffer, plan: StoryboardPlan, receivedBefore: number, chunk: Buffer): number {
  const rowBytes = plan.tile.width * CHANNELS;
  const frameBytes = rowBytes * plan.tile.height;
  const spriteRowBytes = plan.columns * rowBytes;
  const end = Math.min(receivedBefore + chunk.length, plan.tiles * frameBytes);
  let at = receivedBefore;
  while (at < end) {
    const frame = Math.floor(at / frameBytes);
    const row = Math.floor((at % frameBytes) / rowBytes);
    const column = at % rowBytes;
    const length = Math.min(rowBytes - column, end - at);
    const y = Math.floor(frame / plan.columns) * plan.tile.height + row;
    const target = y * spriteRowBytes + (frame % plan.columns) * rowBytes + column;
    chunk.copy(sprite, target, at - receivedBefore, at - receivedBefore + length);
    at += length;
  }
  return receivedBefore + chunk.length;
}

/**
 * The one ffmpeg pass: only the chosen video stream, the tiles' frames selected before any
 * scaling (the others are decoded and dropped), scaled to the tile with square pixels, HDR mapped
 * to SDR when this ffmpeg can, as 8-bit RGB; `passthrough` so no frame is duplicated to fill a rate;
 * the input read up to its declared duration and a little (`readLimitArgs`).
 */
function storyboardArgs(path: string, probe: VideoProbe, plan: StoryboardPlan, o: { threads: number; toneMap: string | undefined }): string[] {
  const filters = [
    `select=${tileSelectExpression(plan.intervalSeconds)}`,
    `scale=${plan.tile.width}:${plan.tile.height}:flags=bicubic`,
    'setsar=1',
    ...(o.toneMap ? [o.toneMap] : []),
    'format=rgb24',
  ];
  const threads = `${Math.max(1, Math.floor(o.threads))}`;
  return [
    ...['-hide_banner', '-nostdin', '-v', 'error', '-threads', threads],
    ...readLimitArgs(probe),
    ...untrustedInput(path),
    ...['-map', `0:${probe.videoStreamIndex}`, '-an', '-sn', '-dn', '-map_metadata', '-1'],
    ...['-vf', filters.join(','), '-filter_threads', threads, '-fps_mode', 'passthrough'],
    ...['-frames:v', `${plan.tiles}`, '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1'],
  ];
}
