import type { Size } from '../geometry.js';
import { planFrame } from './filters.js';

/** Tiles closer together than this show the same scene twice: a short clip gets fewer tiles. */
export const STORYBOARD_MIN_INTERVAL_SECONDS = 1;
/** Tiles per row of the sprite: 100 tiles make a 10×10 sprite. */
export const STORYBOARD_COLUMNS = 10;
/** A tile is at most this many times as tall as it is wide (a very tall video gets narrower tiles), which bounds the sprite's pixels. */
const MAX_TILE_ASPECT = 2;
/** The sprite's pixels at most (48 MB as raw RGB): large tiles get fewer of them. */
export const STORYBOARD_MAX_SPRITE_PIXELS = 16_000_000;

export interface StoryboardPlan {
  /** Tiles asked of ffmpeg; a video whose picture ends early gives fewer. */
  tiles: number;
  /** Seconds between two tiles: each tile is the first frame at or after `i × interval`. */
  intervalSeconds: number;
  /** Each tile's size: the displayed frame inside `tileWidth` × 2·`tileWidth`, never enlarged, even sides. */
  tile: Size;
  columns: number;
}

/** How many tiles, how far apart and how large, for a video of this displayed size and duration. */
export function planStoryboard(video: Size & { durationSeconds: number }, tileWidth: number, maxTiles: number): StoryboardPlan {
  const duration = Math.max(0, video.durationSeconds);
  const { output } = planFrame({ fit: 'inside', width: tileWidth, height: tileWidth * MAX_TILE_ASPECT }, video);
  const fit = Math.floor(STORYBOARD_MAX_SPRITE_PIXELS / (output.width * output.height));
  const tiles = Math.max(1, Math.min(maxTiles, fit, Math.ceil(duration / STORYBOARD_MIN_INTERVAL_SECONDS)));
  return { tiles, intervalSeconds: duration / tiles, tile: output, columns: Math.min(STORYBOARD_COLUMNS, tiles) };
}

/** The sprite's size when it holds `count` tiles of the plan. */
export function spriteSize(plan: StoryboardPlan, count: number): Size {
  return { width: plan.columns * plan.tile.width, height: Math.ceil(count / plan.columns) * plan.tile.height };
}

/**
 * ffmpeg's `select` expression for the tiles: the first frame at or after each tile's time
 * (`selected_n` counts the frames already taken), so the first tile is always the first frame and
 * a frame rate that varies never shifts the later tiles.
 */
export function tileSelectExpression(intervalSeconds: number): string {
  return `gte(t\\,selected_n*${intervalSeconds.toFixed(6)})`;
}

/**
 * The WebVTT file: one cue per tile, from its time to the next tile's (the last to the end of the
 * video), its text the sprite's URL with the tile's place as a media fragment (`#xywh=x,y,w,h`).
 */
export function storyboardVtt(plan: StoryboardPlan, count: number, durationSeconds: number, spriteUrl: string): string {
  const cues: string[] = [];
  const { width, height } = plan.tile;
  for (let i = 0; i < count; i++) {
    const start = i * plan.intervalSeconds;
    const end = i === count - 1 ? Math.max(durationSeconds, start + 0.001) : (i + 1) * plan.intervalSeconds;
    const x = (i % plan.columns) * width;
    const y = Math.floor(i / plan.columns) * height;
    cues.push(`${vttTime(start)} --> ${vttTime(end)}\n${spriteUrl}#xywh=${x},${y},${width},${height}`);
  }
  return `WEBVTT\n\n${cues.join('\n\n')}\n`;
}

/** `hh:mm:ss.ttt`, as WebVTT writes a timestamp (hours may pass 99). */
export function vttTime(seconds: number): string {
  const ms = Math.max(0, Math.round(seconds * 1000));
  const pad = (n: number, width = 2) => String(n).padStart(width, '0');
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor(ms / 60_000) % 60;
  const s = Math.floor(ms / 1000) % 60;
  return `${pad(h)}:${pad(m)}:${pad(s)}.${pad(ms % 1000, 3)}`;
}
