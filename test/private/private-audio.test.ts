import { readFile } from 'node:fs/promises';
import type { Asset } from '@darkroom/client';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { audioFile } from '../../packages/media/src/audio/test-audio.js';
import { launchChromium, watchProblems } from '../support/browser.js';
import { setupHarnessWithDelivery } from '../support/delivery.js';
import { setupTenant } from '../support/setup-harness.js';
import { recordRequests, startPlayerSite, type PlayerSite } from '../support/player-site.js';
import { currentDeliveryKey, expectOnlyPrivateRequests, expectPrivateUrls } from '../support/private-urls.js';
import { screenshot } from '../support/upload-page.js';

/**
 * A private podcast in Debian's Chromium from the URLs the API hands out: its rendition in a plain
 * `<audio src>`, which plays; its cover art in an `<img>`; its waveform's peaks fetched by script
 * (CORS) and drawn. Every request the page makes is under the delivery server's `/p/`, none goes to
 * the bucket.
 */
const WAIT = { timeout: 60_000 };

const { harness, delivery } = setupHarnessWithDelivery();
const tenant = setupTenant(harness, 'private-audio');
let browser: Browser;
let site: PlayerSite;
let asset: Asset;

const PAGE = `<!doctype html><html><head><title>private podcast</title></head>
<body style="margin:16px;background:#222;color:#eee;font:14px monospace">
<img id="cover" alt="cover art" width="192" height="192" style="display:block;image-rendering:pixelated;background:#444">
<audio id="a" controls style="display:block;width:480px;margin:12px 0"></audio>
<canvas id="wave" width="480" height="80" style="display:block;background:#111"></canvas>
<pre id="log" style="white-space:pre-wrap"></pre></body></html>`;

beforeAll(async () => {
  const bytes = new Uint8Array(await readFile(await audioFile('cover.mp3')));
  const [{ asset: started }, launched, opened] = await Promise.all([
    tenant.client.uploadAndComplete(bytes, { filename: 'episode.mp3', contentType: 'audio/mpeg', visibility: 'private' }),
    launchChromium(['--autoplay-policy=no-user-gesture-required']),
    startPlayerSite(PAGE),
  ]);
  [browser, site] = [launched, opened];
  asset = await tenant.client.waitForAsset(started.id, 120_000);
  expect(asset).toMatchObject({ status: 'ready', kind: 'audio', visibility: 'private' });
  expectPrivateUrls(asset, await currentDeliveryKey(harness, tenant.tenantId), delivery.baseUrl);
}, 180_000);
afterAll(async () => {
  await browser?.close();
  await site?.close();
});

const variant = (name: string) => {
  const found = asset.variants.find((v) => v.name === name);
  if (!found) throw new Error(`no ${name} variant: ${JSON.stringify(asset.variants)}`);
  return found;
};

declare const document: any;
declare const window: any;

it('an <audio> plays the private podcast rendition, under its cover art, with its waveform: every request under /p/', async () => {
  const [podcast, cover, waveform] = [variant('podcast'), variant('medium'), variant('waveform')];
  expect(podcast).toMatchObject({ kind: 'audio', format: 'm4a' });
  const page = await browser.newPage({ viewport: { width: 520, height: 420 } });
  const requests = recordRequests(page);
  const problems = watchProblems(page, () => false);
  await page.goto(`${site.origin}/`);
  await page.evaluate(
    async ({ audioUrl, coverUrl, waveformUrl }) => {
      document.getElementById('cover').src = coverUrl;
      const audio = document.getElementById('a');
      audio.src = audioUrl;
      audio.muted = true;
      void audio.play();
      // The peaks by script from another origin: the delivery server's CORS lets the page read them.
      const peaks: any = await (await fetch(waveformUrl)).json();
      const canvas = document.getElementById('wave');
      const g = canvas.getContext('2d');
      g.fillStyle = '#4cf';
      const columns = peaks.length;
      // Scaled to the loudest peak (the test tone is quiet and steady: an even band).
      const loudest = Math.max(1, ...peaks.data.map((v: number) => Math.abs(v)));
      for (let i = 0; i < columns; i++) {
        const [min, max] = [peaks.data[2 * i], peaks.data[2 * i + 1]];
        const x = (i / columns) * canvas.width;
        g.fillRect(x, 40 - (max / loudest) * 36, Math.max(1, canvas.width / columns - 1), Math.max(1, ((max - min) / loudest) * 36));
      }
      window.peaks = columns;
    },
    { audioUrl: podcast.url, coverUrl: cover.url, waveformUrl: waveform.url },
  );

  await expect
    .poll(() => page.evaluate(() => (document.getElementById('a').error ? -1 : document.getElementById('a').currentTime)), WAIT)
    .toBeGreaterThan(1);
  await expect.poll(() => page.evaluate(() => document.getElementById('cover').naturalWidth), WAIT).toBeGreaterThan(0);
  expect(await page.evaluate(() => window.peaks)).toBeGreaterThan(20);
  const state = await page.evaluate(() => {
    const audio = document.getElementById('a');
    return { error: audio.error, src: audio.currentSrc, duration: audio.duration, t: audio.currentTime };
  });
  expect(state).toMatchObject({ error: null, src: podcast.url });
  expect(state.duration).toBeCloseTo(3, 0);

  const fetched = expectOnlyPrivateRequests(requests, {
    pageOrigin: site.origin,
    deliveryBaseUrl: delivery.baseUrl,
    storage: harness.api.config.storage,
  });
  const rest = (url: string) => url.split(`/${asset.id}/`)[1]!;
  expect([...new Set(fetched)].sort()).toEqual([rest(podcast.url), rest(cover.url), rest(waveform.url)].sort());

  await page.evaluate(
    (t) =>
      (document.getElementById('log').textContent = `private podcast: t=${t.toFixed(1)} s of ${document.getElementById('a').duration.toFixed(1)} s`),
    state.t,
  );
  await screenshot(page, 'private-audio');
  expect(problems).toEqual([]);
  await page.close();
}, 120_000);
