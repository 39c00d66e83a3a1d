import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppDeps } from '../deps.js';
import { tenantOf } from '../plugins/auth.js';
import { rotateDeliveryKey } from '../services/delivery-key.js';
import { createDeliveryKeySchema } from './delivery-key.schemas.js';

/** `POST /v1/delivery-key` (a tenant key; upload tokens get 403): a new signing key for delivery URLs. */
const deliveryKeyRoutes: FastifyPluginAsyncZod<{ deps: AppDeps }> = async (app, { deps }) => {
  app.addHook('onRequest', app.requireTenant);

  app.post('/v1/delivery-key', { schema: createDeliveryKeySchema }, async (request) => ({
    key: await rotateDeliveryKey(deps, { tenantId: tenantOf(request).id, revokePrevious: request.body?.revokePrevious === true }),
  }));
};

export default deliveryKeyRoutes;
