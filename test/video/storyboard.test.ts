import { mkdtemp } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, watchProblems } from '../support/browser.js';
import { screenshot } from '../support/upload-page.js';
import { waitFor } from '../support/services.js';
import { ffmpeg, uploadVideo } from '../support/video.js';
import { setupHarness, setupTenant } from '../support/setup-harness.js';

/**
 * Storyboards (scrub previews) through the real API, bucket and worker: the default preset's
 * `storyboard` variant, its WebVTT file and sprite as the CDN serves them, and both read by
 * Debian's Chromium as a player would (a `<track>` of the video, each tile's sprite loaded).
 */
const harness = setupHarness();
const tenant = setupTenant(harness, 'storyboard');
let browser: Browser;
let asset: any;
let server: Server;
/** A platform's page on an origin of its own: the public bucket's CORS lets any origin read variants. */
let playerPage: string;

/** 12 s of ffmpeg's `testsrc` (it draws a running counter, so every tile differs), with sound. */
async function countingClip(): Promise<string> {
  const out = join(await mkdtemp(join(tmpdir(), 'darkroom-storyboard-')), 'counting.mp4');
  const picture = ['-f', 'lavfi', '-i', 'testsrc=size=320x180:rate=10:duration=12'];
  const sound = ['-f', 'lavfi', '-i', 'sine=frequency=440:duration=12'];
  await ffmpeg([...picture, ...sound, '-shortest', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-c:a', 'aac', out]);
  return out;
}

interface Cue {
  start: number;
  end: number;
  url: string;
  xywh: number[];
}

/** The cues of a storyboard's WebVTT file, read the way a player's parser would (the header, then blank-line separated cues). */
function parseVtt(text: string): Cue[] {
  const [header, ...blocks] = text.trim().split(/\n\n+/);
  expect(header).toBe('WEBVTT');
  const seconds = (t: string) => t.split(':').reduce((sum, part) => sum * 60 + Number(part), 0);
  return blocks.map((block) => {
    const match = /^(\S+) --> (\S+)\n([^#\s]+)#xywh=(\d+),(\d+),(\d+),(\d+)$/.exec(block);
    if (!match) throw new Error(`not a storyboard cue: ${block}`);
    return { start: seconds(match[1]!), end: seconds(match[2]!), url: match[3]!, xywh: match.slice(4).map(Number) };
  });
}

beforeAll(async () => {
  const { asset: queued } = await uploadVideo(tenant.client, await countingClip());
  asset = await tenant.client.waitForAsset(queued.id);
  browser = await launchChromium();
  // Served for real from this machine (Chromium lets only a local page reach the local bucket).
  const html = '<!doctype html><title>Storyboard</title><body style="margin:8px;font:14px sans-serif"></body>';
  server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(html));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  playerPage = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
}, 180_000);
afterAll(async () => {
  server?.close();
  await browser?.close();
});

const storyboardOf = (a: any) => a.variants.find((v: any) => v.name === 'storyboard');

describe('storyboard variant', () => {
  it('the default preset renders a WebVTT file (text/vtt, the variant URL) whose cues point into one WebP sprite beside it', async () => {
    expect(asset).toMatchObject({ status: 'ready', kind: 'video' });
    const board = storyboardOf(asset);
    expect(board).toMatchObject({ kind: 'video', format: 'storyboard', width: 160, height: 90 });
    expect(board.url).toMatch(/\/storyboard-[0-9a-f]{12}\.vtt$/);
    expect(board.duration).toBeCloseTo(12, 0);

    const vtt = await fetch(board.url);
    expect(vtt.status).toBe(200);
    expect(vtt.headers.get('content-type')).toBe('text/vtt');
    expect(vtt.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    const text = await vtt.text();
    const cues = parseVtt(text);
    expect(cues).toHaveLength(12); // a tile a second: 12 s, under the 100-tile cap
    expect(new Set(cues.map((c) => c.url)).size).toBe(1);
    cues.forEach((cue, i) => {
      expect(cue.start).toBeCloseTo(i, 3);
      expect(cue.end).toBeCloseTo(i + 1, 3);
      expect(cue.xywh).toEqual([(i % 10) * 160, Math.floor(i / 10) * 90, 160, 90]);
    });

    const spriteUrl = new URL(cues[0]!.url, board.url).toString();
    expect(spriteUrl).toBe(board.url.replace(/\.vtt$/, '.webp'));
    const sprite = await fetch(spriteUrl);
    expect(sprite.headers.get('content-type')).toBe('image/webp');
    const bytes = Buffer.from(await sprite.arrayBuffer());
    const meta = await sharp(bytes).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['webp', 1600, 180]);
    expect(board.size).toBe(bytes.length + Buffer.byteLength(text));
  });

  it("Chromium reads the WebVTT file as the video's track, and every tile's sprite URL loads at the sprite's size", async () => {
    const board = storyboardOf(asset);
    const rendition = asset.variants.find((v: any) => v.name === '720p');
    const context = await browser.newContext({ viewport: { width: 900, height: 700 } });
    const page = await context.newPage();
    const problems = watchProblems(page, () => false);
    await page.goto(playerPage);
    const result = await page.evaluate(
      async ({ video: videoUrl, vtt }) => {
        const doc = (globalThis as any).document;
        const video = doc.createElement('video');
        Object.assign(video, { crossOrigin: 'anonymous', muted: true, preload: 'metadata', width: 320 });
        video.src = videoUrl;
        const track = doc.createElement('track');
        Object.assign(track, { kind: 'metadata', src: vtt, default: true });
        video.append(track);
        doc.body.append(video);
        track.track.mode = 'hidden';
        await new Promise((resolve, reject) => {
          track.addEventListener('load', resolve);
          track.addEventListener('error', () => reject(new Error(`the track did not load (${track.readyState})`)));
        });
        const cues = [...track.track.cues].map((cue: any) => ({ start: cue.startTime, end: cue.endTime, text: cue.text }));
        const strip = doc.createElement('div');
        strip.style.cssText = 'display:flex;flex-wrap:wrap;gap:4px;margin-top:8px;width:840px';
        doc.body.append(strip);
        const tiles = [];
        for (const cue of cues) {
          const [path, fragment] = cue.text.split('#xywh=');
          const [x, y, w, h] = fragment.split(',').map(Number);
          const url = new URL(path, vtt).toString();
          const image = new (globalThis as any).Image();
          image.src = url;
          await image.decode();
          // What a player shows on hover: the tile cut from the sprite, with the cue's time under it.
          const tile = doc.createElement('figure');
          tile.style.cssText = `margin:0;width:${w}px;height:${h + 18}px`;
          const view = doc.createElement('div');
          view.style.cssText = `width:${w}px;height:${h}px;background:url("${url}") -${x}px -${y}px`;
          const label = doc.createElement('figcaption');
          label.textContent = `${cue.start.toFixed(1)}–${cue.end.toFixed(1)} s`;
          tile.append(view, label);
          strip.append(tile);
          tiles.push({ url, x, y, w, h, naturalWidth: image.naturalWidth, naturalHeight: image.naturalHeight });
        }
        return { cues, tiles };
      },
      { video: rendition.url, vtt: board.url },
    );
    expect(result.cues).toHaveLength(12);
    expect(result.cues[0]).toMatchObject({ start: 0, end: 1 });
    expect(result.cues.at(-1)!.end).toBeCloseTo(12, 1);
    for (const tile of result.tiles) {
      expect(tile.url).toBe(board.url.replace(/\.vtt$/, '.webp'));
      expect([tile.naturalWidth, tile.naturalHeight]).toEqual([1600, 180]);
      expect(tile.x + tile.w).toBeLessThanOrEqual(tile.naturalWidth);
      expect(tile.y + tile.h).toBeLessThanOrEqual(tile.naturalHeight);
    }
    await screenshot(page, 'storyboard');
    expect(problems).toEqual([]);
    await context.close();
  });

  it('a backfill to another tile width replaces both objects, and the old sprite goes with its WebVTT file', async () => {
    const setBoard = async (width: number) =>
      expect((await tenant.client.request('PUT', '/v1/presets/boards', { variants: [{ name: 'board', format: 'storyboard', width }] })).status).toBe(
        200,
      );
    await setBoard(160);
    const { asset: queued } = await uploadVideo(tenant.client, await countingClip(), 'video/mp4', 'boards');
    const first = (await tenant.client.waitForAsset(queued.id)).variants.find((v: any) => v.name === 'board')!;
    expect(first).toMatchObject({ format: 'storyboard', width: 160 });
    expect(await harness.countVariantObjects(tenant.tenantId, queued.id)).toBe(2); // the WebVTT file and its sprite

    await setBoard(96);
    expect((await tenant.client.request('POST', '/v1/presets/boards/backfill', {})).body.queued).toBe(1);
    const replaced = await waitFor('the backfill to replace the storyboard', async () => {
      const now = (await tenant.client.request('GET', `/v1/assets/${queued.id}`)).body;
      const board = now.variants.find((v: any) => v.name === 'board');
      return board && board.url !== first.url ? board : null;
    });
    expect(replaced).toMatchObject({ width: 96, height: 54 });
    await waitFor('the old objects to go', async () => (await harness.countVariantObjects(tenant.tenantId, queued.id)) === 2);
    // Gone (the bucket answers 403 or 404 for a missing key, by whether anyone may list it).
    for (const url of [first.url, first.url.replace(/\.vtt$/, '.webp')]) expect([403, 404]).toContain((await fetch(url)).status);
    for (const url of [replaced.url, replaced.url.replace(/\.vtt$/, '.webp')]) expect((await fetch(url)).status).toBe(200);
  });
});
