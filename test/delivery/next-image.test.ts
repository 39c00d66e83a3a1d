import type { Browser } from 'playwright-core';
import type { Asset } from '@darkroom/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/browser.js';
import { fixture } from '../support/images.js';
import { setupHarnessWithDelivery } from '../support/delivery.js';
import { expectNextImage, openNextImage, startNextApp, type NextApp } from '../support/next-app.js';
import { screenshot } from '../support/upload-page.js';

/**
 * A real Next.js app (test/next-app: `next build`, `next start`) whose next/image uses
 * @darkroom/client/next, opened in Debian's Chromium: the image comes from the delivery server, at the
 * widths Next asked for, of a photo uploaded through the real API and rendered by the real worker.
 */
// The delivery server as its own process, from the build, as a deployment runs it; the API hands out its URLs.
const { harness, delivery } = setupHarnessWithDelivery();
let next: NextApp;
let browser: Browser;
let asset: Asset;

beforeAll(async () => {
  const tenant = harness.admin.withToken((await harness.admin.createTenant('next-image')).apiKey);
  const { asset: started } = await tenant.uploadFile(fixture('jolla.jpg'), 'image/jpeg');
  // Built while the worker renders the upload's variants.
  [next, asset] = await Promise.all([startNextApp(), tenant.waitForAsset(started.id)]);
  browser = await launchChromium();
}, 300_000);
afterAll(async () => {
  await browser?.close();
  await next?.close();
});

describe('next/image with @darkroom/client/next', () => {
  it('shows the photo from the delivery server at the widths Next asked for', async () => {
    expect(asset).toMatchObject({ status: 'ready', width: 3264, height: 2448 });
    const base = asset.delivery?.base;
    expect(base).toBe(`${delivery.baseUrl}/img/${asset.id}/1`);

    const { context, page, image, answers: fromDelivery, problems } = await openNextImage(browser, next, asset, base!, `${delivery.baseUrl}/img/`);
    await expectNextImage({ image, answers: fromDelivery }, base!, asset);

    await screenshot(page, 'next-image');
    expect(problems).toEqual([]);
    await context.close();
  }, 120_000);
});
