import { readFile, stat } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromiumAt, watchProblems } from './support/browser.js';
import { TestApi } from './support/client.js';
import { startHarness, type Harness } from './support/harness.js';
import { fixture } from './support/images.js';
import { loadedWidth, mintUploadToken, PAGE_ORIGIN, screenshot, writeBigJpeg } from './support/upload-page.js';

declare const window: { uppyProgress: Record<string, number[]> };

/**
 * The same flow as test/upload-page.test.ts through Uppy's Dashboard: @uppy/aws-s3 configured by
 * @darkroom/client/uppy, in Debian's Chromium, against the real API, bucket and worker. The harness
 * page (test/uppy-harness) is bundled here with esbuild and served on the page origin by the test.
 */
/** How long a page may take to show what a test waits for, on a machine busy with other tests. */
const WAIT = { timeout: 30_000 };

let harness: Harness;
let tenant: TestApi;
let browser: Browser;
let bigJpeg: string;
let files: Map<string, { body: string | Buffer; contentType: string }>;

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

async function bundleHarness(): Promise<typeof files> {
  const result = await build({
    entryPoints: [here('./uppy-harness/main.ts')],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    logLevel: 'warning',
  });
  const css = await Promise.all(
    ['@uppy/core/dist/style.min.css', '@uppy/dashboard/dist/style.min.css'].map((name) => readFile(here(`../node_modules/${name}`), 'utf8')),
  );
  return new Map([
    ['index.html', { body: await readFile(here('./uppy-harness/index.html')), contentType: 'text/html; charset=utf-8' }],
    ['uppy.js', { body: result.outputFiles[0]!.text, contentType: 'text/javascript; charset=utf-8' }],
    ['uppy.css', { body: css.join('\n'), contentType: 'text/css; charset=utf-8' }],
  ]);
}

beforeAll(async () => {
  harness = await startHarness();
  const admin = new TestApi(harness.baseUrl, harness.adminToken);
  tenant = admin.withToken((await admin.createTenant('upload-uppy')).apiKey);
  browser = await launchChromiumAt(PAGE_ORIGIN, harness.baseUrl);
  [bigJpeg, files] = await Promise.all([writeBigJpeg(), bundleHarness()]);
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await harness?.close();
});

async function openHarness(token: string): Promise<{ page: Page; problems: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1100, height: 900 } });
  // The harness's document comes from the test (route.fulfill), not from a loopback server as the
  // upload page does, so Chromium counts it as public and asks before it may reach the bucket on 127.0.0.1.
  await context.grantPermissions(['local-network-access'], { origin: PAGE_ORIGIN });
  const page = await context.newPage();
  // The harness's own files; everything else on the origin is the real API.
  await page.route(`${PAGE_ORIGIN}/uppy-harness/*`, (route) => {
    const file = files.get(new URL(route.request().url()).pathname.split('/').pop()!);
    return file ? route.fulfill({ status: 200, contentType: file.contentType, body: file.body }) : route.fulfill({ status: 404 });
  });
  const problems = watchProblems(page, () => false);
  await page.goto(`${PAGE_ORIGIN}/uppy-harness/index.html#token=${token}`);
  return { page, problems };
}

const result = (page: Page, name: string) => page.locator(`li.result[data-name="${name}"]`);

describe('Uppy Dashboard with @darkroom/client/uppy in Chromium', () => {
  it('uploads three files (one multipart, one bad): progress moves, thumbnails load, the bad one gives its message', async () => {
    const { page, problems } = await openHarness(await mintUploadToken(tenant));
    await page
      .locator('input.uppy-Dashboard-input[type=file]')
      .first()
      .setInputFiles([bigJpeg, fixture('Landscape_2.jpg'), fixture('truncated.jpg')]);
    await page.locator('.uppy-StatusBar-actionBtn--upload').click();

    await expect.poll(() => result(page, 'truncated.jpg').getAttribute('data-status'), { timeout: 60_000 }).toBe('failed');
    await expect.poll(() => result(page, 'Landscape_2.jpg').getAttribute('data-status'), { timeout: 60_000 }).toBe('ready');
    await expect.poll(() => result(page, 'big-noise.jpg').getAttribute('data-status'), { timeout: 120_000 }).toBe('ready');

    const progress = await page.evaluate(() => window.uppyProgress['big-noise.jpg'] ?? []);
    expect(
      progress.some((v) => v > 0 && v < 100),
      progress.join(','),
    ).toBe(true);
    expect(progress.at(-1)).toBe(100);

    const bad = (await tenant.request('GET', `/v1/assets/${await result(page, 'truncated.jpg').getAttribute('data-asset-id')}`)).body;
    expect(await result(page, 'truncated.jpg').locator('.error').textContent()).toBe(bad.error.message);

    const big = (await tenant.request('GET', `/v1/assets/${await result(page, 'big-noise.jpg').getAttribute('data-asset-id')}`)).body;
    expect(big).toMatchObject({ status: 'ready', size: (await stat(bigJpeg)).size });
    for (const name of ['big-noise.jpg', 'Landscape_2.jpg']) {
      const image = result(page, name).locator('img');
      expect(await image.getAttribute('src')).toMatch(/^http:\/\/127\.0\.0\.1:7480\//);
      await expect.poll(() => loadedWidth(image), WAIT).toBeGreaterThan(0);
    }
    // Uppy's own view of it: all three sent, none failed in transfer.
    expect(await page.locator('.uppy-Dashboard-Item.is-complete').count()).toBe(3);
    await screenshot(page, 'upload-uppy');
    expect(problems).toEqual([]);
    await page.context().close();
  }, 180_000);
});
