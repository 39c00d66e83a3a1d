import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { launchChromium, watchProblems } from '../support/browser.js';
import { startPlayerSite, type PlayerSite } from '../support/player-site.js';
import { writePresetsFile } from '../support/presets.js';
import { screenshot } from '../support/upload-page.js';
import { clip, uploadVideo } from '../support/video.js';
import { setupHarness, setupTenant } from '../support/setup-harness.js';

/**
 * An HLS ladder played in Debian's Chromium by hls.js (from npm), from a page on an origin of its
 * own: the master playlist, media playlists and segments come straight from the public bucket by
 * script (its CORS), playback starts and advances, both rungs are offered, and a forced switch to
 * the other rung keeps playing.
 */
const WAIT = { timeout: 60_000 };

const harness = setupHarness(async () => {
  const presets = await writePresetsFile({ stream: [{ name: 'stream', format: 'hls', width: 1920, height: 1080, quality: 60, segmentSeconds: 2 }] });
  return { env: { PRESETS_FILE: presets } };
});
const tenant = setupTenant(harness, 'hls-player');
let browser: Browser;
/** The player page's own server, on an origin of its own. */
let site: PlayerSite;

beforeAll(async () => {
  browser = await launchChromium(['--autoplay-policy=no-user-gesture-required']);
  // `localhost`, not the bucket's 127.0.0.1: another origin, so every fetch of the ladder is a CORS request.
  site = await startPlayerSite(PAGE);
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await site?.close();
});

const PAGE = `<!doctype html><html><head><title>player</title><script src="/hls.min.js"></script></head>
<body style="margin:0;background:#222"><video id="v" muted playsinline width="640" height="360"></video>
<pre id="log" style="color:#eee;font:14px monospace;margin:8px"></pre></body></html>`;

/** Opens the player page on its own origin: the page and hls.js are served by the test, everything else by the bucket. */
async function openPlayer(): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 660, height: 460 } });
  await page.goto(`${site.origin}/`);
  return page;
}

declare const Hls: any;
declare const document: any;
declare const window: any;

it('hls.js plays the master playlist: starts, advances, offers both rungs, and keeps playing after a forced switch', async () => {
  const { asset } = await uploadVideo(tenant.client, await clip('stream.mp4'), 'video/mp4', 'stream');
  const ready = await tenant.client.waitForAsset(asset.id, 180_000);
  const master = ready.variants.find((v) => v.name === 'stream')!;
  expect(master.url).toMatch(/master\.m3u8$/);

  const page = await openPlayer();
  const problems = watchProblems(page, () => false);
  expect(await page.evaluate(() => Hls.isSupported())).toBe(true);
  await page.evaluate((url) => {
    const video = document.getElementById('v');
    const hls = new Hls({ capLevelToPlayerSize: false, startLevel: 0 });
    window.player = { hls, errors: [] as string[], switched: [] as number[] };
    hls.on(Hls.Events.ERROR, (_: unknown, data: any) => window.player.errors.push(`${data.fatal ? 'fatal ' : ''}${data.details}`));
    hls.on(Hls.Events.LEVEL_SWITCHED, (_: unknown, data: any) => window.player.switched.push(data.level));
    hls.on(Hls.Events.MANIFEST_PARSED, () => void video.play());
    hls.loadSource(url);
    hls.attachMedia(video);
  }, master.url);

  await page
    .waitForFunction(() => document.getElementById('v').currentTime > 1, undefined, WAIT)
    .catch(async (error: unknown) => {
      const seen = await page.evaluate(() => ({ errors: window.player.errors, t: document.getElementById('v').currentTime }));
      throw new Error(`playback did not start: ${JSON.stringify({ seen, problems })}`, { cause: error });
    });
  const levels = await page.evaluate(() => window.player.hls.levels.map((l: any) => `${l.width}x${l.height}`));
  expect(levels.length).toBeGreaterThan(1);
  expect([...levels].sort()).toEqual(['426x240', '640x360']);

  const from = await page.evaluate(() => window.player.hls.currentLevel as number);
  const to = from === 0 ? 1 : 0;
  const at = await page.evaluate((level) => {
    window.player.hls.currentLevel = level; // an immediate switch: the buffer is flushed and refetched from the other rung
    return document.getElementById('v').currentTime as number;
  }, to);
  await page.waitForFunction((level) => window.player.switched.includes(level), to, WAIT);
  await page.waitForFunction((t) => document.getElementById('v').currentTime > t + 2, at, WAIT);
  const state = await page.evaluate(() => {
    const video = document.getElementById('v');
    const { hls, errors } = window.player;
    document.getElementById('log').textContent =
      `level ${hls.currentLevel}: ${hls.levels[hls.currentLevel].width}x${hls.levels[hls.currentLevel].height}, t=${video.currentTime.toFixed(1)} s`;
    return { paused: video.paused, level: hls.currentLevel, errors, width: video.videoWidth };
  });
  expect(state).toMatchObject({ paused: false, level: to });
  expect(state.width).toBe(to === levels.indexOf('640x360') ? 640 : 426);
  expect(state.errors.filter((e: string) => e.startsWith('fatal'))).toEqual([]);
  expect(problems).toEqual([]);
  await screenshot(page, 'hls-player');
  await page.close();
}, 300_000);
