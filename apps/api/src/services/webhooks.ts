import { abandonWebhookDeliveries, insertDeliveries } from '@darkroom/db/queries/webhook-deliveries';
import {
  countTenantWebhooks,
  deleteTenantWebhook,
  getTenantWebhook,
  insertWebhook,
  listEnabledWebhooks,
  updateTenantWebhook,
  type WebhookChanges,
} from '@darkroom/db/queries/webhooks';
import { getEvent, getTenantEvent } from '@darkroom/db/queries/events';
import { isUuid } from '@darkroom/db/pagination';
import { lockTenant } from '@darkroom/db/queries/tenants';
import { newId } from '@darkroom/db/ids';
import type { Webhook } from '@darkroom/db/webhook-schema';
import { EVENT_TYPES, type EventType } from '@darkroom/core/contract/event';
import { checkWebhookUrl } from '@darkroom/core/webhook-guard';
import { ERRORS } from '@darkroom/core/error-factories';
import { generateWebhookSecret, MAX_WEBHOOKS_PER_TENANT, WEBHOOK_ROTATION_OVERLAP_MS } from '@darkroom/core/webhooks';
import type { FastifyBaseLogger } from 'fastify';
import type { AppDeps } from '../deps.js';

/** A webhook of this tenant, or `not_found` (also for other tenants' ids, which must not leak). */
export async function requireTenantWebhook(deps: AppDeps, params: { tenantId: string; id: string }): Promise<Webhook> {
  const webhook = isUuid(params.id) ? await getTenantWebhook(deps.db, params) : undefined;
  if (!webhook) throw ERRORS.webhookNotFound();
  return webhook;
}

/** Refuses a URL the SSRF guard would refuse at send time, naming the problem (400 invalid_request). */
async function requireAcceptableUrl(deps: AppDeps, url: string): Promise<void> {
  const problem = await checkWebhookUrl(url, { allowPrivate: deps.config.webhooks.allowPrivate });
  if (problem) throw ERRORS.webhookUrlRefused(problem);
}

export interface CreateWebhook {
  url: string;
  events?: EventType[] | undefined;
  description?: string | null | undefined;
}

/** A new webhook and its secret, which the caller shows once: only its sealed form is stored. */
export async function createWebhook(deps: AppDeps, tenantId: string, body: CreateWebhook): Promise<{ webhook: Webhook; secret: string }> {
  await requireAcceptableUrl(deps, body.url);
  const id = newId();
  const secret = generateWebhookSecret();
  const events = body.events ? [...new Set(body.events)] : [...EVENT_TYPES];
  const webhook = await deps.db.transaction(async (tx) => {
    // Counted under the tenant's row lock, so two racing creations cannot both take the last place.
    await lockTenant(tx, { id: tenantId });
    if ((await countTenantWebhooks(tx, { tenantId })) >= MAX_WEBHOOKS_PER_TENANT) {
      throw ERRORS.tooManyWebhooks(MAX_WEBHOOKS_PER_TENANT);
    }
    const secretSealed = deps.secretBox.seal(secret, id);
    return insertWebhook(tx, { id, tenantId, url: body.url, events, description: body.description ?? null, secretSealed });
  });
  return { webhook, secret };
}

/** Changes a webhook. Disabling it ends its pending deliveries in the same transaction. */
export async function updateWebhook(deps: AppDeps, params: { tenantId: string; id: string; changes: WebhookChanges }): Promise<Webhook> {
  await requireTenantWebhook(deps, params);
  if (params.changes.url !== undefined) await requireAcceptableUrl(deps, params.changes.url);
  const changes = { ...params.changes, events: params.changes.events && [...new Set(params.changes.events)] };
  return deps.db.transaction(async (tx) => {
    const webhook = await updateTenantWebhook(tx, { tenantId: params.tenantId, id: params.id, changes });
    if (!webhook) throw ERRORS.webhookNotFound();
    if (changes.enabled === false) await abandonWebhookDeliveries(tx, { webhookId: webhook.id });
    return webhook;
  });
}

export async function deleteWebhook(deps: AppDeps, params: { tenantId: string; id: string }): Promise<void> {
  if (!isUuid(params.id) || !(await deleteTenantWebhook(deps.db, params))) throw ERRORS.webhookNotFound();
}

/** A new secret; the old one keeps signing (beside it) for WEBHOOK_ROTATION_OVERLAP_MS. */
export async function rotateWebhookSecret(deps: AppDeps, params: { tenantId: string; id: string }): Promise<string> {
  const webhook = await requireTenantWebhook(deps, params);
  const secret = generateWebhookSecret();
  const changes: WebhookChanges = {
    secretSealed: deps.secretBox.seal(secret, webhook.id),
    previousSecretSealed: webhook.secretSealed,
    previousSecretExpiresAt: new Date(Date.now() + WEBHOOK_ROTATION_OVERLAP_MS),
  };
  if (!(await updateTenantWebhook(deps.db, { ...params, changes }))) throw ERRORS.webhookNotFound();
  return secret;
}

/** The webhooks a redelivery goes to: the one named (enabled), or every enabled one taking the type. */
async function redeliveryTargets(deps: AppDeps, params: { tenantId: string; type: EventType; webhookId?: string | undefined }): Promise<Webhook[]> {
  if (params.webhookId === undefined) {
    const webhooks = await listEnabledWebhooks(deps.db, { tenantIds: [params.tenantId] });
    return webhooks.filter((w) => w.events.includes(params.type));
  }
  const webhook = await requireTenantWebhook(deps, { tenantId: params.tenantId, id: params.webhookId });
  if (!webhook.enabled) throw ERRORS.webhookDisabled();
  return [webhook];
}

/** The tenant's event; without a tenant (an admin), any tenant's. */
async function findEvent(deps: AppDeps, params: { tenantId?: string | undefined; eventId: string }) {
  if (!isUuid(params.eventId)) return undefined;
  return params.tenantId ? getTenantEvent(deps.db, { tenantId: params.tenantId, id: params.eventId }) : getEvent(deps.db, { id: params.eventId });
}

/**
 * `POST /v1/events/:id/redeliver` (and the admin's): a new delivery of the event per target, due
 * now. Queued after the commit; if Redis is away, the worker's sweep queues them. Returns the
 * webhooks' ids. Without `tenantId` (an admin) the event may be any tenant's, and the webhook must
 * be that tenant's.
 */
export async function redeliverEvent(
  deps: AppDeps,
  log: FastifyBaseLogger,
  params: { tenantId?: string | undefined; eventId: string; webhookId?: string | undefined },
): Promise<string[]> {
  const event = await findEvent(deps, params);
  if (!event) throw ERRORS.eventNotFound();
  const tenantId = event.tenantId;
  const targets = await redeliveryTargets(deps, { tenantId, type: event.type, webhookId: params.webhookId });
  const deliveries = await insertDeliveries(deps.db, {
    deliveries: targets.map((w) => ({ tenantId, webhookId: w.id, eventId: event.id })),
  });
  try {
    await deps.webhookQueue.enqueue(deliveries.map((d) => ({ deliveryId: d.id, attempt: 1 })));
  } catch (error) {
    log.warn({ err: error, deliveries: deliveries.length }, 'could not queue redeliveries; the worker’s webhook sweep will');
  }
  return targets.map((w) => w.id);
}
