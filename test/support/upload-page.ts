import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import sharp from 'sharp';
import type { JsonBody } from '@darkroom/client';
import { expect } from 'vitest';
import type { TestApi } from './client.js';

// Code that runs in the page (page.evaluate): the DOM's types, without the DOM lib, whose fetch
// types would clash with Node's across the test program.
declare const document: { querySelector(selector: string): PageNode | null };
declare const MutationObserver: new (callback: (records: { target: PageNode }[]) => void) => { observe(node: PageNode, options: object): void };
declare const window: { darkroomProgress?: Record<string, number[]> };
type PageNode = {
  closest(selector: string): PageNode | null;
  querySelector(selector: string): PageNode | null;
  textContent: string | null;
  value?: number;
};
export type PageImage = { complete: boolean; naturalWidth: number; src: string };

/**
 * The page's origin in the tests: one of CORS_ORIGINS (test/test-env.ts), which the test buckets let
 * PUT and expose ETag to. launchChromiumAt() sends it to the harness's own port.
 */
export const PAGE_ORIGIN = 'http://localhost:5173';

/** Screenshots the browser tests write (gitignored): look at them after a run. */
export const ARTIFACTS = new URL('../../test-artifacts/', import.meta.url).pathname;

export async function screenshot(page: Page, name: string): Promise<string> {
  await mkdir(ARTIFACTS, { recursive: true });
  const path = join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** A browser upload token for the tenant, as its platform's backend would mint one. */
export async function mintUploadToken(tenant: TestApi, body: JsonBody<'/v1/upload-tokens', 'post'> = {}): Promise<string> {
  return (await tenant.withUploadToken(body)).token!;
}

/**
 * A JPEG of at least 32 MiB (MULTIPART_THRESHOLD_BYTES: a multipart upload in 3 parts of 16 MiB)
 * that really decodes and renders: a colour gradient under strong noise, which JPEG cannot shrink.
 * Written to a file so the browser gets it with a stable lastModified, as a picked file has.
 */
export async function writeBigJpeg(name = 'big-noise.jpg'): Promise<string> {
  const width = 4400;
  const height = 4000;
  const raw = randomBytes(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      raw[i] = Math.min(255, (x / width) * 200 + (raw[i]! & 63));
      raw[i + 1] = Math.min(255, (y / height) * 160 + (raw[i + 1]! & 63));
      raw[i + 2] = Math.min(255, 180 - (x / width) * 120 + (raw[i + 2]! & 63));
    }
  }
  const jpeg = await sharp(raw, { raw: { width, height, channels: 3 } })
    .jpeg({ quality: 100, chromaSubsampling: '4:4:4' })
    .toBuffer();
  if (jpeg.byteLength < 32 * 1024 * 1024) throw new Error(`the big JPEG came out at ${jpeg.byteLength} bytes, under 32 MiB`);
  const path = join(await mkdtemp(join(tmpdir(), 'darkroom-upload-page-')), name);
  await writeFile(path, jpeg);
  return path;
}

/** The card of the file with this name on the upload page. */
export function card(page: Page, filename: string): Locator {
  return page.locator('li.file').filter({ has: page.locator('.name', { hasText: filename }) });
}

/**
 * Records every value each card's progress bar takes, by file name, as the page sets them (a
 * MutationObserver in the page): polling from the test would miss most of a fast upload.
 */
export async function recordProgress(page: Page): Promise<void> {
  await page.evaluate(() => {
    const seen: Record<string, number[]> = {};
    window.darkroomProgress = seen;
    new MutationObserver((records) => {
      for (const { target } of records) {
        const name = target.closest('li.file')?.querySelector('.name')?.textContent ?? '?';
        seen[name] ??= [];
        seen[name].push(Number(target.value));
      }
    }).observe(document.querySelector('#files')!, { subtree: true, attributes: true, attributeFilter: ['value'] });
  });
}

export function progressValues(page: Page, filename: string): Promise<number[]> {
  return page.evaluate((name) => window.darkroomProgress?.[name] ?? [], filename);
}

/** An image on the page once it has loaded (0 while it has not, or did not decode). */
export async function loadedWidth(image: Locator): Promise<number> {
  await image.scrollIntoViewIfNeeded();
  return image.evaluate((img: PageImage) => (img.complete ? img.naturalWidth : 0));
}

declare const DataTransfer: new () => { items: { add(file: unknown): void } };
declare const File: new (parts: unknown[], name: string, options: { type: string }) => unknown;
declare const DragEvent: new (type: string, init: object) => unknown;
declare function atob(text: string): string;

/**
 * Drops files on the page's drop zone as a person dragging them from a file manager would: a real
 * DragEvent carrying a DataTransfer with the files (small ones: their bytes cross into the page).
 */
