import { deliveryPolicyOf } from '@darkroom/core/delivery';
import { privateLinkContext, type DeliveryContext } from '@darkroom/core/contract/asset';
import { signWebhook, WEBHOOK_TIMEOUT_MS } from '@darkroom/core/webhooks';
import { retryDelayMs } from '@darkroom/core/queue';
import {
  abandonDelivery,
  abandonWebhookDeliveries,
  claimDelivery,
  finishDelivery,
  type AttemptOutcome,
} from '@darkroom/db/queries/webhook-deliveries';
import { eventView } from '@darkroom/db/views';
import { finishAttempt, startAttempt } from '@darkroom/db/queries/webhook-attempts';
import { recordWork, webhookAttemptUsage } from '@darkroom/db/queries/usage';
import { getEvent } from '@darkroom/db/queries/events';
import { getTenant } from '@darkroom/db/queries/tenants';
import { getWebhook, updateTenantWebhook } from '@darkroom/db/queries/webhooks';
import type { Event } from '@darkroom/db/schema';
import type { Webhook, WebhookDelivery } from '@darkroom/db/webhook-schema';
import type { WebhookQueue } from '@darkroom/queue';
import type { WorkerDeps } from '../deps.js';
import type { DeliveryOutcome } from '../metrics.js';
import { postWebhook, type PostResult } from './send.js';

/**
 * How long an attempt holds its delivery: the request's time limit and room to record it. A worker
 * killed mid-attempt leaves the lease to lapse; the sweep then queues the same attempt again.
 */
export const DELIVERY_LEASE_MS = 3 * WEBHOOK_TIMEOUT_MS;

/** The body: the event as Standard Webhooks frames it, its asset with URLs (and delivery markup) as GET shows them. */
export function webhookBody(event: Event, publicUrl: WorkerDeps['publicUrl'], delivery: DeliveryContext): string {
  const { data } = eventView(event, publicUrl, delivery);
  return JSON.stringify({ type: event.type, timestamp: event.createdAt.toISOString(), data });
}

/**
 * The asset's URLs as the API would build them now: the tenant's policy at the time of sending, and
 * a private asset's URLs signed with its current delivery key, for PRIVATE_URL_TTL from this attempt.
 */
async function deliveryContextOf(deps: WorkerDeps, tenantId: string): Promise<DeliveryContext> {
  const tenant = await getTenant(deps.db, { id: tenantId });
  return {
    policy: deliveryPolicyOf(tenant?.delivery),
    baseUrl: deps.config.deliveryBaseUrl,
    private: privateLinkContext({
      secretBox: deps.secretBox,
      tenant: { id: tenantId, deliveryKeySealed: tenant?.deliveryKeySealed ?? null },
      ttlSeconds: deps.config.privateUrlTtlSeconds,
    }),
  };
}

/** The secrets that sign: the current one, and the previous one while a rotation's overlap lasts. */
function signingSecrets(deps: WorkerDeps, webhook: Webhook, now: Date): string[] {
  const secrets = [deps.secretBox.open(webhook.secretSealed, webhook.id)];
  if (webhook.previousSecretSealed && webhook.previousSecretExpiresAt && webhook.previousSecretExpiresAt > now) {
    secrets.push(deps.secretBox.open(webhook.previousSecretSealed, webhook.id));
  }
  return secrets;
}

async function send(deps: WorkerDeps, webhook: Webhook, event: Event): Promise<PostResult> {
  const now = new Date();
  const body = webhookBody(event, deps.publicUrl, await deliveryContextOf(deps, event.tenantId));
  const timestamp = Math.floor(now.getTime() / 1000);
  let secrets: string[];
  try {
    secrets = signingSecrets(deps, webhook, now);
  } catch (err) {
    // Sealed under another WEBHOOK_SECRET_KEY: the operator must fix the key, or the tenant rotate.
    deps.log.error(
      { webhookId: webhook.id, err: (err as Error).message },
      'cannot open the webhook secret: is WEBHOOK_SECRET_KEY the one it was sealed with?',
    );
    return { status: null, body: null, error: 'could not sign the delivery; rotate the webhook’s secret', durationMs: 0 };
  }
  const headers = {
    'content-type': 'application/json',
    'user-agent': 'Darkroom-Webhooks/1',
    'webhook-id': event.id,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': signWebhook({ id: event.id, timestamp, body, secrets }),
  };
  return postWebhook({ url: webhook.url, headers, body, timeoutMs: WEBHOOK_TIMEOUT_MS, allowPrivate: deps.config.webhooks.allowPrivate });
}

