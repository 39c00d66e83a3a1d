import { readFile, stat } from 'node:fs/promises';
import type { Browser, Locator, Page, Request, Route } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromiumAt, watchProblems } from '../support/browser.js';
import type { TestApi } from '../support/client.js';
import { fixture } from '../support/images.js';
import { setupHarnessWithDelivery } from '../support/delivery.js';
import { clip } from '../support/video.js';
import {
  card,
  dropFiles,
  loadedWidth,
  mintUploadToken,
  PAGE_ORIGIN,
  progressValues,
  recordProgress,
  screenshot,
  writeBigJpeg,
  type PageImage,
} from '../support/upload-page.js';

declare const navigator: { clipboard: { readText(): Promise<string> } };
declare const localStorage: { getItem(key: string): string | null };

/** How long a page may take to show what a test waits for, on a machine busy with other tests. */
const WAIT = { timeout: 30_000 };

/** The upload page (GET /upload) in Debian's Chromium, against the real API, bucket and worker. */
// The page's thumbnails and responsive figures come from the delivery server, at the address the API hands out.
const { harness } = setupHarnessWithDelivery();
let tenant: TestApi;
let browser: Browser;
let bigJpeg: string;

beforeAll(async () => {
  const { tenantId, apiKey } = await harness.admin.createTenant('upload-page');
  // WebP alone: under f_auto each first AVIF is rendered besides the WebP answered at once, and with
  // the 17.6 MP noise file's renders taking seconds each on a shared machine, that doubled queue ran
  // past the delivery server's request timeout. The page's markup is the same either way.
  const policy = await harness.admin.request('PATCH', `/v1/admin/tenants/${tenantId}`, { delivery: { avif: false } });
  if (policy.status !== 200) throw new Error(`tenant policy: ${policy.status} ${JSON.stringify(policy.body)}`);
  tenant = harness.admin.withToken(apiKey);
  browser = await launchChromiumAt(PAGE_ORIGIN, harness.baseUrl);
  bigJpeg = await writeBigJpeg();
}, 120_000);
afterAll(async () => {
  await browser?.close();
});

/** The URL an `<img>` loaded: the srcset entry Chromium chose. */
const currentSrc = (image: Locator) => image.evaluate((img: { currentSrc: string }) => img.currentSrc);

/** No request of the page may fail, but those a test provokes. */
const noneExpected = () => false;

async function openPage(
  token: string,
  expected: (status: number, pathname: string) => boolean = noneExpected,
): Promise<{ page: Page; problems: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1100, height: 800 } });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: PAGE_ORIGIN });
  const page = await context.newPage();
  const problems = watchProblems(page, expected);
  await page.goto(`${PAGE_ORIGIN}/upload#token=${token}`);
  return { page, problems };
}

const isPartPut = (request: Request, partNumber?: number) =>
  request.method() === 'PUT' &&
  new URL(request.url()).searchParams.has('partNumber') &&
  (partNumber === undefined || new URL(request.url()).searchParams.get('partNumber') === String(partNumber));

