import { assetSnapshot, assetView, type Asset, type Event, type Job, type PublicUrl, type Tenant, type Variant, type Webhook, type WebhookAttempt } from '@darkroom/db';

const iso = (date: Date | null | undefined): string | null => (date ? date.toISOString() : null);

const errorOf = (row: { errorCode: string | null; errorMessage: string | null }) =>
  row.errorCode ? { code: row.errorCode, message: row.errorMessage ?? '' } : null;

export type { PublicUrl };

/** The contract's Asset shape (one definition, shared with the events that carry it). */
export function serializeAsset(asset: Asset, variants: readonly Variant[], publicUrl: PublicUrl) {
  return assetView(assetSnapshot(asset, variants), publicUrl);
}

/** The contract's Event: its asset as the change left it, with URLs as they are today. */
export function serializeEvent(event: Event, publicUrl: PublicUrl) {
  return { id: event.id, type: event.type, createdAt: event.createdAt.toISOString(), data: { asset: assetView(event.data.asset, publicUrl) } };
}

export function serializeJob(job: Job) {
  return {
    id: job.id,
    assetId: job.assetId,
    kind: job.kind,
    state: job.state,
    attempts: job.attempts,
    maxAttempts: job.maxAttempts,
    error: errorOf(job),
    createdAt: job.createdAt.toISOString(),
    startedAt: iso(job.startedAt),
    finishedAt: iso(job.finishedAt),
  };
}

/** The contract's Tenant shape: its settings, null where the deployment's default applies. */
export function serializeTenant(tenant: Tenant) {
  return {
    id: tenant.id,
    name: tenant.name,
    acceptedContentTypes: tenant.acceptedContentTypes,
    maxUploadBytes: tenant.maxUploadBytes,
    defaultPreset: tenant.defaultPreset,
    rateLimitPerMinute: tenant.rateLimitPerMinute,
    createdAt: tenant.createdAt.toISOString(),
  };
}

/**
 * A job as admins see it: its tenant, every attempt, and the raw detail behind each error (it may
 * name a bucket, key or SQL statement, so it is never on a tenant route).
 */
export function serializeAdminJob(job: Job) {
  return {
    ...serializeJob(job),
    tenantId: job.tenantId,
    errorDetail: job.errorDetail,
    history: job.history.map((attempt) => ({ ...attempt, errorDetail: attempt.errorDetail ?? null })),
  };
}

/** The contract's Webhook: never its secret, in any form. */
export function serializeWebhook(webhook: Webhook) {
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
export function serializeAttempt(attempt: WebhookAttempt) {
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