export async function dropFiles(page: Page, selector: string, files: { name: string; type: string; bytes: Buffer }[]): Promise<void> {
  const payload = files.map((f) => ({ name: f.name, type: f.type, base64: f.bytes.toString('base64') }));
  await page.locator(selector).evaluate((zone: { dispatchEvent(event: unknown): boolean }, list) => {
    const transfer = new DataTransfer();
    for (const f of list) transfer.items.add(new File([Uint8Array.from(atob(f.base64), (c) => c.charCodeAt(0))], f.name, { type: f.type }));
    zone.dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));
  }, payload);
}

/** A media element (`<video>`, `<audio>`) as a test reads it in the page. */
export type Media = {
  currentTime: number;
  paused: boolean;
  error: { code: number } | null;
  src: string;
  currentSrc: string;
  muted: boolean;
  play(): Promise<void>;
};

/**
 * Starts a media element (muted: a page may start muted media without a click) and returns its time
 * once it has moved past `past` seconds (a media error ends the wait: its code, negated, is not past).
 */
export async function playsPast(player: Locator, past: number, timeout = 60_000): Promise<number> {
  await player.evaluate((m: Media) => {
    m.muted = true;
    return m.play();
  });
  await expect.poll(() => player.evaluate((m: Media) => (m.error ? -m.error.code : m.currentTime)), { timeout }).toBeGreaterThan(past);
  return player.evaluate((m: Media) => m.currentTime);
}

/** A `<video>` as a test reads its frames in the page. */
type PageVideo = Media & {
  poster: string;
  crossOrigin: string | null;
  pause(): void;
  requestVideoFrameCallback(callback: (now: number, frame: { width: number; height: number; mediaTime: number }) => void): number;
};
declare const Image: new () => {
  crossOrigin: string | null;
  src: string;
  naturalWidth: number;
  onload: (() => void) | null;
  onerror: (() => void) | null;
};

/**
 * Brings a video into view and waits until one of its frames has been presented there, then pauses
 * on it, so that a screenshot shows that frame; returns the frame's size and time. A video that
 * plays below the fold is decoded but hands the compositor no frame, and a full-page screenshot,
 * which shows it only for the capture, can catch its box before any frame reaches it: blank.
 */
async function pauseOnPresentedFrame(player: Locator, timeout = 30_000): Promise<{ width: number; height: number; mediaTime: number }> {
  await player.scrollIntoViewIfNeeded();
  return player.evaluate(
    (video: PageVideo, ms) =>
      new Promise((resolve, reject) => {
        const late = setTimeout(() => reject(new Error(`no frame presented within ${ms} ms`)), ms);
        video.requestVideoFrameCallback((_now, frame) => {
          clearTimeout(late);
          video.pause();
          resolve({ width: frame.width, height: frame.height, mediaTime: frame.mediaTime });
        });
        // An ended video starts again from its first frame.
        if (video.paused) void video.play();
      }),
    timeout,
  );
}

/** The width of a video's poster as the page loads it (as the video would: its CORS mode, the page's CSP); 0 when it fails. */
export function loadedPosterWidth(player: Locator): Promise<number> {
  return player.evaluate(
    (video: PageVideo) =>
      new Promise<number>((resolve) => {
        const image = new Image();
        image.crossOrigin = video.crossOrigin;
        image.onload = () => resolve(image.naturalWidth);
        image.onerror = () => resolve(0);
        image.src = video.poster;
      }),
  );
}

/** How many colours a screenshot (PNG) holds: one for a blank box. */
async function distinctColours(png: Buffer): Promise<number> {
  const { data, info } = await sharp(png).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const seen = new Set<number>();
  for (let i = 0; i < data.length; i += info.channels) seen.add((data[i]! << 16) | (data[i + 1]! << 8) | data[i + 2]!);
  return seen.size;
}

/** A video shows a frame of itself, decoded and presented, paused on it for the page's screenshot: not an empty box. */
export async function expectFrameShown(player: Locator): Promise<void> {
  expect((await pauseOnPresentedFrame(player)).width).toBeGreaterThan(0);
  expect(await distinctColours(await player.screenshot())).toBeGreaterThan(16);
}

/** The gallery's figure of the variant named `name`, in a card or the page. */
export const variantOf = (page: Page | Locator, name: string) => page.locator(`.gallery figure[data-variant="${name}"]`);

/**
 * Makes the page's browser answer that it cannot play HLS itself (an init script: `context.addInitScript`),
 * as Firefox does, so the page plays a stream through hls.js. Debian's Chromium answers "maybe".
 */
export function withoutNativeHls(): void {
  const proto = (globalThis as unknown as { HTMLMediaElement: { prototype: { canPlayType(type: string): string } } }).HTMLMediaElement.prototype;
  const canPlayType = proto.canPlayType;
  proto.canPlayType = function (type: string) {
    return /mpegurl/i.test(type) ? '' : canPlayType.call(this, type);
  };
}
