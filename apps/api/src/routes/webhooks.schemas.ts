import { ATTEMPT_STATUSES } from '@darkroom/db/webhook-schema';
import { z } from 'zod';
import { ErrorBody } from '@darkroom/core/contract/error';
import { EVENT_TYPES } from '@darkroom/core/contract/event';
import { MAX_WEBHOOK_URL_LENGTH } from '@darkroom/core/webhook-guard';
import { IdParams } from './common.schemas.js';
import { tenantErrors } from '../error-responses.js';

const EventTypes = z.array(z.enum(EVENT_TYPES)).min(1).max(EVENT_TYPES.length);
const Url = z.string().min(1).max(MAX_WEBHOOK_URL_LENGTH).describe('https:// on a public address (checked again at every connection)');

export const WebhookBody = z
  .object({
    id: z.string(),
    url: z.string(),
    events: EventTypes,
    enabled: z.boolean(),
    description: z.string().nullable(),
    createdAt: z.string(),
  })
  .meta({ id: 'Webhook' });

export const DeliveryAttemptBody = z
  .object({
    id: z.string(),
    eventId: z.string().describe('Also the `webhook-id` header of every attempt'),
    eventType: z.enum(EVENT_TYPES),
    attempt: z.number().int(),
    status: z.enum(ATTEMPT_STATUSES).describe('`pending` while the attempt is in flight'),
    responseStatus: z.number().int().nullable(),
    error: z.string().nullable(),
    durationMs: z.number().int().nullable(),
    attemptedAt: z.string(),
    nextAttemptAt: z.string().nullable().describe('When a failed attempt will be retried; null when it will not'),
  })
  .meta({ id: 'WebhookDeliveryAttempt' });

const Secret = z.string().describe('whsec_ and 32 random bytes in base64: shown once, never again');
const notFound = { 404: ErrorBody } as const;

export const createWebhookSchema = {
  tags: ['webhooks'],
  summary: 'Add a webhook (Standard Webhooks); its signing secret is shown once',
  body: z.strictObject({
    url: Url,
    events: EventTypes.optional().describe('Event types to receive; every type when absent'),
    description: z.string().max(500).nullable().optional(),
  }),
  response: { 201: z.object({ webhook: WebhookBody, secret: Secret }), 400: ErrorBody, 409: ErrorBody, ...tenantErrors },
};

export const listWebhooksSchema = {
  tags: ['webhooks'],
  summary: "The tenant's webhooks",
  response: { 200: z.object({ items: z.array(WebhookBody) }), ...tenantErrors },
};

export const updateWebhookSchema = {
  tags: ['webhooks'],
  summary: 'Change a webhook; disabling it ends its pending deliveries',
  params: IdParams,
  body: z.strictObject({
    url: Url.optional(),
    events: EventTypes.optional(),
    enabled: z.boolean().optional(),
    description: z.string().max(500).nullable().optional(),
  }),
  response: { 200: z.object({ webhook: WebhookBody }), 400: ErrorBody, ...tenantErrors, ...notFound },
};

export const deleteWebhookSchema = {
  tags: ['webhooks'],
  summary: 'Delete a webhook and its delivery log',
  params: IdParams,
  response: { 204: z.null().describe('Deleted'), ...tenantErrors, ...notFound },
};

export const rotateSecretSchema = {
  tags: ['webhooks'],
  summary: 'A new signing secret; for 24 h deliveries are signed by the old one too',
  params: IdParams,
  response: { 200: z.object({ secret: Secret }), ...tenantErrors, ...notFound },
};

export const listDeliveriesSchema = {
  tags: ['webhooks'],
  summary: "A webhook's delivery log: one row per attempt, newest first",
  params: IdParams,
  querystring: z.strictObject({
    limit: z.coerce.number().int().min(1).max(100).default(20),
    cursor: z.string().min(1).max(200).optional(),
  }),
  response: {
    200: z.object({ items: z.array(DeliveryAttemptBody), nextCursor: z.string().nullable() }),
    400: ErrorBody,
    ...tenantErrors,
    ...notFound,
  },
};

/** Shared with the admin's redeliver route. */
export const RedeliverBody = z.strictObject({ webhookId: z.string().max(100).optional() }).optional();
export const RedeliveredBody = z.object({ webhookIds: z.array(z.string()).describe('The webhooks it is being sent to') });

export const redeliverSchema = {
  tags: ['webhooks'],
  summary: 'Send an event again now: to one webhook, or to every enabled webhook that takes its type',
  params: IdParams,
  body: RedeliverBody,
  response: {
    202: RedeliveredBody,
    400: ErrorBody,
    409: ErrorBody,
    ...tenantErrors,
    ...notFound,
  },
};
