import { mkdir } from 'node:fs/promises';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { formatBytes } from '../../apps/api/src/services/usage/meter-units.js';
import { launchChromium, watchProblems } from '../support/browser.js';
import { setupHarness, setupTenant } from '../support/setup-harness.js';
import { ARTIFACTS } from '../support/upload-page.js';
import { insertDaily } from '../support/usage-rows.js';

/**
 * The console's tenant page in Chromium, over 30 days of usage rows as the rollup writes them: a
 * chart per meter (server-rendered SVG) and the tenant's quotas. Screenshot in test-artifacts/.
 */
const harness = setupHarness({ withWorker: false });
const t = setupTenant(harness, 'admin-tenant-page');
let browser: Browser;

beforeAll(async () => {
  browser = await launchChromium();
  await mkdir(ARTIFACTS, { recursive: true });
});
afterAll(() => browser?.close());

const DAY_MS = 86_400_000;
/** Today's date in UTC, `back` days ago. */
const dayAgo = (back: number) => new Date(Date.now() - back * DAY_MS).toISOString().slice(0, 10);

/** 30 days of a tenant that grows: uploads on weekdays, its storage climbing, renders and deliveries after them. */
function thirtyDays(tenantId: string) {
  const rows: { tenantId: string; day: string; meter: string; value: number }[] = [];
  for (let back = 29; back >= 0; back--) {
    const i = 29 - back;
    const day = dayAgo(back);
    const uploads = i % 7 >= 5 ? 3 : 20 + ((i * 7) % 13);
    const held = 2e9 + i * 1.5e8;
    const add = (meter: string, value: number) => rows.push({ tenantId, day, meter, value });
    add('uploads', uploads);
    add('upload_bytes', uploads * 3.2e6);
    add('stored_bytes', held * 24);
    add('stored_bytes_peak', held + 5e7);
    add('stored_bytes_unbilled', 4e7 * 24);
    add('image_renders', uploads * 5 + (i % 4) * 11);
    add('video_seconds_sd', i % 3 === 0 ? 240 : 0);
    add('video_seconds_hd', i % 3 === 0 ? 480 : 0);
    add('delivery_requests', 1000 + i * 90);
    add('delivery_bytes', (1000 + i * 90) * 45_000);
    add('bucket_class_a', uploads * 9);
    add('bucket_class_b', 300 + i * 4);
    add('bucket_class_c', uploads * 2);
    add('presigned_urls_a', uploads);
    add('presigned_urls_b', i % 3 === 0 ? 12 : 0);
    add('webhook_deliveries', uploads * 2);
  }
  return rows;
}

it("shows a chart of each meter over the last 30 days and the tenant's quotas", async () => {
  const rows = thirtyDays(t.tenantId);
  await insertDaily(harness.api.db, rows);
  // Set after the rows: a quota set anew counts its month so far from the daily rows.
  const patched = await harness.admin.request('PATCH', `/v1/admin/tenants/${t.tenantId}`, {
    quotas: { storedBytes: 10e9, uploadBytesPerMonth: 5e9, imageRendersPerMonth: null },
  });
  expect(patched.status, JSON.stringify(patched.body)).toBe(200);
  const thisMonth = new Date().toISOString().slice(0, 7);
  const uploadedThisMonth = rows.filter((r) => r.meter === 'upload_bytes' && r.day.startsWith(thisMonth)).reduce((sum, r) => sum + r.value, 0);
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const problems = watchProblems(
    page,
    (status, pathname) => (status === 401 && pathname === '/admin/tenants') || (status === 404 && pathname.startsWith('/admin/tenants/')),
  );
  await page.goto(`${harness.baseUrl}/admin/tenants`);
  await page.fill('input[name=token]', harness.adminToken);
  await Promise.all([page.waitForURL('**/admin/tenants'), page.click('button[type=submit]')]);
  await page.fill('input[name=q]', t.tenantId);
  await Promise.all([page.waitForURL(/q=/), page.click('form.filter button[type=submit]')]);
  await Promise.all([page.waitForURL(`**/admin/tenants/${t.tenantId}`), page.click(`tr[data-tenant-id="${t.tenantId}"] td.name a`)]);

  expect(await page.locator('h1').textContent()).toBe('admin-tenant-page');
  const charts = page.locator('svg.chart');
  expect(await charts.count()).toBe(19);
  // Each chart has a bar a day; a meter that counted nothing says so.
  expect(await page.locator('svg.chart[data-meter="uploads"] rect.bar').count()).toBe(30);
  expect(await page.locator(`svg.chart[data-meter="uploads"] rect.bar >> nth=29 >> title`).textContent()).toBe(
    `${dayAgo(0)}: ${20 + ((29 * 7) % 13)}`,
  );
  expect(await page.locator('svg.chart[data-meter="audio_seconds"] text').first().textContent()).toBe('nothing counted');
  const label = await page.locator('svg.chart[data-meter="upload_bytes"]').getAttribute('aria-label');
  expect(label).toMatch(new RegExp(`^upload_bytes, ${dayAgo(29)} to ${dayAgo(0)}: [\\d.]+ GB in all, at most 102 MB a day$`));
  // The tallest bar of a growing meter is the last day's, the full height of the plot.
  const heights = await page
    .locator('svg.chart[data-meter="stored_bytes_peak"] rect.bar')
    .evaluateAll((bars) => bars.map((b) => Number(b.getAttribute('height'))));
  expect(heights.indexOf(Math.max(...heights))).toBe(29);

  const quota = (name: string) => page.locator(`#quotas tr[data-quota="${name}"]`);
  expect(await quota('storedBytes').locator('.limit').textContent()).toBe('10.0 GB');
  expect(await quota('uploadBytesPerMonth').locator('.limit').textContent()).toBe('5.00 GB');
  expect(await quota('uploadBytesPerMonth').locator('.used').textContent()).toBe(formatBytes(uploadedThisMonth));
  expect(await quota('storedBytes').locator('.used').textContent()).toBe('0 B');
  expect(await quota('imageRendersPerMonth').locator('.used').textContent()).toBe('—');
  expect(await quota('imageRendersPerMonth').locator('.limit').textContent()).toBe('unlimited');
  expect(await quota('videoSecondsPerMonth').locator('.limit').textContent()).toBe('unlimited');
  await page.screenshot({ path: `${ARTIFACTS}admin-tenant.png`, fullPage: true });

  // A tenant that does not exist: the tenants page, saying so.
  const missing = await page.goto(`${harness.baseUrl}/admin/tenants/${crypto.randomUUID()}`);
  expect(missing?.status()).toBe(404);
  expect(await page.locator('.notice').textContent()).toMatch(/tenant/i);
  expect(problems).toEqual([]);
  await context.close();
});
