import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { probeVideo } from './probe.js';
import { planStoryboard, storyboardVtt, vttTime } from './storyboard-plan.js';
import { copyIntoSprite, renderStoryboard } from './storyboard.js';
import { clip, ffmpeg, outputDir } from './test-clips.js';

const LIMITS = { maxDurationSeconds: 900, maxPixels: 4096 * 2160 };
const OPTIONS = { tileWidth: 160, maxTiles: 100, spriteUrl: 'sprite.webp', threads: 1, timeoutMs: 60_000 };

/** One second each of red, green, blue, white and black: each tile's colour says which second it was taken from. */
const COLOURS = [
  ['red', [255, 0, 0]],
  ['lime', [0, 255, 0]],
  ['blue', [0, 0, 255]],
  ['white', [255, 255, 255]],
  ['black', [0, 0, 0]],
] as const;

async function colourSeconds(): Promise<string> {
  const out = join(await outputDir(), 'colours.mp4');
  const inputs = COLOURS.flatMap(([name]) => ['-f', 'lavfi', '-i', `color=${name}:size=320x180:rate=25:duration=1`]);
  const concat = `${COLOURS.map((_, i) => `[${i}:v]`).join('')}concat=n=${COLOURS.length}:v=1:a=0[v]`;
  await ffmpeg([...inputs, '-filter_complex', concat, '-map', '[v]', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', out]);
  return out;
}

describe('planStoryboard', () => {
  it('spaces at most maxTiles tiles evenly, at least a second apart, in rows of 10', () => {
    expect(planStoryboard({ width: 1920, height: 1080, durationSeconds: 600 }, 160, 100)).toEqual({
      tiles: 100,
      intervalSeconds: 6,
      tile: { width: 160, height: 90 },
      columns: 10,
    });
    expect(planStoryboard({ width: 1920, height: 1080, durationSeconds: 4.5 }, 160, 100)).toMatchObject({
      tiles: 5,
      intervalSeconds: 0.9,
      columns: 5,
    });
    expect(planStoryboard({ width: 1920, height: 1080, durationSeconds: 0.2 }, 160, 100)).toMatchObject({ tiles: 1, columns: 1 });
  });

  it('never enlarges, and keeps tall videos to tiles at most twice as tall as wide', () => {
    expect(planStoryboard({ width: 64, height: 48, durationSeconds: 10 }, 160, 100).tile).toEqual({ width: 64, height: 48 });
    expect(planStoryboard({ width: 1080, height: 1920, durationSeconds: 10 }, 160, 100).tile).toEqual({ width: 160, height: 284 });
    expect(planStoryboard({ width: 1000, height: 5000, durationSeconds: 10 }, 160, 100).tile).toEqual({ width: 64, height: 320 });
  });

  it('gives large tiles fewer of them, so that a sprite stays within 16 megapixels', () => {
    expect(planStoryboard({ width: 1920, height: 1080, durationSeconds: 600 }, 640, 100)).toMatchObject({
      tiles: 69,
      tile: { width: 640, height: 360 },
    });
    expect(planStoryboard({ width: 1080, height: 1920, durationSeconds: 600 }, 640, 100)).toMatchObject({
      tiles: 21,
      tile: { width: 640, height: 1138 },
    });
  });
});

describe('storyboardVtt', () => {
  it('writes one cue per tile pointing into the sprite, the last running to the end', () => {
    const plan = planStoryboard({ width: 320, height: 180, durationSeconds: 12.5 }, 160, 100);
    const vtt = storyboardVtt(plan, 13, 12.5, 'b-1.webp');
    const blocks = vtt.split('\n\n');
    expect(blocks[0]).toBe('WEBVTT');
    expect(blocks).toHaveLength(14);
    expect(blocks[1]).toBe('00:00:00.000 --> 00:00:00.962\nb-1.webp#xywh=0,0,160,90');
    expect(blocks[11]).toBe('00:00:09.615 --> 00:00:10.577\nb-1.webp#xywh=0,90,160,90');
    expect(blocks[13]).toBe('00:00:11.538 --> 00:00:12.500\nb-1.webp#xywh=320,90,160,90\n');
  });

  it('writes WebVTT timestamps', () => {
    expect(vttTime(0)).toBe('00:00:00.000');
    expect(vttTime(3661.5)).toBe('01:01:01.500');
    expect(vttTime(360_000)).toBe('100:00:00.000');
  });
});

describe('copyIntoSprite', () => {
  it('puts each frame in its tile whatever sizes the chunks arrive in', () => {
    const plan = { tiles: 5, intervalSeconds: 1, tile: { width: 2, height: 2 }, columns: 3 };
    const frameBytes = 2 * 2 * 3;
    const frames = Buffer.concat([1, 2, 3, 4, 5].map((n) => Buffer.alloc(frameBytes, n)));
    const sprite = Buffer.alloc(6 * 4 * 3);
    let received = 0;
    for (let at = 0; at < frames.length; at += 7) received = copyIntoSprite(sprite, plan, received, frames.subarray(at, at + 7));
    expect(received).toBe(frames.length);
    const pixel = (x: number, y: number) => sprite[(y * 6 + x) * 3];
    expect([0, 2, 4].map((x) => pixel(x, 0))).toEqual([1, 2, 3]);
    expect([1, 3, 5].map((x) => pixel(x, 1))).toEqual([1, 2, 3]);
    expect([0, 2, 4].map((x) => pixel(x, 2))).toEqual([4, 5, 0]);
    expect(pixel(5, 3)).toBe(0);
  });
});

describe('renderStoryboard', () => {
  it('takes a tile from each second into a WebP sprite the cues point into', async () => {
    const path = await colourSeconds();
    const result = await renderStoryboard(path, await probeVideo(path, LIMITS), OPTIONS);
    expect(result).toMatchObject({ tiles: 5, tileWidth: 160, tileHeight: 90, spriteWidth: 800, spriteHeight: 90 });
    const { data, info } = await sharp(result.sprite).raw().toBuffer({ resolveWithObject: true });
    expect((await sharp(result.sprite).metadata()).format).toBe('webp');
    const cues = [...result.vtt.matchAll(/#xywh=(\d+),(\d+),(\d+),(\d+)/g)].map((m) => m.slice(1).map(Number));
    expect(cues).toHaveLength(5);
    cues.forEach(([x, y, w, h], i) => {
      const at = ((y! + h! / 2) * info.width + x! + w! / 2) * info.channels;
      const [r, g, b] = data.subarray(at, at + 3);
      for (const [c, value] of COLOURS[i]![1].entries()) expect(Math.abs([r, g, b][c]! - value), `tile ${i}`).toBeLessThan(40);
    });
  });

  it('gives fewer tiles, not an error, when the picture ends long before the sound', async () => {
    const out = join(await outputDir(), 'short-picture.mp4');
    const picture = ['-f', 'lavfi', '-i', 'testsrc2=size=128x72:rate=10:duration=2'];
    const sound = ['-f', 'lavfi', '-i', 'anullsrc=r=8000:cl=mono', '-t', '60'];
    await ffmpeg([...picture, ...sound, '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-c:a', 'aac', out]);
    const probe = await probeVideo(out, LIMITS);
    expect(probe.durationSeconds).toBeGreaterThan(59);
    const result = await renderStoryboard(out, probe, OPTIONS);
    expect(result.tiles).toBeGreaterThanOrEqual(1);
    expect(result.tiles).toBeLessThanOrEqual(2);
    expect(result.vtt.trim().endsWith(`#xywh=${(result.tiles - 1) * result.tileWidth},0,128,72`)).toBe(true);
    expect(result.vtt).toContain('--> 00:01:00.0');
  });

  it('turns a rotated video upright', async () => {
    const path = await clip('rotated.mp4');
    const result = await renderStoryboard(path, await probeVideo(path, LIMITS), OPTIONS);
    expect([result.tileWidth, result.tileHeight]).toEqual([72, 128]);
  });

  it('stops ffmpeg when aborted', async () => {
    const path = await clip('ten-seconds.mp4');
    const controller = new AbortController();
    controller.abort(new Error('stop'));
    await expect(renderStoryboard(path, await probeVideo(path, LIMITS), { ...OPTIONS, signal: controller.signal })).rejects.toMatchObject({
      name: 'AbortError',
    });
  });
});
