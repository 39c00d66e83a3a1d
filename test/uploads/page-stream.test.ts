import { readFile } from 'node:fs/promises';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { audioFile } from '../../packages/media/src/audio/test-audio.js';
import { launchChromiumAt, watchProblems } from '../support/browser.js';
import type { TestApi } from '../support/client.js';
import { setupHarnessWithDelivery } from '../support/delivery.js';
import {
  card,
  expectFrameShown,
  mintUploadToken,
  PAGE_ORIGIN,
  playsPast,
  screenshot,
  variantOf,
  withoutNativeHls,
  type Media,
} from '../support/upload-page.js';
import { clip } from '../support/video.js';

/** How long a page may take to show what a test waits for, on a machine busy with other tests. */
const WAIT = { timeout: 60_000 };

/** A stream (HLS, through hls.js) and a podcast played by the upload page in Debian's Chromium, against the real API, bucket and worker. */
// The page's thumbnails come from the delivery server, at the address the API hands out.
const { harness } = setupHarnessWithDelivery();
let tenant: TestApi;
let browser: Browser;

beforeAll(async () => {
  tenant = harness.admin.withToken((await harness.admin.createTenant('upload-page-stream')).apiKey);
  browser = await launchChromiumAt(PAGE_ORIGIN, harness.baseUrl);
}, 120_000);
afterAll(async () => {
  await browser?.close();
});

/**
 * Chromium plays HLS itself, so the page uses that; `hls.js` makes it a browser that cannot (as
 * Firefox), whose page plays the stream through hls.js from a blob: media source.
 */
const PLAYERS = [
  { player: 'native', source: /\.m3u8$/ },
  { player: 'hls.js', source: /^blob:/ },
] as const;

describe('upload page plays streams and podcasts', () => {
  it.each(PLAYERS)(
    'plays a video stream (HLS, $player) in a <video> and a podcast rendition in an <audio> under its cover art',
    async ({ player, source }) => {
      const context = await browser.newContext({ viewport: { width: 1100, height: 900 } });
      if (player === 'hls.js') await context.addInitScript(withoutNativeHls);
      const page = await context.newPage();
      const problems = watchProblems(page, () => false);
      const chunks: string[] = [];
      page.on('response', (response) => {
        if (/\/upload\/assets\/hls-\w+\.js$/.test(response.url())) chunks.push(response.url());
      });
      await page.goto(`${PAGE_ORIGIN}/upload#token=${await mintUploadToken(tenant)}`);
      await page.setInputFiles('input[type=file]', [
        { name: 'clip.mp4', mimeType: 'video/mp4', buffer: await readFile(await clip('ladder.mp4')) },
        { name: 'episode.mp3', mimeType: 'audio/mpeg', buffer: await readFile(await audioFile('cover.mp3')) },
      ]);
      const [video, podcast] = [card(page, 'clip.mp4'), card(page, 'episode.mp3')];
      await expect.poll(() => video.getAttribute('data-state'), { timeout: 180_000 }).toBe('ready');
      await expect.poll(() => podcast.getAttribute('data-state'), { timeout: 180_000 }).toBe('ready');

      // The stream: the master playlist's URL to copy, played from it.
      const clipAsset = (await tenant.request('GET', `/v1/assets/${await video.getAttribute('data-asset-id')}`)).body;
      const stream = clipAsset.variants.find((v: { format: string }) => v.format === 'hls');
      if (!stream) throw new Error(`no hls variant: ${JSON.stringify(clipAsset.variants)}`);
      expect(stream.renditions?.length).toBeGreaterThan(1); // 360 and 240 lines
      const streamFigure = variantOf(video, stream.name);
      expect(await streamFigure.locator('input.url').inputValue()).toBe(stream.url);
      const streamPlayer = streamFigure.locator('video');
      expect(await streamPlayer.getAttribute('poster')).toBeTruthy();
      expect(await playsPast(streamPlayer, 1)).toBeGreaterThan(1);
      expect(await streamPlayer.evaluate((m: Media) => m.currentSrc)).toMatch(source);
      // hls.js is fetched only by a page that needs it.
      expect(chunks).toHaveLength(player === 'hls.js' ? 1 : 0);
      // A storyboard, when the preset has one, is the stream's metadata track, its cues loaded; else it has none.
      const board = clipAsset.variants.find((v: { format: string }) => v.format === 'storyboard');
      const track = streamPlayer.locator('track[kind=metadata]');
      expect(await track.count()).toBe(board ? 1 : 0);
      if (board) {
        expect(await track.getAttribute('src')).toBe(board.url);
        const cues = () =>
          streamPlayer.evaluate((m: { textTracks: ArrayLike<{ cues: { length: number } | null }> }) => m.textTracks[0]?.cues?.length ?? 0);
        await expect.poll(cues, WAIT).toBeGreaterThan(0);
      }

      // The podcast: its normalised rendition in an <audio>, the cover art above it.
      const audioAsset = (await tenant.request('GET', `/v1/assets/${await podcast.getAttribute('data-asset-id')}`)).body;
      expect(audioAsset).toMatchObject({ kind: 'audio', status: 'ready' });
      const rendition = audioAsset.variants.find((v: { name: string }) => v.name === 'podcast');
      if (!rendition) throw new Error(`no podcast variant: ${JSON.stringify(audioAsset.variants)}`);
      const podcastFigure = variantOf(podcast, 'podcast');
      const audio = podcastFigure.locator('audio');
      expect(await audio.getAttribute('src')).toBe(rendition.url);
      const cover = podcastFigure.locator('img.cover');
      await expect.poll(() => cover.evaluate((img: { naturalWidth: number }) => img.naturalWidth), WAIT).toBeGreaterThan(0);
      expect(await playsPast(audio, 0.5)).toBeGreaterThan(0.5);
      expect(await audio.evaluate((m: Media) => m.error)).toBeNull();
      expect(await variantOf(podcast, 'waveform').locator('a').getAttribute('href')).toMatch(/\.json$/);

      await expectFrameShown(streamPlayer);
      await screenshot(page, `upload-page-stream-${player}`);
      expect(problems).toEqual([]);
      await context.close();
    },
    360_000,
  );
});
