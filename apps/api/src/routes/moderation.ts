import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppDeps } from '../deps.js';
import { tenantOf } from '../plugins/auth.js';
import { presentAsset, requireTenantAsset } from '../services/manage-assets.js';
import { decideOnAsset } from '../services/moderation/decisions.js';
import { addEntries, listEntries, removeEntry } from '../services/moderation/blocklists.js';
import { blocklistEntryView } from '../views.js';
import { addBlocklistSchema, decideSchema, deleteBlocklistSchema, listBlocklistSchema } from './moderation.schemas.js';

/**
 * A tenant's moderation (docs/api.md#moderation): its decisions on its held and ready assets, and
 * its blocklist. Tenant keys only: an upload token is refused (403) as on every route not marked for it.
 */
const moderationRoutes: FastifyPluginAsyncZod<{ deps: AppDeps }> = async (app, { deps }) => {
  app.addHook('onRequest', app.requireTenant);

  app.post('/v1/assets/:id/moderation', { schema: decideSchema }, async (request) => {
    const tenant = tenantOf(request);
    const asset = await requireTenantAsset(deps, { tenantId: tenant.id, id: request.params.id });
    const decided = await decideOnAsset(deps, request.log, { asset, by: 'tenant', body: request.body });
    return presentAsset(deps, tenant, decided);
  });

  app.get('/v1/blocklist', { schema: listBlocklistSchema }, async (request) => {
    const page = await listEntries(deps, { tenantId: tenantOf(request).id, ...request.query });
    return { items: page.items.map(blocklistEntryView), nextCursor: page.nextCursor };
  });

  app.post('/v1/blocklist', { schema: addBlocklistSchema }, async (request, reply) => {
    const entries = await addEntries(deps, { tenantId: tenantOf(request).id, body: request.body });
    return reply.status(201).send({ items: entries.map(blocklistEntryView) });
  });

  app.delete('/v1/blocklist/:id', { schema: deleteBlocklistSchema }, async (request, reply) => {
    await removeEntry(deps, { tenantId: tenantOf(request).id, id: request.params.id });
    return reply.status(204).send(null);
  });
};

export default moderationRoutes;
