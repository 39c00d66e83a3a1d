import { readFile } from 'node:fs/promises';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { failedUpload } from '../support/fixtures.js';
import { launchChromium, watchProblems } from '../support/browser.js';
import { fixture } from '../support/images.js';
import { setupHarness, setupTenant } from '../support/setup-harness.js';

// Code that runs in the page (page.evaluate): the DOM's types, without the DOM lib, whose fetch
// types would clash with Node's across the test program.
declare const document: { cookie: string };
type PageImage = { complete: boolean; naturalWidth: number };

/** The admin console in a real browser (test/support/browser.ts). */
const SCREENSHOT = '/tmp/darkroom-admin.png';
const SCREENSHOT_FAILED = '/tmp/darkroom-admin-failed.png';

const harness = setupHarness();
const t = setupTenant(harness, 'admin-page');
let browser: Browser;

beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(() => browser?.close());

/**
 * Expected refusals: the login page served with 401 before logging in, and previews that cannot be
 * made. Other test files share the database: their failed assets may since be deleted (404) or hold
 * no original (409). A preview that cannot be made is a placeholder on the page, not a page error.
 */
const expectedRefusal = (status: number, pathname: string) =>
  (status === 401 && pathname === '/admin/failed') || ([404, 409, 422].includes(status) && pathname.endsWith('/original-preview'));

describe('admin console in Chromium', () => {
  it('logs in, filters failed jobs, previews originals, and retries a job to completion', async () => {
    const filename = `broken <img src=x onerror=alert(1)> ${Date.now()}.jpg`;
    const { asset, job } = await failedUpload(t.client, filename);
    const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
    const page = await context.newPage();
    const problems = watchProblems(page, expectedRefusal);

    // Straight to the page: the browser gets the login form, and comes back after logging in.
    await page.goto(`${harness.baseUrl}/admin/failed`);
    await page.fill('input[name=token]', harness.adminToken);
    await Promise.all([page.waitForURL('**/admin/failed'), page.click('button[type=submit]')]);
    expect(await page.evaluate(() => document.cookie)).not.toContain('darkroom_admin'); // HttpOnly
    expect((await context.cookies()).find((c) => c.name === 'darkroom_admin')).toMatchObject({ httpOnly: true, sameSite: 'Strict' });

    await page.fill('input[name=tenantId]', t.tenantId);
    await page.selectOption('select[name=errorCode]', 'corrupt_image');
    await Promise.all([page.waitForURL(/errorCode=corrupt_image/), page.click('form.filter button[type=submit]')]);
    const codes = await page.locator('#failed tbody .errcode').allTextContents();
    expect(codes.length).toBeGreaterThan(0);
    expect(new Set(codes)).toEqual(new Set(['corrupt_image']));

    const row = page.locator(`tr[data-job-id="${job.id}"]`);
    await expect.poll(() => row.locator('.filename').textContent()).toBe(filename); // shown as text, not markup
    expect(await row.locator('.errmsg').textContent()).toBeTruthy();
    expect(await row.locator('.state').textContent()).toBe('failed');
    // The truncated original does not decode: a placeholder naming why, instead of a broken image.
    await expect.poll(() => row.locator('.preview .placeholder').textContent()).toBe('corrupt_image');
    await page.screenshot({ path: SCREENSHOT_FAILED, fullPage: true });

    // Fix the cause (a good original), then one click.
    const original = await harness.api.db.query.assets.findFirst({ where: (a, { eq }) => eq(a.id, asset.id) });
    const good = await readFile(fixture('320x240.jpg'));
    await harness.api.storage.putObject({ bucket: process.env.S3_BUCKET!, key: original!.originalKey, body: good, contentType: 'image/jpeg' });
    await row.locator('button.retry').click();
    await expect.poll(() => row.locator('.state').textContent(), { timeout: 30_000 }).toBe('completed');
    expect(await row.locator('.attempts').textContent()).toMatch(/^2\//);
    expect(await row.locator('.asset-status').textContent()).toBe('ready');
    expect(await row.locator('button.retry').isDisabled()).toBe(true);
    await expect.poll(() => row.locator('.preview img').evaluate((img: PageImage) => img.complete && img.naturalWidth)).toBeGreaterThan(0);

    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    expect(problems).toEqual([]);
    await context.close();
  });

  it('opens bull-board with the same session', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
    const page = await context.newPage();
    await page.goto(`${harness.baseUrl}/admin/login`);
    await page.fill('input[name=token]', harness.adminToken);
    await Promise.all([page.waitForURL('**/admin/failed'), page.click('button[type=submit]')]);
    await page.goto(`${harness.baseUrl}/admin/queues/queue/assets`);
    await expect.poll(() => page.locator('main').innerText(), { timeout: 15_000 }).toMatch(/completed/i);
    expect(await page.locator('aside, nav').first().innerText()).toContain('assets');
    // bull-board's own actions (PUT from its page, same origin) pass the CSRF check with the cookie.
    const pause = (action: string) => page.evaluate((a) => fetch(`api/queues/assets/${a}`, { method: 'PUT' }).then((r) => r.status), action);
    expect(await pause('pause')).toBe(200);
    expect(await harness.api.queue.queue.isPaused()).toBe(true);
    expect(await pause('resume')).toBe(200);
    expect(await harness.api.queue.queue.isPaused()).toBe(false);
    await page.screenshot({ path: '/tmp/darkroom-queues.png' });
    await context.close();
  });
});
