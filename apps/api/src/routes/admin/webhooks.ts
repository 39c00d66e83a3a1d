import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppDeps } from '../../deps.js';
import { redeliverEvent } from '../../services/webhooks.js';
import { ErrorBody } from '@darkroom/core/contract/error';
import { IdParams } from '../common.schemas.js';
import { authErrors } from '../../error-responses.js';
import { RedeliverBody, RedeliveredBody } from '../webhooks.schemas.js';

const adminRedeliverSchema = {
  tags: ['admin'],
  summary: "Send any tenant's event again now, to one of its webhooks or to every enabled one taking its type",
  params: IdParams,
  body: RedeliverBody,
  response: {
    202: RedeliveredBody,
    ...authErrors,
    403: ErrorBody,
    404: ErrorBody,
    409: ErrorBody,
  },
};

/** Webhooks for admins: the console's Redeliver button (webhooks-page.ts) calls this. */
const adminWebhookRoutes: FastifyPluginAsyncZod<{ deps: AppDeps }> = async (app, { deps }) => {
  app.addHook('onRequest', app.requireAdmin);

  app.post('/v1/admin/events/:id/redeliver', { schema: adminRedeliverSchema }, async (request, reply) => {
    const webhookIds = await redeliverEvent(deps, request.log, { eventId: request.params.id, webhookId: request.body?.webhookId });
    return reply.status(202).send({ webhookIds });
  });
};

export default adminWebhookRoutes;
