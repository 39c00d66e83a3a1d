import { expect } from 'vitest';
import type { JsonBody, WebhookDeliveryAttempt } from '@darkroom/client';
import type { TestApi } from './client.js';

/** Settings of a harness whose worker delivers webhooks to loopback receivers, quickly. */
export const WEBHOOK_TEST_ENV = {
  WEBHOOK_ALLOW_PRIVATE: 'true',
  // Many short retries: a receiver that is down for a few seconds is still within the schedule.
  WEBHOOK_RETRY_SCHEDULE: '1s,1s,1s,2s,2s,2s,2s,2s,2s,2s',
  WEBHOOK_SWEEP_INTERVAL: '500ms',
};

export async function addWebhook(client: TestApi, url: string, extra: Omit<JsonBody<'/v1/webhooks', 'post'>, 'url'> = {}) {
  const res = await client.request('POST', '/v1/webhooks', { url, ...extra });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}

/** A webhook's delivery log page by page (`limit` attempts a page), following `nextCursor` until it is null. */
export async function deliveryPages(client: TestApi, webhookId: string, limit = 100): Promise<WebhookDeliveryAttempt[][]> {
  const pages = [];
  let cursor = '';
  for (;;) {
    const res = await client.request('GET', `/v1/webhooks/${webhookId}/deliveries?limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`);
    expect(res.status).toBe(200);
    pages.push(res.body.items);
    if (res.body.nextCursor === null) return pages;
    expect(res.body.nextCursor, 'a cursor that does not move').not.toBe(cursor);
    cursor = res.body.nextCursor;
  }
}

/** A webhook's whole delivery log, newest first. */
export const deliveryLog = async (client: TestApi, webhookId: string) => (await deliveryPages(client, webhookId)).flat();
