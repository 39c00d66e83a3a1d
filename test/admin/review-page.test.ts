import { mkdir } from 'node:fs/promises';
import { getAsset } from '@darkroom/db/queries/assets';
import { phashText } from '@darkroom/core/contract/moderation';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { launchChromium, watchProblems } from '../support/browser.js';
import { setupHarnessWithDelivery } from '../support/delivery.js';
import { heldPhoto, randomHash } from '../support/moderation.js';
import { setupTenant } from '../support/setup-harness.js';
import { ARTIFACTS } from '../support/upload-page.js';

// Code that runs in the page (page.evaluate): the DOM's types, without the DOM lib.
declare const document: {
  activeElement: { dataset: Record<string, string>; closest(selector: string): { dataset: Record<string, string> } | null } | null;
};

/**
 * The console's Review page in Chromium, driven from the keyboard: held assets with their private
 * thumbnails, findings and scores, approved and rejected; the deployment's blocklist added to and
 * deleted from. Screenshots in test-artifacts/.
 */
const { harness, delivery } = setupHarnessWithDelivery();
const t = setupTenant(harness, 'admin-review-page');
let browser: Browser;

beforeAll(async () => {
  browser = await launchChromium();
  await mkdir(ARTIFACTS, { recursive: true });
});
afterAll(() => browser?.close());

/** The login page's 401 before logging in: nothing else may be refused (the thumbnails' private links load). */
const expectedRefusal = (status: number, pathname: string) => status === 401 && pathname === '/admin/review';

const activeAction = () =>
  document.activeElement
    ? { action: document.activeElement.dataset.action ?? null, assetId: document.activeElement.closest('li')?.dataset.assetId ?? null }
    : null;

it('approves one held asset and rejects another from the keyboard, and keeps the deployment blocklist', async () => {
  const first = await heldPhoto(harness, t.client, [{ check: 'classifier', label: 'explicit', score: 0.91 }]);
  const second = await heldPhoto(harness, t.client, [{ check: 'review', label: null, score: null }]);
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const problems = watchProblems(page, expectedRefusal);
  await page.goto(`${harness.baseUrl}/admin/review?tenantId=${t.tenantId}`);
  await page.fill('input[name=token]', harness.adminToken);
  await Promise.all([page.waitForURL('**/admin/review'), page.click('button[type=submit]')]);
  await page.fill('input[name=tenantId]', t.tenantId);
  await Promise.all([page.waitForURL(/tenantId=/), page.click('form.filter button[type=submit]')]);

  const items = page.locator('ol.held > li');
  expect(await items.evaluateAll((lis) => lis.map((li) => (li as unknown as { dataset: { assetId: string } }).dataset.assetId))).toEqual([
    first.id,
    second.id,
  ]);
  const firstItem = page.locator(`li[data-asset-id="${first.id}"]`);
  expect(await firstItem.locator('.findings').textContent()).toBe('classifier: explicit 0.91');
  expect(await firstItem.locator('img.thumb').getAttribute('src')).toMatch(new RegExp(`^${delivery.baseUrl}/p/\\d+/[^/]+/${first.id}/`));
  // A held asset is served through its private links: every thumbnail loads.
  await expect
    .poll(() => items.locator('img.thumb').evaluateAll((imgs) => imgs.map((img) => (img as unknown as { naturalWidth: number }).naturalWidth > 0)))
    .toEqual([true, true]);
  await page.screenshot({ path: `${ARTIFACTS}admin-review.png`, fullPage: true });

  // Keyboard only: the reason field, Tab to Approve, Enter; focus moves on to the next held asset.
  await firstItem.locator('input.reason').focus();
  await page.keyboard.type('looks fine');
  await page.keyboard.press('Tab');
  expect(await page.evaluate(activeAction)).toEqual({ action: 'approve', assetId: first.id });
  await page.keyboard.press('Enter');
  await expect.poll(() => firstItem.locator('.row-message').textContent(), { timeout: 15_000 }).toBe('Approved: the asset is ready.');
  expect(await page.evaluate(activeAction)).toEqual({ action: 'approve', assetId: second.id });
  await page.keyboard.press('Tab');
  expect(await page.evaluate(activeAction)).toEqual({ action: 'reject', assetId: second.id });
  await page.keyboard.press('Enter');
  const secondItem = page.locator(`li[data-asset-id="${second.id}"]`);
  await expect.poll(() => secondItem.locator('.row-message').textContent(), { timeout: 15_000 }).toBe('Rejected: the asset is rejected.');
  expect(await page.evaluate(activeAction)).toEqual({ action: null, assetId: null }); // the heading, none left
  expect((await getAsset(harness.api.db, { id: first.id }))?.moderation).toMatchObject({
    state: 'approved',
    decidedBy: 'admin',
    reason: 'looks fine',
  });
  expect((await getAsset(harness.api.db, { id: second.id }))?.status).toBe('rejected');

  // The deployment's blocklist: a hash added with Enter, then deleted.
  const hash = phashText(randomHash());
  await page.locator('#blocklist-hash').focus();
  await page.keyboard.type(hash);
  await page.keyboard.press('Enter');
  const entry = page.locator('#blocklist tbody tr', { hasText: hash });
  await expect.poll(() => entry.count(), { timeout: 15_000 }).toBe(1);
  await page.screenshot({ path: `${ARTIFACTS}admin-review-decided.png`, fullPage: true });
  await entry.locator('button.delete').click();
  await expect.poll(() => entry.count(), { timeout: 15_000 }).toBe(0);
  const listed = await harness.admin.request('GET', '/v1/admin/blocklist?limit=100');
  expect(listed.body.items.some((e) => e.hash === hash)).toBe(false);
  expect(problems).toEqual([]);
  await context.close();
});
