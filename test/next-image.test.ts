import { imageConfigDefault } from 'next/dist/shared/lib/image-config.js';
import type { Browser, Response } from 'playwright-core';
import type { Asset } from '@darkroom/client';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, watchProblems } from './support/browser.js';
import { TestApi } from './support/client.js';
import type { Harness } from './support/harness.js';
import { fixture } from './support/images.js';
import { startHarnessWithDelivery, type SpawnedDelivery } from './support/delivery.js';
import { startNextApp, type NextApp } from './support/next-app.js';
import { loadedWidth, screenshot, type PageImage } from './support/upload-page.js';

/**
 * A real Next.js app (test/next-app: `next build`, `next start`) whose next/image uses
 * @darkroom/client/next, opened in Debian's Chromium: the image comes from the delivery server, at the
 * widths Next asked for, of a photo uploaded through the real API and rendered by the real worker.
 */
let delivery: SpawnedDelivery;
let harness: Harness;
let next: NextApp;
let browser: Browser;
let asset: Asset;

beforeAll(async () => {
  // The delivery server as its own process, from the build, as a deployment runs it; the API hands out its URLs.
  ({ harness, delivery } = await startHarnessWithDelivery());
  const admin = new TestApi(harness.baseUrl, harness.adminToken);
  const tenant = admin.withToken((await admin.createTenant('next-image')).apiKey);
  const { asset: started } = await tenant.uploadFile(fixture('jolla.jpg'), 'image/jpeg');
  // Built while the worker renders the upload's variants.
  [next, asset] = await Promise.all([startNextApp(), tenant.waitForAsset(started.id)]);
  browser = await launchChromium();
}, 300_000);
afterAll(async () => {
  await browser?.close();
  await next?.close();
  await harness?.close();
  await delivery?.close();
});

describe('next/image with @darkroom/client/next', () => {
  it('shows the photo from the delivery server at the widths Next asked for', async () => {
    expect(asset).toMatchObject({ status: 'ready', width: 3264, height: 2448 });
    const base = asset.delivery?.base;
    expect(base).toBe(`${delivery.baseUrl}/img/${asset.id}/1`);

    // 1000 CSS px at 1 device pixel: `sizes` makes the image 800 px wide, so Chromium takes the 828 of the srcset.
    const context = await browser.newContext({ viewport: { width: 1000, height: 900 }, deviceScaleFactor: 1 });
    const page = await context.newPage();
    const problems = watchProblems(page, () => false);
    const fromDelivery: Response[] = [];
    page.on('response', (response) => {
      if (response.url().startsWith(`${delivery.baseUrl}/img/`)) fromDelivery.push(response);
    });
    const query = new URLSearchParams({ src: base!, width: String(asset.width), height: String(asset.height) });
    await page.goto(`${next.baseUrl}/?${query}`);

    const image = page.locator('img#photo');
    // Loaded. (Chromium reports its natural width in CSS pixels of `sizes`, 800: the bytes say 828, below.)
    await expect.poll(() => loadedWidth(image), { timeout: 60_000 }).toBeGreaterThan(0);
    // Next asks its loader for each of its deviceSizes (the image is 100vw below 800 px); the loader
    // writes each as a delivery URL, f_auto: within the tenant's default policy, unsigned.
    const srcset = (await image.getAttribute('srcset')) ?? '';
    const widths = imageConfigDefault.deviceSizes;
    expect(srcset.split(', ')).toEqual(widths.map((w) => `${base}/w_${w} ${w}w`));
    expect(await image.getAttribute('sizes')).toBe('(max-width: 800px) 100vw, 800px');
    expect(await image.evaluate((img: PageImage & { currentSrc: string }) => img.currentSrc)).toBe(`${base}/w_828`);

    // What the browser asked the delivery server for, and what it answered.
    expect(fromDelivery.map((r) => r.url())).toEqual([`${base}/w_828`]);
    const [answer] = fromDelivery;
    expect(answer?.status()).toBe(200);
    expect(await answer?.headerValue('content-type')).toMatch(/^image\/(avif|webp)$/);
    const rendered = await sharp(await answer!.body()).metadata();
    expect([rendered.width, rendered.height]).toEqual([828, Math.round((828 * asset.height!) / asset.width!)]);

    await screenshot(page, 'next-image');
    expect(problems).toEqual([]);
    await context.close();
  }, 120_000);
});
