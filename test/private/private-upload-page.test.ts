import { readFile } from 'node:fs/promises';
import type { Asset } from '@darkroom/client';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { audioFile } from '../../packages/media/src/audio/test-audio.js';
import { launchChromiumAt, watchProblems } from '../support/browser.js';
import { setupHarnessWithDelivery } from '../support/delivery.js';
import { setupTenant } from '../support/setup-harness.js';
import { fixture } from '../support/images.js';
import { recordRequests } from '../support/player-site.js';
import { currentDeliveryKey, expectOnlyPrivateRequests, expectPrivateUrls } from '../support/private-urls.js';
import {
  card,
  expectFrameShown,
  loadedPosterWidth,
  loadedWidth,
  mintUploadToken,
  PAGE_ORIGIN,
  playsPast,
  screenshot,
  variantOf,
  withoutNativeHls,
  type Media,
  type PageImage,
} from '../support/upload-page.js';
import { clip } from '../support/video.js';

/**
 * The upload page (GET /upload) in Debian's Chromium with an upload token minted `private`: what is
 * uploaded through it is private, and the page shows it from the URLs the API hands out, the
 * delivery server's private links (`/p/`), loaded: a photo's thumbnail, variants and responsive
 * image; a video's stream through hls.js and a podcast under its cover art, played. Beyond the
 * page's own origin (the API's), it asks nothing but `/p/` and its presigned PUTs to the bucket.
 */
const WAIT = { timeout: 60_000 };

const { harness, delivery } = setupHarnessWithDelivery();
const tenant = setupTenant(harness, 'private-upload-page');
let browser: Browser;
let key: string;

beforeAll(async () => {
  browser = await launchChromiumAt(PAGE_ORIGIN, harness.baseUrl);
}, 120_000);
afterAll(async () => {
  await browser?.close();
});

/** The page on a private token, its requests recorded but its presigned PUTs (checked to go to the bucket). */
async function openPrivatePage(options: { nativeHls: boolean }): Promise<{ page: Page; requests: string[]; puts: string[]; problems: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1100, height: 900 } });
  if (!options.nativeHls) await context.addInitScript(withoutNativeHls);
  const page = await context.newPage();
  const problems = watchProblems(page, () => false);
  const puts: string[] = [];
  const requests = recordRequests(page, (request) => request.method() === 'PUT' && puts.push(request.url()) > 0);
  await page.goto(`${PAGE_ORIGIN}/upload#token=${await mintUploadToken(tenant.client, { visibility: 'private' })}`);
  return { page, requests, puts, problems };
}

async function privateAssetOf(file: Locator): Promise<Asset> {
  const asset = (await tenant.client.request('GET', `/v1/assets/${await file.getAttribute('data-asset-id')}`)).body as Asset;
  expect(asset).toMatchObject({ status: 'ready', visibility: 'private' });
  key ??= await currentDeliveryKey(harness, tenant.tenantId);
  expectPrivateUrls(asset, key, delivery.baseUrl);
  return asset;
}

function expectPrivateOnly(requests: string[], puts: string[]): string[] {
  expect(puts.length).toBeGreaterThan(0);
  for (const put of puts) expect(new URL(put).origin).toBe(new URL(harness.api.config.storage.endpoint).origin);
  return expectOnlyPrivateRequests(requests, { pageOrigin: PAGE_ORIGIN, deliveryBaseUrl: delivery.baseUrl, storage: harness.api.config.storage });
}

const currentSrc = (image: Locator) => image.evaluate((img: { currentSrc: string }) => img.currentSrc);

