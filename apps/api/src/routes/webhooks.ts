import { listTenantWebhooks } from '@darkroom/db/queries/webhooks';
import { listWebhookAttempts } from '@darkroom/db/queries/webhook-attempts';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppDeps } from '../deps.js';
import { tenantOf } from '../plugins/auth.js';
import { attemptView, webhookView } from '../views.js';
import { createWebhook, deleteWebhook, redeliverEvent, requireTenantWebhook, rotateWebhookSecret, updateWebhook } from '../services/webhooks.js';
import {
  createWebhookSchema,
  deleteWebhookSchema,
  listDeliveriesSchema,
  listWebhooksSchema,
  redeliverSchema,
  rotateSecretSchema,
  updateWebhookSchema,
} from './webhooks.schemas.js';

/** Webhooks (Standard Webhooks): endpoints per tenant, their delivery log, and redelivery (docs/api.md, Webhooks). */
const webhookRoutes: FastifyPluginAsyncZod<{ deps: AppDeps }> = async (app, { deps }) => {
  app.addHook('onRequest', app.requireTenant);

  app.post('/v1/webhooks', { schema: createWebhookSchema }, async (request, reply) => {
    const { webhook, secret } = await createWebhook(deps, tenantOf(request).id, request.body);
    return reply.status(201).send({ webhook: webhookView(webhook), secret });
  });

  app.get('/v1/webhooks', { schema: listWebhooksSchema }, async (request) => {
    const webhooks = await listTenantWebhooks(deps.db, { tenantId: tenantOf(request).id });
    return { items: webhooks.map(webhookView) };
  });

  app.patch('/v1/webhooks/:id', { schema: updateWebhookSchema }, async (request) => {
    const webhook = await updateWebhook(deps, { tenantId: tenantOf(request).id, id: request.params.id, changes: request.body });
    return { webhook: webhookView(webhook) };
  });

  app.delete('/v1/webhooks/:id', { schema: deleteWebhookSchema }, async (request, reply) => {
    await deleteWebhook(deps, { tenantId: tenantOf(request).id, id: request.params.id });
    return reply.status(204).send(null);
  });

  app.post('/v1/webhooks/:id/rotate-secret', { schema: rotateSecretSchema }, async (request) => {
    return { secret: await rotateWebhookSecret(deps, { tenantId: tenantOf(request).id, id: request.params.id }) };
  });

  app.get('/v1/webhooks/:id/deliveries', { schema: listDeliveriesSchema }, async (request) => {
    const webhook = await requireTenantWebhook(deps, { tenantId: tenantOf(request).id, id: request.params.id });
    const page = await listWebhookAttempts(deps.db, { webhookId: webhook.id, ...request.query });
    return { items: page.items.map(attemptView), nextCursor: page.nextCursor };
  });

  app.post('/v1/events/:id/redeliver', { schema: redeliverSchema }, async (request, reply) => {
    const params = { tenantId: tenantOf(request).id, eventId: request.params.id, webhookId: request.body?.webhookId };
    return reply.status(202).send({ webhookIds: await redeliverEvent(deps, request.log, params) });
  });
};

export default webhookRoutes;
