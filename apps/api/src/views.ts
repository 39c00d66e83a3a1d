import { deliveryPolicyOf } from '@darkroom/core/delivery';
import { viewOfSnapshot, type AssetView, type DeliveryContext, type PublicUrl } from '@darkroom/core/contract/asset';
import type { EventView } from '@darkroom/core/contract/event';
import { QUOTAS, type QuotaName, type TenantQuotas } from '@darkroom/core/contract/usage';
import { phashText, type BlocklistEntryView, type ModerationPolicyPatch } from '@darkroom/core/contract/moderation';
import type { BlocklistEntry } from '@darkroom/db/moderation-schema';
import type { ImportItemView } from '@darkroom/core/contract/import';
import type { JobView } from '@darkroom/core/contract/job';
import { assetSnapshot, errorOf } from '@darkroom/db/views';
import type { Asset, Backfill, Job, Tenant, Variant } from '@darkroom/db/schema';
import type { ImportItem } from '@darkroom/db/import-schema';
import type { Webhook, WebhookAttempt } from '@darkroom/db/webhook-schema';

/**
 * Rows to the shapes only the HTTP API shows: an asset's, a job's, an import item's (typed by
 * @darkroom/core's contract), tenants', webhooks', admins' jobs and backfills. What an event stores
 * and an event's view, which the worker's webhooks read too, are @darkroom/db's views.ts.
 */

const iso = (date: Date | null | undefined): string | null => (date ? date.toISOString() : null);

/** The Asset a tenant sees: built as its events store it, so the two never differ. */
export function assetView(asset: Asset, variants: readonly Variant[], publicUrl: PublicUrl, delivery: DeliveryContext): AssetView {
  return viewOfSnapshot(assetSnapshot(asset, variants), publicUrl, delivery);
}

/**
 * The Asset a browser's upload token reads: of its findings only `malware`'s (what the other checks
 * look for is the platform's business, not the uploader's), and for a `held` asset no URL at all
 * (no variants, no markup), where a tenant key reads private ones for its reviewers.
 */
export function uploadTokenAssetView(view: AssetView): AssetView {
  const moderation = { ...view.moderation, findings: view.moderation.findings.filter((f) => f.check === 'malware') };
  if (view.status !== 'held') return { ...view, moderation };
  return { ...view, moderation, variants: [], delivery: null, urlsExpireAt: null };
}

/** An event as an upload token reads it: its asset as uploadTokenAssetView shows it. */
export function uploadTokenEventView(event: EventView): EventView {
  return 'asset' in event.data ? { ...event, data: { ...event.data, asset: uploadTokenAssetView(event.data.asset) } } : event;
}

/** A job as its tenant sees it. */
export function jobView(job: Job): JobView {
  return {
    id: job.id,
    assetId: job.assetId,
    kind: job.kind,
    state: job.state,
    attempts: job.attempts,
    maxAttempts: job.maxAttempts,
    progress: job.progress,
    error: errorOf(job),
    createdAt: job.createdAt.toISOString(),
    startedAt: iso(job.startedAt),
    finishedAt: iso(job.finishedAt),
  };
}

/** One item of an import: its source as shown (never a presigned URL's signature), and its outcome. */
export function importItemView(item: ImportItem): ImportItemView {
  const error = errorOf(item);
  return {
    source: item.source,
    externalId: item.externalId,
    assetId: item.assetId,
    status: item.status,
    ...(item.reason ? { reason: item.reason } : {}),
    ...(error ? { error } : {}),
  };
}

/** The contract's Tenant shape: its settings, null where the deployment's default applies, and its delivery policy in full. */
/** Every quota, null where unlimited. */
function quotasShown(quotas: TenantQuotas | null | undefined): Record<QuotaName, number | null> {
  return Object.fromEntries(QUOTAS.map((q) => [q, quotas?.[q] ?? null])) as Record<QuotaName, number | null>;
}

/** A tenant's settings, its quotas, and what they have used (`quotaUsed`; none read: nothing shown). */
export function tenantView(tenant: Tenant, used: Partial<Record<QuotaName, number>> = {}) {
  return {
    id: tenant.id,
    name: tenant.name,
    acceptedContentTypes: tenant.acceptedContentTypes,
    maxUploadBytes: tenant.maxUploadBytes,
    defaultPreset: tenant.defaultPreset,
    rateLimitPerMinute: tenant.rateLimitPerMinute,
    defaultVisibility: tenant.defaultVisibility,
    delivery: deliveryPolicyOf(tenant.delivery),
    moderation: moderationSettingsOf(tenant.moderation),
    quotas: quotasShown(tenant.quotas),
    used,
    createdAt: tenant.createdAt.toISOString(),
  };
}

/** A tenant's moderation fields as it set them, null where the deployment's MODERATION_* default applies. */
export function moderationSettingsOf(patch: ModerationPolicyPatch | null) {
  return {
    malware: patch?.malware ?? null,
    blocklist: patch?.blocklist ?? null,
    classifier: patch?.classifier ?? null,
    review: patch?.review ?? null,
  };
}

/** A blocklist entry: its hash written as the API writes hashes (`phash:` and 16 hex digits). */
export function blocklistEntryView(entry: BlocklistEntry): BlocklistEntryView {
  return {
    id: entry.id,
    hash: phashText(entry.hash),
    reason: entry.reason,
    createdAt: entry.createdAt.toISOString(),
    assetId: entry.assetId,
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
    reason: b.reason,
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