describe('upload page with a private upload token', () => {
  it('shows an uploaded photo from its private URLs: thumbnail, every variant and the responsive image, loaded', async () => {
    const { page, requests, puts, problems } = await openPrivatePage({ nativeHls: true });
    await page.setInputFiles('input[type=file]', [fixture('Landscape_1.jpg')]);
    const photo = card(page, 'Landscape_1.jpg');
    await expect.poll(() => photo.getAttribute('data-state'), WAIT).toBe('ready');
    const asset = await privateAssetOf(photo);
    const base = asset.delivery!.base;

    // The square thumbnail, cut by the delivery server under the private link.
    const thumbnail = photo.locator('.thumb img.thumbnail');
    expect((await thumbnail.getAttribute('srcset'))?.split(', ')).toContain(`${base}/w_96,h_96,c_cover 96w`);
    await expect.poll(() => loadedWidth(thumbnail), WAIT).toBe(96);
    expect(await currentSrc(thumbnail)).toBe(`${base}/w_96,h_96,c_cover`);
    // Every variant, from its private URL, which is there to copy.
    const urls = asset.variants.map((v) => v.url).sort();
    const images = photo.locator('.gallery figure[data-variant] img');
    expect((await images.evaluateAll((imgs: PageImage[]) => imgs.map((img) => img.src))).sort()).toEqual(urls);
    const fields = photo.locator('.gallery figure[data-variant] input.url');
    expect((await fields.evaluateAll((inputs: { value: string }[]) => inputs.map((i) => i.value))).sort()).toEqual(urls);
    for (const image of await images.all()) await expect.poll(() => loadedWidth(image), WAIT).toBeGreaterThan(0);
    // The responsive image: the private srcset, loaded at one of its widths.
    const responsive = photo.locator('.gallery figure[data-delivery] img');
    expect(await responsive.getAttribute('srcset')).toBe(asset.delivery!.srcset);
    expect(await photo.locator('.gallery figure[data-delivery] input.url').inputValue()).toBe(asset.delivery!.src);
    await expect.poll(() => loadedWidth(responsive), WAIT).toBeGreaterThan(0);
    expect(await currentSrc(responsive)).toMatch(new RegExp(`^${base}/w_\\d+`));

    const fetched = expectPrivateOnly(requests, puts);
    expect(fetched).toContain('img/1/w_96,h_96,c_cover');
    for (const url of urls) expect(fetched).toContain(url.split(`/${asset.id}/`)[1]);
    await screenshot(page, 'private-upload-page');
    expect(problems).toEqual([]);
    await page.context().close();
  }, 180_000);

  it('plays an uploaded video’s private stream through hls.js, and a private podcast under its cover art', async () => {
    // hls.js: the page fetches the stream's playlists and segments by script (its CSP's connect-src).
    const { page, requests, puts, problems } = await openPrivatePage({ nativeHls: false });
    await page.setInputFiles('input[type=file]', [
      { name: 'lesson.mp4', mimeType: 'video/mp4', buffer: await readFile(await clip('ladder.mp4')) },
      { name: 'episode.mp3', mimeType: 'audio/mpeg', buffer: await readFile(await audioFile('cover.mp3')) },
    ]);
    const [video, podcast] = [card(page, 'lesson.mp4'), card(page, 'episode.mp3')];
    await expect.poll(() => video.getAttribute('data-state'), { timeout: 180_000 }).toBe('ready');
    await expect.poll(() => podcast.getAttribute('data-state'), { timeout: 180_000 }).toBe('ready');

    const clipAsset = await privateAssetOf(video);
    const stream = clipAsset.variants.find((v) => v.format === 'hls');
    if (!stream) throw new Error(`no hls variant: ${JSON.stringify(clipAsset.variants)}`);
    const streamFigure = variantOf(video, stream.name);
    expect(await streamFigure.locator('input.url').inputValue()).toBe(stream.url);
    const streamPlayer = streamFigure.locator('video');
    expect(await playsPast(streamPlayer, 1)).toBeGreaterThan(1);
    expect(await streamPlayer.evaluate((m: Media) => m.currentSrc)).toMatch(/^blob:/);
    const poster = await streamPlayer.getAttribute('poster');
    expect(poster?.startsWith(`${delivery.baseUrl}/p/`)).toBe(true);
    expect(await loadedPosterWidth(streamPlayer)).toBeGreaterThan(0);

    const audioAsset = await privateAssetOf(podcast);
    const rendition = audioAsset.variants.find((v) => v.name === 'podcast')!;
    const podcastFigure = variantOf(podcast, 'podcast');
    const audio = podcastFigure.locator('audio');
    expect(await audio.getAttribute('src')).toBe(rendition.url);
    const cover = podcastFigure.locator('img.cover');
    await expect.poll(() => loadedWidth(cover), WAIT).toBeGreaterThan(0);
    expect(await playsPast(audio, 0.5)).toBeGreaterThan(0.5);

    const fetched = expectPrivateOnly(requests, puts);
    expect(fetched).toContain(stream.url.split(`/${clipAsset.id}/`)[1]);
    expect(fetched.filter((rest) => rest.endsWith('.m4s')).length).toBeGreaterThan(0);
    expect(fetched).toContain(rendition.url.split(`/${audioAsset.id}/`)[1]);
    // A frame of the video, decoded from its private segments, in the screenshot.
    await expectFrameShown(streamPlayer);
    await screenshot(page, 'private-upload-page-media');
    expect(problems).toEqual([]);
    await page.context().close();
  }, 360_000);
});
