import { deliveryPolicyOf } from '@darkroom/core';
import { jobView, type Backfill, type Job, type Tenant, type Webhook, type WebhookAttempt } from '@darkroom/db';

/**
 * Rows to the shapes only the API shows (tenants, webhooks, admins' jobs and backfills). The asset's,
 * a job's and an event's are @darkroom/db's views.ts, typed by @darkroom/core's contract.
 */

const iso = (date: Date | null | undefined): string | null => (date ? date.toISOString() : null);

/** The contract's Tenant shape: its settings, null where the deployment's default applies, and its delivery policy in full. */
export function tenantView(tenant: Tenant) {
  return {
    id: tenant.id,
    name: tenant.name,
    acceptedContentTypes: tenant.acceptedContentTypes,
    maxUploadBytes: tenant.maxUploadBytes,
    defaultPreset: tenant.defaultPreset,
    rateLimitPerMinute: tenant.rateLimitPerMinute,
    defaultVisibility: tenant.defaultVisibility,
    delivery: deliveryPolicyOf(tenant.delivery),
    createdAt: tenant.createdAt.toISOString(),
  };
}

/**
 * A job as admins see it: its tenant, every attempt, and the raw detail behind each error (it may
 * name a bucket, key or SQL statement, so it is never on a tenant route).
 */
export function adminJobView(job: Job) {
  return {
    ...jobView(job),
    tenantId: job.tenantId,
    errorDetail: job.errorDetail,
    history: job.history.map((attempt) => ({ ...attempt, errorDetail: attempt.errorDetail ?? null })),
  };
}

/** The contract's Webhook: never its secret, in any form. */
export function webhookView(webhook: Webhook) {
  return {
    id: webhook.id,
    url: webhook.url,
    events: webhook.events,
    enabled: webhook.enabled,
    description: webhook.description,
    createdAt: webhook.createdAt.toISOString(),
  };
}

/** One row of a webhook's delivery log: one attempt (the receiver's body stays in the database). */
export function attemptView(attempt: WebhookAttempt) {
  return {
    id: attempt.id,
    eventId: attempt.eventId,
    eventType: attempt.eventType,
    attempt: attempt.attempt,
    status: attempt.status,
    responseStatus: attempt.responseStatus,
    error: attempt.error,
    durationMs: attempt.durationMs,
    attemptedAt: attempt.attemptedAt.toISOString(),
    nextAttemptAt: iso(attempt.nextAttemptAt),
  };
}

/** A backfill's progress as admins see it. */
export function backfillView(b: Backfill) {
  return {
    id: b.id,
    preset: b.preset,
    tenantId: b.tenantId,
    state: b.state,
    window: b.window,
    scanDone: b.scanDone,
    matched: b.matched,
    queued: b.queued,
    skipped: b.skipped,
    done: b.done,
    failed: b.failed,
    createdAt: b.createdAt.toISOString(),
    updatedAt: b.updatedAt.toISOString(),
    finishedAt: b.finishedAt?.toISOString() ?? null,
  };
}
