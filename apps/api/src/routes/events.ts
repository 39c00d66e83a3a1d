import { eventView } from '@darkroom/db/views';
import { listEvents } from '@darkroom/db/queries/events';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppDeps } from '../deps.js';
import { tenantOf } from '../plugins/auth.js';
import { ensureDeliveryKey } from '../services/delivery-key.js';
import { deliveryContextOf } from '../services/manage-assets.js';
import { listEventsSchema } from './events.schemas.js';

/** `GET /v1/events`: the outbox as a feed (docs/api.md, "Events"). */
const eventRoutes: FastifyPluginAsyncZod<{ deps: AppDeps }> = async (app, { deps }) => {
  app.addHook('onRequest', app.requireTenant);

  app.get('/v1/events', { schema: listEventsSchema }, async (request) => {
    const { after, type, limit } = request.query;
    const tenant = tenantOf(request);
    const page = await listEvents(deps.db, { tenantId: tenant.id, after, types: type, limit });
    // A held asset is shown through private links whatever its visibility (its tenant's key made with the first).
    const anyHeld = page.items.some((event) => 'asset' in event.data && event.data.asset.status === 'held');
    const delivery = deliveryContextOf(deps, anyHeld ? await ensureDeliveryKey(deps, tenant) : tenant);
    return { items: page.items.map((event) => eventView(event, deps.publicUrl, delivery)), nextCursor: page.nextCursor };
  });
};

export default eventRoutes;
