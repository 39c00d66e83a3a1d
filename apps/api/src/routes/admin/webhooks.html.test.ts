import type { Webhook, WebhookAttempt } from '@darkroom/db/webhook-schema';
import { describe, it } from 'vitest';
import { expectEscaped, hostile } from '../../../../../test/support/escaping.js';
import { webhooksPage } from './webhooks.html.js';

describe('webhooks page', () => {
  it('escapes the webhook URL, its description, the tenant name, a receiver’s error and the filter', () => {
    const webhook = {
      id: '0190d8f0-0000-7000-8000-000000000010',
      tenantId: '0190d8f0-0000-7000-8000-000000000011',
      url: `https://hooks.example/${hostile('url')}`,
      description: hostile('description'),
      events: ['asset.ready'],
      enabled: true,
    } as unknown as Webhook;
    const failure = {
      eventId: '0190d8f0-0000-7000-8000-000000000012',
      eventType: 'asset.ready',
      attempt: 2,
      error: hostile('receiver error'),
      responseStatus: null,
      attemptedAt: new Date(0),
      nextAttemptAt: null,
    } as unknown as WebhookAttempt;
    const page = webhooksPage({
      nonce: 'n0nce',
      tenantId: hostile('tenant filter'),
      notice: hostile('notice'),
      webhooks: [{ ...webhook, tenantName: hostile('tenant name'), failures: [failure] }],
    });
    expectEscaped(page, ['url', 'description', 'tenant name', 'receiver error', 'tenant filter', 'notice'], 1);
  });
});
