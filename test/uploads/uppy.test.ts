import { readFile, stat } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { parseStorageConfig, setupBuckets } from '@darkroom/storage';
import { build } from 'esbuild';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromiumAt, watchProblems } from '../support/browser.js';
import type { TestApi } from '../support/client.js';
import { fixture } from '../support/images.js';
import { testEnv } from '../test-env.js';
import { loadedWidth, mintUploadToken, PAGE_ORIGIN, screenshot, writeBigJpeg } from '../support/upload-page.js';
import { setupHarness } from '../support/setup-harness.js';

declare const window: { uppyProgress: Record<string, number[]> };

/**
 * The same flow as test/uploads/page.test.ts through Uppy's Dashboard: @uppy/aws-s3 configured by
 * @darkroom/client/uppy, in Debian's Chromium, against the real API, bucket and worker. The harness
 * page (test/uppy-harness) is bundled here with esbuild and served on the page origin by the test.
 */
/** How long a page may take to show what a test waits for, on a machine busy with other tests. */
const WAIT = { timeout: 30_000 };

const harness = setupHarness();
let tenant: TestApi;
let browser: Browser;
let bigJpeg: string;
let files: Map<string, { body: string | Buffer; contentType: string }>;

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

async function bundleHarness(): Promise<typeof files> {
  const result = await build({
    entryPoints: [here('../uppy-harness/main.ts')],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    logLevel: 'warning',
  });
  const css = await Promise.all(
    ['@uppy/core/dist/style.min.css', '@uppy/core/dist/provider-views.min.css', '@uppy/dashboard/dist/style.min.css'].map((name) =>
      readFile(here(`../../node_modules/${name}`), 'utf8'),
    ),
  );
  return new Map([
    ['index.html', { body: await readFile(here('../uppy-harness/index.html')), contentType: 'text/html; charset=utf-8' }],
    ['uppy.js', { body: result.outputFiles[0]!.text, contentType: 'text/javascript; charset=utf-8' }],
    ['uppy.css', { body: css.join('\n'), contentType: 'text/css; charset=utf-8' }],
  ]);
}

beforeAll(async () => {
  tenant = harness.admin.withToken((await harness.admin.createTenant('upload-uppy')).apiKey);
  browser = await launchChromiumAt(PAGE_ORIGIN, harness.baseUrl);
  [bigJpeg, files] = await Promise.all([writeBigJpeg(), bundleHarness()]);
}, 120_000);
afterAll(() => browser?.close());

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
/** A file's outcome on the harness page: its status, and its error message when it has one (so a failure says why). */
async function outcome(page: Page, name: string): Promise<string | null> {
  const item = result(page, name);
  if (!(await item.count())) return null;
  const error = item.locator('.error');
  const status = await item.getAttribute('data-status');
  return (await error.count()) && status !== 'failed' ? `${status}: ${await error.textContent()}` : status;
}

describe('Uppy 6 Dashboard with @darkroom/client/uppy in Chromium', () => {
  it('uploads four files (one multipart, one typeless HEIC, one bad): progress moves, thumbnails load, the bad one gives its message', async () => {
    const { page, problems } = await openHarness(await mintUploadToken(tenant));
    const requests: string[] = [];
    page.on('request', (request) => requests.push(`${request.method()} ${new URL(request.url()).pathname}${new URL(request.url()).search}`));
    const picker = page.locator('input.uppy-Dashboard-input[type=file]').first();
    // First, as a browser hands over an iPhone's photo: with no type.
    await picker.setInputFiles({ name: 'IMG_0001.HEIC', mimeType: '', buffer: await readFile(fixture('iphone_13_pro_max.HEIC')) });
    await page.locator('.uppy-DashboardContent-addMore').click();
    await picker.setInputFiles([bigJpeg, fixture('Landscape_2.jpg'), fixture('truncated.jpg')]);
    await expect.poll(() => page.locator('.uppy-Dashboard-Item').count(), WAIT).toBe(4);
    // Uppy lists and completes the multipart upload in the bucket (GET and POST): the bucket's CORS as
    // this code's storage:setup sets it, again now, as the test buckets are shared with other runs.
    await setupBuckets(parseStorageConfig(testEnv), { corsOrigins: testEnv.CORS_ORIGINS!.split(','), log: () => {} });
    await page.locator('.uppy-StatusBar-actionBtn--upload').click();

    await expect.poll(() => outcome(page, 'truncated.jpg'), { timeout: 60_000 }).toBe('failed');
    await expect.poll(() => outcome(page, 'Landscape_2.jpg'), { timeout: 60_000 }).toBe('ready');
    await expect.poll(() => outcome(page, 'big-noise.jpg'), { timeout: 120_000 }).toBe('ready');
    await expect.poll(() => outcome(page, 'IMG_0001.HEIC'), { timeout: 120_000 }).toBe('ready');
    const heic = (await tenant.request('GET', `/v1/assets/${await result(page, 'IMG_0001.HEIC').getAttribute('data-asset-id')}`)).body;
    expect(heic.contentType).toBe('image/heic');

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
    // Uppy sent the multipart file's three parts in Darkroom's layout, then listed and completed its
    // upload in the bucket through URLs the API signed for it; it created and deleted nothing there.
    const bucket = requests.filter((r) => r.includes('X-Amz-Signature'));
    const [bigKey] = bucket.filter((r) => r.includes('partNumber=1&')).map((r) => r.split(' ')[1]!.split('?')[0]);
    expect(bigKey).toBeDefined();
    expect(bucket.filter((r) => r.startsWith('PUT') && r.includes(bigKey!) && r.includes('partNumber=')).length).toBe(3);
    expect(bucket.filter((r) => r.includes(bigKey!) && /^(GET|POST) /.test(r)).map((r) => r.split(' ')[0])).toEqual(['GET', 'POST']);
    expect(bucket.filter((r) => r.startsWith('DELETE') || r.includes('?uploads'))).toEqual([]);
    for (const name of ['big-noise.jpg', 'Landscape_2.jpg', 'IMG_0001.HEIC']) {
      const image = result(page, name).locator('img');
      expect(await image.getAttribute('src')).toMatch(/^http:\/\/127\.0\.0\.1:7480\//);
      await expect.poll(() => loadedWidth(image), WAIT).toBeGreaterThan(0);
    }
    // Uppy's own view of it: the three good ones sent and accepted; Darkroom's refusal of the bad one
    // comes later, from the worker, so Uppy counts it sent too.
    expect(await page.locator('.uppy-Dashboard-Item.is-complete').count()).toBe(4);
    await screenshot(page, 'upload-uppy');
    expect(problems).toEqual([]);
    await page.context().close();
  }, 240_000);
});