describe('upload page in Chromium', () => {
  it('uploads three files: progress moves, the good ones show thumbnails and variants, the bad one its message', async () => {
    const { page, problems } = await openPage(await mintUploadToken(tenant));
    expect(new URL(page.url()).hash).toBe(''); // the token left the address bar
    await recordProgress(page);

    const good = fixture('Landscape_1.jpg');
    const bad = fixture('truncated.jpg');
    await page.setInputFiles('input[type=file]', [bigJpeg, good, bad]);
    const big = card(page, 'big-noise.jpg');
    const landscape = card(page, 'Landscape_1.jpg');
    const truncated = card(page, 'truncated.jpg');

    await expect.poll(() => truncated.getAttribute('data-state'), { timeout: 60_000 }).toBe('failed');
    await expect.poll(() => landscape.getAttribute('data-state'), { timeout: 60_000 }).toBe('ready');
    await expect.poll(() => big.getAttribute('data-state'), { timeout: 120_000 }).toBe('ready');

    // The big file went up in parts, and its bar took values between empty and full.
    const values = await progressValues(page, 'big-noise.jpg');
    expect(
      values.some((v) => v > 0 && v < 100),
      values.join(','),
    ).toBe(true);
    expect(values.at(-1)).toBe(100);

    // The bad file: the worker's message, in words, as the API gives it.
    const badAsset = (await tenant.request('GET', `/v1/assets/${await truncated.getAttribute('data-asset-id')}`)).body;
    expect(badAsset.status).toBe('failed');
    expect(await truncated.locator('.error').textContent()).toBe(badAsset.error.message);
    expect(await truncated.locator('.status').textContent()).toContain(badAsset.error.code);

    for (const [ready, size] of [
      [landscape, (await stat(good)).size],
      [big, (await stat(bigJpeg)).size],
    ] as const) {
      const asset = (await tenant.request('GET', `/v1/assets/${await ready.getAttribute('data-asset-id')}`)).body;
      expect(asset).toMatchObject({ status: 'ready', size });
      // The ThumbHash placeholder, then the thumbnail: a square cut by the delivery server, 96 px wide
      // at this page's 1 device pixel per CSS pixel (imageProps with aspectRatio 1:1).
      expect(await ready.locator('.thumb img.placeholder').getAttribute('src')).toMatch(/^data:image\/png;base64,/);
      const thumbnail = ready.locator('.thumb img.thumbnail');
      expect((await thumbnail.getAttribute('srcset'))?.split(', ')).toContain(`${asset.delivery?.base}/w_96,h_96,c_cover 96w`);
      await expect.poll(() => loadedWidth(thumbnail), WAIT).toBe(96);
      expect(await currentSrc(thumbnail)).toBe(`${asset.delivery?.base}/w_96,h_96,c_cover`);
      // Every variant in the gallery, each image loaded from its CDN URL, which is there to copy.
      const urls = asset.variants.map((v: { url: string }) => v.url).sort();
      const images = ready.locator('.gallery figure[data-variant] img');
      expect((await images.evaluateAll((imgs: PageImage[]) => imgs.map((img) => img.src))).sort()).toEqual(urls);
      const fields = ready.locator('.gallery figure[data-variant] input.url');
      expect((await fields.evaluateAll((inputs: { value: string }[]) => inputs.map((i) => i.value))).sort()).toEqual(urls);
      for (const image of await images.all()) await expect.poll(() => loadedWidth(image), WAIT).toBeGreaterThan(0);
      // Then the file as the delivery server serves it: asset.delivery's srcset and its default URL to copy.
      const responsive = ready.locator('.gallery figure[data-delivery] img');
      expect(await responsive.getAttribute('srcset')).toBe(asset.delivery?.srcset);
      expect(await ready.locator('.gallery figure[data-delivery] input.url').inputValue()).toBe(asset.delivery?.src);
      // The formats it is served in: this tenant turned AVIF off.
      expect(await ready.locator('.gallery figure[data-delivery] .variant-facts').textContent()).toMatch(/ · WebP\/JPEG$/);
    }
    // The photo's responsive image loads at one of its srcset's widths. (Not asked of the 17.6 MP
    // noise file: each render of it takes the delivery server seconds, and its square thumbnail above
    // already came from there; a second queue of its renders would only time the machine.)
    const responsive = landscape.locator('.gallery figure[data-delivery] img');
    await expect.poll(() => loadedWidth(responsive), WAIT).toBeGreaterThan(0);
    const chosen = await currentSrc(responsive);
    const landscapeBase = (await tenant.request('GET', `/v1/assets/${await landscape.getAttribute('data-asset-id')}`)).body.delivery!.base;
    expect(chosen.startsWith(landscapeBase) && chosen.slice(landscapeBase.length), chosen).toMatch(/^\/w_\d+$/);

    const firstUrl = landscape.locator('.gallery input.url').first();
    await landscape.locator('.gallery button.copy').first().click();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(await firstUrl.inputValue());
    await expect.poll(() => landscape.locator('.gallery button.copy').first().textContent(), WAIT).toBe('Copied');

    await screenshot(page, 'upload-page');
    expect(problems).toEqual([]);
    await page.context().close();
  }, 180_000);

  it('resumes a multipart upload interrupted mid-way, after a reload, sending only the missing parts', async () => {
    const { page, problems } = await openPage(await mintUploadToken(tenant));
    // Part 1 goes through; parts 2 and 3 hang, then fail as a lost connection would, and never reach the bucket.
    const held: Route[] = [];
    let cutOff = false;
    await page.route(
      (url) => url.searchParams.has('partNumber') && url.searchParams.get('partNumber') !== '1',
      (route) => void (cutOff ? route.abort('connectionreset') : held.push(route)),
    );
    const firstPart = page.waitForResponse((response) => isPartPut(response.request(), 1));
    await page.setInputFiles('input[type=file]', bigJpeg);
    expect((await firstPart).status()).toBe(200);
    const big = card(page, 'big-noise.jpg');
    await expect.poll(() => big.locator('progress').evaluate((p: { value: number }) => p.value), WAIT).toBeGreaterThan(0);
    expect(await big.getAttribute('data-state')).toBe('uploading');
    const assetId = await big.getAttribute('data-asset-id');
    expect(await page.evaluate(() => localStorage.getItem('darkroom.pending-uploads'))).toContain(assetId);

    cutOff = true;
    for (const route of held) await route.abort('connectionreset');
    await page.reload();
    await page.unrouteAll();
    // Offered again, with how far it got: one part of three.
    const interrupted = card(page, 'big-noise.jpg');
    expect(await interrupted.getAttribute('data-asset-id')).toBe(assetId);
    const percent = Math.floor(((16 * 1024 * 1024) / (await stat(bigJpeg)).size) * 100);
    await expect
      .poll(() => interrupted.locator('.status').textContent(), WAIT)
      .toBe(`Interrupted at ${percent}%. Choose big-noise.jpg again to resume.`);
    await screenshot(page, 'upload-page-interrupted');

    const sent: string[] = [];
    page.on('request', (request) => isPartPut(request) && sent.push(new URL(request.url()).searchParams.get('partNumber')!));
    await page.setInputFiles('input[type=file]', bigJpeg);
    await expect.poll(() => interrupted.getAttribute('data-state'), { timeout: 120_000 }).toBe('ready');
    expect(sent.sort()).toEqual(['2', '3']);
    expect(await page.locator('li.file').count()).toBe(1); // the same card, not a second upload
    const asset = (await tenant.request('GET', `/v1/assets/${assetId}`)).body;
    expect(asset).toMatchObject({ status: 'ready', size: (await stat(bigJpeg)).size });
    expect(await page.evaluate(() => localStorage.getItem('darkroom.pending-uploads'))).not.toContain(assetId);
    for (const image of await interrupted.locator('.gallery figure[data-variant] img').all())
      await expect.poll(() => loadedWidth(image), WAIT).toBeGreaterThan(0);
    await screenshot(page, 'upload-page-resumed');
    expect(problems).toEqual([]);
    await page.context().close();
  }, 180_000);

  it('cancels an upload in flight: the card says so and the API aborts the asset', async () => {
    const { page, problems } = await openPage(await mintUploadToken(tenant));
    const held: Route[] = [];
    await page.route(
      (url) => url.searchParams.has('partNumber'),
      (route) => void held.push(route),
    );
    await page.setInputFiles('input[type=file]', bigJpeg);
    const big = card(page, 'big-noise.jpg');
    await expect.poll(() => held.length, { timeout: 30_000 }).toBeGreaterThan(0);
    const assetId = await big.getAttribute('data-asset-id');
    await big.getByRole('button', { name: 'Cancel the upload of big-noise.jpg' }).click();
    expect(await big.getAttribute('data-state')).toBe('canceled');
    expect(await big.locator('.status').textContent()).toBe('Canceled.');
    await expect.poll(async () => (await tenant.request('GET', `/v1/assets/${assetId}`)).body.status, WAIT).toBe('canceled');
    expect(await page.evaluate(() => localStorage.getItem('darkroom.pending-uploads'))).not.toContain(assetId);
    for (const route of held) await route.abort('connectionreset').catch(() => {});
    expect(problems).toEqual([]);
    await page.context().close();
  }, 180_000);

  it("takes a phone's typeless HEIC and MP4 by their first bytes, plays the video in a <video> with its poster, and refuses a text file in words", async () => {
    // The text file's start is refused (415): the one failed request expected.
    const { page, problems } = await openPage(await mintUploadToken(tenant), (status, path) => status === 415 && path === '/v1/uploads');
    expect(await page.locator('header').textContent()).toContain('Upload photos, videos and audio');
    expect(await page.locator('.dropzone-title').textContent()).toBe('Drop photos, videos or audio here, or choose files');
    // As a browser hands over an iPhone's .HEIC (and here an .MP4): with no type at all.
    await dropFiles(page, '#dropzone', [
      { name: 'IMG_0001.HEIC', type: '', bytes: await readFile(fixture('iphone_13_pro_max.HEIC')) },
      { name: 'clip.mp4', type: '', bytes: await readFile(await clip('basic.mp4')) },
      { name: 'notes.txt', type: '', bytes: Buffer.from('not a photo') },
    ]);
    const [photo, video, text] = [card(page, 'IMG_0001.HEIC'), card(page, 'clip.mp4'), card(page, 'notes.txt')];
    await expect.poll(() => text.getAttribute('data-state'), WAIT).toBe('failed');
    // The API's 415 in the words of the person at the page (the types it accepts), never a sentence for developers.
    expect(await text.locator('.error').textContent()).toMatch(/^This kind of file is not accepted here\. Accepted: JPEG, PNG, .*HEIC.*MP4/);
    expect(await text.locator('.status').textContent()).toBe('Failed (unsupported_media_type).');
    await expect.poll(() => photo.getAttribute('data-state'), { timeout: 120_000 }).toBe('ready');
    await expect.poll(() => video.getAttribute('data-state'), { timeout: 120_000 }).toBe('ready');
    const photoAsset = (await tenant.request('GET', `/v1/assets/${await photo.getAttribute('data-asset-id')}`)).body;
    expect(photoAsset).toMatchObject({ contentType: 'image/heic', status: 'ready' });

    const asset = (await tenant.request('GET', `/v1/assets/${await video.getAttribute('data-asset-id')}`)).body;
    expect(asset).toMatchObject({ contentType: 'video/mp4', kind: 'video', status: 'ready' });
    // (The stream, HLS, plays through hls.js from a blob: source: test/uploads/page-stream.test.ts.)
    const renditions = asset.variants.filter(
      (v: { kind: string; format: string }) => v.kind === 'video' && v.format !== 'storyboard' && v.format !== 'hls',
    );
    expect(renditions.length).toBeGreaterThan(0);
    // Each rendition in a <video> with the poster, none as a broken <img>; the poster frames as images.
    const players = video.locator('.gallery figure[data-variant]:not([data-format=hls]) video');
    expect((await players.evaluateAll((vs: { src: string }[]) => vs.map((v) => v.src))).sort()).toEqual(
      renditions.map((v: { url: string }) => v.url).sort(),
    );
    const posters = asset.variants.filter((v: { kind: string }) => v.kind === 'image').map((v: { url: string }) => v.url);
    for (const player of await players.all()) {
      expect(posters).toContain(await player.getAttribute('poster'));
      await expect.poll(() => player.evaluate((v: { readyState: number }) => v.readyState), WAIT).toBeGreaterThanOrEqual(1);
    }
    const images = await video
      .locator('.gallery figure[data-variant] img:not(.storyboard)')
      .evaluateAll((imgs: PageImage[]) => imgs.map((img) => img.src));
    expect(images.sort()).toEqual([...posters].sort());
    // The storyboard as its sprite, loaded.
    const board = asset.variants.find((v: { format: string }) => v.format === 'storyboard')!;
    const sprite = video.locator('.gallery figure[data-variant] img.storyboard');
    expect(await sprite.getAttribute('src')).toBe(board.url.replace(/\.vtt$/, '.webp'));
    await expect.poll(() => sprite.evaluate((img: PageImage) => img.complete && img.naturalWidth > 0), WAIT).toBe(true);
    // Every picture of both files loads, variants and delivery renders (an empty frame would be a broken or missing object);
    // each one not yet loaded is scrolled to, as the gallery's pictures load lazily.
    const pictures = page.locator('.gallery figure[data-variant] img, .gallery figure[data-delivery] img');
    const allLoaded = () =>
      pictures.evaluateAll((imgs: (PageImage & { scrollIntoView(): void })[]) =>
        imgs
          .filter((img) => !(img.complete && img.naturalWidth > 0))
          .map((img) => {
            img.scrollIntoView();
            return img.src;
          }),
      );
    await expect.poll(allLoaded, WAIT).toEqual([]);
    await screenshot(page, 'upload-page-phone-files');
    expect(problems).toEqual([]);
    await page.context().close();
  }, 240_000);

  it('opens from the admin console for a tenant, which mints the token; a drop on the zone uploads', async () => {
    const named = `console-upload-${Date.now()}`;
    const { tenantId } = await harness.admin.createTenant(named);
    const context = await browser.newContext({ viewport: { width: 1100, height: 700 } });
    const page = await context.newPage();
    await page.goto(`${PAGE_ORIGIN}/admin/login`);
    await page.fill('input[name=token]', harness.adminToken);
    await Promise.all([page.waitForURL('**/admin/failed'), page.click('button[type=submit]')]);
    await page.goto(`${PAGE_ORIGIN}/admin/tenants?q=${named}`);
    const row = page.locator(`tr[data-tenant-id="${tenantId}"]`);
    const [tab] = await Promise.all([context.waitForEvent('page'), row.locator('button.upload').click()]);
    await tab.waitForURL(`${PAGE_ORIGIN}/upload`);
    await expect.poll(() => row.locator('.row-message').textContent(), WAIT).toMatch(/^Upload page opened; its link works until /);
    await screenshot(page, 'admin-tenants');
    const problems = watchProblems(tab, noneExpected);
    await dropFiles(tab, '#dropzone', [{ name: '320x240.jpg', type: 'image/jpeg', bytes: await readFile(fixture('320x240.jpg')) }]);
    const uploaded = card(tab, '320x240.jpg');
    await expect.poll(() => uploaded.getAttribute('data-state'), { timeout: 60_000 }).toBe('ready');
    // Uploaded as that tenant.
    const id = (await uploaded.getAttribute('data-asset-id'))!;
    const stored = await harness.api.db.query.assets.findFirst({ where: (a, { eq }) => eq(a.id, id) });
    expect(stored?.tenantId).toBe(tenantId);
    await screenshot(tab, 'upload-page-from-console');
    expect(problems).toEqual([]);
    await context.close();
  }, 180_000);
});
