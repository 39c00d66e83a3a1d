import { execFile, spawn } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { imageConfigDefault } from 'next/dist/shared/lib/image-config.js';
import type { Browser, BrowserContext, Locator, Page, Response } from 'playwright-core';
import sharp from 'sharp';
import { expect } from 'vitest';
import { watchProblems } from './browser.js';
import { freePort, staleBuilds, waitFor } from './services.js';
import { loadedWidth, type PageImage } from './upload-page.js';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../../', import.meta.url));
/** test/next-app: next/image with @darkroom/client/next as its loaderFile. */
const appDir = `${root}test/next-app`;
const nextBin = `${root}node_modules/next/dist/bin/next`;

export interface NextApp {
  baseUrl: string;
  output(): string;
  close(): Promise<void>;
}

/**
 * Builds test/next-app (`next build`) into a directory of this run's own, so parallel runs never
 * share one, then serves it (`next start`) on a free port until close(), which removes the build.
 * The loader comes from @darkroom/client's dist/, so build the workspaces first.
 */
export async function startNextApp(): Promise<NextApp> {
  const stale = staleBuilds();
  if (stale.length > 0) throw new Error(`run \`npm run build\` first: dist/ is older than src/ in ${stale.join(', ')}`);
  const distDir = `.next-test-${process.pid}`;
  const env = { ...process.env, NEXT_DIST_DIR: distDir, NEXT_TELEMETRY_DISABLED: '1', NODE_ENV: 'production' };
  const removeBuild = () => rm(`${appDir}/${distDir}`, { recursive: true, force: true });
  try {
    await run(process.execPath, [nextBin, 'build'], { cwd: appDir, env, maxBuffer: 16 * 1024 * 1024 });
  } catch (error) {
    await removeBuild();
    const { stdout, stderr } = error as { stdout?: string; stderr?: string };
    throw new Error(`next build failed:\n${stdout ?? ''}${stderr ?? ''}`);
  }
  const port = await freePort();
  const child = spawn(process.execPath, [nextBin, 'start', '-H', '127.0.0.1', '-p', String(port)], {
    cwd: appDir,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const exited = new Promise((resolve) => child.on('exit', resolve));
  const close = async () => {
    if (child.exitCode === null) child.kill('SIGTERM');
    await exited;
    await removeBuild();
  };
  const baseUrl = `http://127.0.0.1:${port}`;
  try {
    await waitFor('next start to answer', async () => {
      if (child.exitCode !== null) throw new Error(`next start exited: ${output}`);
      return (await fetch(baseUrl).catch(() => null))?.ok;
    });
  } catch (error) {
    await close();
    throw error;
  }
  return { baseUrl, output: () => output, close };
}

export interface NextImagePage {
  context: BrowserContext;
  page: Page;
  /** The page's next/image (`img#photo`). */
  image: Locator;
  /** Every answer to a URL under `prefix`, in order. */
  answers: Response[];
  /** Every URL the page asked for, in order. */
  requests: string[];
  problems: string[];
}

/**
 * Opens test/next-app's page with one next/image of `src` (an asset's `delivery.base`) at the
 * asset's size, in a window 1000 CSS px wide at 1 device pixel (`sizes` makes the image 800 px:
 * Chromium takes the 828 of the srcset).
 */
export async function openNextImage(
  browser: Browser,
  next: NextApp,
  asset: { width: number | null; height: number | null },
  src: string,
  prefix: string,
): Promise<NextImagePage> {
  const context = await browser.newContext({ viewport: { width: 1000, height: 900 }, deviceScaleFactor: 1 });
  const page = await context.newPage();
  const problems = watchProblems(page, () => false);
  const answers: Response[] = [];
  const requests: string[] = [];
  page.on('request', (request) => requests.push(request.url()));
  page.on('response', (response) => {
    if (response.url().startsWith(prefix)) answers.push(response);
  });
  const query = new URLSearchParams({ src, width: String(asset.width), height: String(asset.height) });
  await page.goto(`${next.baseUrl}/?${query}`);
  return { context, page, image: page.locator('img#photo'), answers, requests, problems };
}

/**
 * The page's next/image, as Next and the loader wrote it from `base` and as Chromium loaded it: the
 * srcset of Next's deviceSizes, each `{base}/w_{width}` (f_auto; within the tenant's default policy,
 * unsigned), the 828 one chosen, asked for alone and answered with an 828 px AVIF or WebP.
 */
export async function expectNextImage(
  opened: Pick<NextImagePage, 'image' | 'answers'>,
  base: string,
  asset: { width: number | null; height: number | null },
): Promise<void> {
  const { image, answers } = opened;
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
  expect(answers.map((r) => r.url())).toEqual([`${base}/w_828`]);
  const [answer] = answers;
  expect(answer?.status()).toBe(200);
  expect(await answer?.headerValue('content-type')).toMatch(/^image\/(avif|webp)$/);
  const rendered = await sharp(await answer!.body()).metadata();
  expect([rendered.width, rendered.height]).toEqual([828, Math.round((828 * asset.height!) / asset.width!)]);
}
