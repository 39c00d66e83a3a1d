import { readFile } from 'node:fs/promises';
import type { Asset } from '@darkroom/client';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { launchChromium } from '../support/browser.js';
import { setupHarnessWithDelivery } from '../support/delivery.js';
import { setupTenant } from '../support/setup-harness.js';
import { fixture } from '../support/images.js';
import { expectNextImage, openNextImage, startNextApp, type NextApp } from '../support/next-app.js';
import { currentDeliveryKey, expectOnlyPrivateRequests, expectPrivateUrls, PRIVATE_CACHE_CONTROL } from '../support/private-urls.js';
import { screenshot } from '../support/upload-page.js';

/**
 * A private photo in test/next-app (`next build`, `next start`): its next/image is given the Asset's
 * `delivery.base`, a private link's `…/p/{exp}/{sig}/{assetId}/img/{revision}`, and @darkroom/client's
 * loader, unchanged, writes every width under it: Chromium loads the one it picks from `/p/`, and
 * asks nothing of `/img/` or the bucket.
 */
const { harness, delivery } = setupHarnessWithDelivery();
const tenant = setupTenant(harness, 'private-next-image');
let next: NextApp;
let browser: Browser;
let asset: Asset;

beforeAll(async () => {
  const bytes = new Uint8Array(await readFile(fixture('jolla.jpg')));
  const { asset: started } = await tenant.client.uploadAndComplete(bytes, {
    filename: 'jolla.jpg',
    contentType: 'image/jpeg',
    visibility: 'private',
  });
  // Built while the worker renders the upload's variants.
  [next, asset] = await Promise.all([startNextApp(), tenant.client.waitForAsset(started.id)]);
  browser = await launchChromium();
}, 300_000);
afterAll(async () => {
  await browser?.close();
  await next?.close();
});

it('next/image shows a private photo through the loader, from delivery.base under /p/', async () => {
  expect(asset).toMatchObject({ status: 'ready', visibility: 'private', width: 3264, height: 2448 });
  expectPrivateUrls(asset, await currentDeliveryKey(harness, tenant.tenantId), delivery.baseUrl);
  const base = asset.delivery!.base;
  expect(base).toMatch(new RegExp(`^${delivery.baseUrl}/p/\\d+/[\\w-]{22}/${asset.id}/img/1$`));

  const opened = await openNextImage(browser, next, asset, base, `${delivery.baseUrl}/p/`);
  await expectNextImage(opened, base, asset);
  const fetched = expectOnlyPrivateRequests(opened.requests, {
    pageOrigin: next.baseUrl,
    deliveryBaseUrl: delivery.baseUrl,
    storage: harness.api.config.storage,
  });
  expect(fetched).toEqual(['img/1/w_828']);
  expect(await opened.answers[0]!.headerValue('cache-control')).toMatch(PRIVATE_CACHE_CONTROL);

  await screenshot(opened.page, 'private-next-image');
  expect(opened.problems).toEqual([]);
  await opened.context.close();
}, 120_000);