export interface Verdict {
  outcome: DeliveryOutcome;
  error: string | null;
  /** The delay before the next attempt; null when there is none. */
  retryInMs: number | null;
}

/** 2xx succeeds; 410 Gone disables the webhook; anything else is retried while the schedule lasts. */
export function judgeAttempt(result: PostResult, attempt: number, scheduleMs: readonly number[]): Verdict {
  const { status } = result;
  if (status !== null && status >= 200 && status < 300) return { outcome: 'succeeded', error: null, retryInMs: null };
  if (status === 410) return { outcome: 'gone', error: 'the receiver answered 410 Gone: webhook disabled', retryInMs: null };
  const error = result.error ?? (status !== null && status >= 300 && status < 400 ? `redirect not followed (HTTP ${status})` : `HTTP ${status}`);
  if (attempt > scheduleMs.length) return { outcome: 'failed', error, retryInMs: null };
  return { outcome: 'retrying', error, retryInMs: retryDelayMs(scheduleMs, attempt) };
}

const deliveryOutcome = (verdict: Verdict): AttemptOutcome =>
  verdict.retryInMs !== null ? { state: 'pending', delayMs: verdict.retryInMs } : { state: verdict.outcome === 'succeeded' ? 'succeeded' : 'failed' };

/**
 * Records the attempt (metered: one `webhook_deliveries` whatever its outcome) and moves the delivery
 * on, in one transaction; a 410 disables the webhook in it too.
 */
async function record(deps: WorkerDeps, delivery: WebhookDelivery, attemptId: string, result: PostResult, verdict: Verdict): Promise<void> {
  await deps.db.transaction(async (tx) => {
    const [nextAttemptAt] = await Promise.all([
      finishDelivery(tx, { id: delivery.id, outcome: deliveryOutcome(verdict) }),
      recordWork(tx, [webhookAttemptUsage({ id: attemptId, tenantId: delivery.tenantId })], deps.config.usage.metering),
    ]);
    const status = verdict.outcome === 'succeeded' ? 'succeeded' : 'failed';
    await finishAttempt(tx, {
      id: attemptId,
      result: {
        status,
        responseStatus: result.status,
        responseBody: result.body,
        error: verdict.error,
        durationMs: result.durationMs,
        nextAttemptAt,
      },
    });
    if (verdict.outcome === 'gone') {
      await updateTenantWebhook(tx, { tenantId: delivery.tenantId, id: delivery.webhookId, changes: { enabled: false } });
      await abandonWebhookDeliveries(tx, { webhookId: delivery.webhookId });
    }
  });
}

/**
 * `WebhookDeliver`: one attempt of one delivery. Takes the delivery's lease (a duplicate entry, or
 * a delivery already finished, does nothing), logs the attempt as pending, POSTs, then records the
 * outcome and queues the retry. Everything it needs comes from Postgres; the entry holds the id only.
 */
export async function webhookDeliver(deps: WorkerDeps, queue: WebhookQueue, deliveryId: string): Promise<string> {
  const delivery = await claimDelivery(deps.db, { id: deliveryId, leaseMs: DELIVERY_LEASE_MS });
  if (!delivery) return 'skipped';
  const [webhook, event] = await Promise.all([getWebhook(deps.db, { id: delivery.webhookId }), getEvent(deps.db, { id: delivery.eventId })]);
  if (!webhook?.enabled || !event) {
    await abandonDelivery(deps.db, { id: delivery.id });
    return 'abandoned';
  }
  const attempt = delivery.attempts + 1;
  const row = await startAttempt(deps.db, { deliveryId, webhookId: webhook.id, eventId: event.id, eventType: event.type, attempt });
  const result = await send(deps, webhook, event);
  const verdict = judgeAttempt(result, attempt, deps.config.webhooks.retryScheduleMs);
  await record(deps, delivery, row.id, result, verdict);
  deps.metrics.deliveries.inc({ outcome: verdict.outcome });
  deps.metrics.deliveryDuration.observe({ outcome: verdict.outcome }, result.durationMs / 1000);
  if (verdict.retryInMs !== null) {
    // Lost if Redis is away: the sweep queues it once it is overdue.
    await queue.enqueue([{ deliveryId, attempt: attempt + 1, delayMs: verdict.retryInMs }]).catch((err: Error) => {
      deps.log.warn({ deliveryId, err: err.message }, 'could not queue the retry; the webhook sweep will');
    });
  }
  return verdict.outcome;
}
