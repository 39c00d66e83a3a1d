import { readFile } from 'node:fs/promises';
import { finishAttempt, startAttempt } from '@darkroom/db/queries/webhook-attempts';
import { finishDelivery, insertDeliveries } from '@darkroom/db/queries/webhook-deliveries';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, watchProblems } from '../support/browser.js';
import { createTestTenant } from '../support/fixtures.js';
import { fixture } from '../support/images.js';
import { startReceiver, verifyReceipt, type Receiver } from '../support/receiver.js';
import { setupHarness } from '../support/setup-harness.js';

/** The console's webhooks page in Chromium: each tenant's webhooks, their failed deliveries, and Redeliver. */
const harness = setupHarness({ env: { WEBHOOK_ALLOW_PRIVATE: 'true' } });
let browser: Browser;
let hook: Receiver;

beforeAll(async () => {
  hook = await startReceiver();
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await hook?.stop();
});

/** A failed delivery of `eventId`, recorded as the worker records one (in one transaction: no worker sees it pending). */
async function seedFailure(params: { tenantId: string; webhookId: string; eventId: string }) {
  await harness.api.db.transaction(async (tx) => {
    const [delivery] = await insertDeliveries(tx, { deliveries: [params] });
    const attempt = await startAttempt(tx, {
      deliveryId: delivery!.id,
      webhookId: params.webhookId,
      eventId: params.eventId,
      eventType: 'asset.uploaded',
      attempt: 1,
    });
    const result = { status: 'failed' as const, responseStatus: 500, responseBody: 'oops', error: 'HTTP 500', durationMs: 12, nextAttemptAt: null };
    await finishAttempt(tx, { id: attempt.id, result });
    await finishDelivery(tx, { id: delivery!.id, outcome: { state: 'failed' } });
  });
}

describe('admin console: webhooks', () => {
  it('shows a tenant’s webhooks with their failed deliveries, and redelivers one with a click', async () => {
    const { client, tenantId } = await createTestTenant(harness, 'admin-webhooks');
    const description = `CMS <script>alert(1)</script> ${Date.now()}`;
    // It takes only asset.expired, which never happens here: the redelivery is the one request it gets.
    const created = await client.request('POST', '/v1/webhooks', { url: hook.url, events: ['asset.expired'], description });
    const { webhook, secret } = created.body;
    await client.uploadAndComplete(new Uint8Array(await readFile(fixture('320x240.jpg'))), { filename: 'a.jpg', contentType: 'image/jpeg' });
    const [event] = await client.events({ type: 'asset.uploaded' });
    await seedFailure({ tenantId, webhookId: webhook.id, eventId: event!.id });

    const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
    const page = await context.newPage();
    const problems = watchProblems(page, (status, pathname) => status === 401 && pathname === '/admin/webhooks');
    await page.goto(`${harness.baseUrl}/admin/webhooks?tenantId=${tenantId}`);
    await page.fill('input[name=token]', harness.adminToken);
    await Promise.all([page.waitForURL('**/admin/webhooks'), page.click('button[type=submit]')]);
    await page.fill('input[name=tenantId]', tenantId);
    await Promise.all([page.waitForURL(/tenantId=/), page.click('form.filter button[type=submit]')]);

    const section = page.locator(`section[data-webhook-id="${webhook.id}"]`);
    expect(await section.locator('.url').textContent()).toBe(hook.url);
    expect(await section.textContent()).toContain(description); // shown as text, not markup
    const row = section.locator(`tr.failure[data-event-id="${event!.id}"]`);
    expect(await row.locator('.answer').textContent()).toBe('HTTP 500');
    expect(hook.receipts).toEqual([]);

    await row.locator('button.redeliver').click();
    await expect.poll(() => row.locator('.row-message').textContent(), { timeout: 15_000 }).toBe('Redelivery queued.');
    const [receipt] = await hook.until('the redelivery', (r) => (r.length > 0 ? r : null), 60_000);
    expect(receipt!.webhookId).toBe(event?.id);
    expect(verifyReceipt(secret, receipt!).type).toBe('asset.uploaded');
    await page.screenshot({ path: '/tmp/darkroom-admin-webhooks.png', fullPage: true });
    expect(problems).toEqual([]);
    await context.close();
  });

  it('refuses a tenant key on the admin redeliver route, and a malformed filter is explained on the page', async () => {
    const { client } = await createTestTenant(harness, 'admin-webhooks-tenant');
    const res = await client.request('POST', '/v1/admin/events/0190d8f0-0000-7000-8000-000000000000/redeliver', {});
    expect(res.status).toBe(403);
    const page = await fetch(`${harness.baseUrl}/admin/webhooks?tenantId=nope`, { headers: { authorization: `Bearer ${harness.adminToken}` } });
    expect(page.status).toBe(400);
    expect(await page.text()).toContain('is not a tenant id');
  });
});
