import { ERRORS } from '@darkroom/core/error-factories';
import { getTenant } from '@darkroom/db/queries/tenants';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppDeps } from '../../deps.js';
import { presentAsset, requireAnyAsset } from '../../services/manage-assets.js';
import { addEntries, listEntries, removeEntry } from '../../services/moderation/blocklists.js';
import { decideOnAsset } from '../../services/moderation/decisions.js';
import { listReviewQueue, startRescan } from '../../services/moderation/review.js';
import { blocklistEntryView } from '../../views.js';
import {
  addDeploymentBlocklistSchema,
  adminDecideSchema,
  deleteDeploymentBlocklistSchema,
  listDeploymentBlocklistSchema,
  rescanSchema,
  reviewQueueSchema,
} from './moderation.schemas.js';

/** The deployment's list: the blocklist of no tenant. */
const DEPLOYMENT = { tenantId: null } as const;

/** An admin's moderation (docs/api.md#moderation): decisions on any asset, the review queue, rescans, the deployment's blocklist. */
const adminModerationRoutes: FastifyPluginAsyncZod<{ deps: AppDeps }> = async (app, { deps }) => {
  app.addHook('onRequest', app.requireAdmin);

  app.post('/v1/admin/assets/:id/moderation', { schema: adminDecideSchema }, async (request) => {
    const asset = await requireAnyAsset(deps, { id: request.params.id });
    const decided = await decideOnAsset(deps, request.log, { asset, by: 'admin', body: request.body });
    const tenant = await getTenant(deps.db, { id: decided.tenantId });
    if (!tenant) throw ERRORS.assetNotFound();
    return presentAsset(deps, tenant, decided);
  });

  app.get('/v1/admin/moderation', { schema: reviewQueueSchema }, async (request) => {
    const { tenantId, limit, cursor } = request.query;
    return listReviewQueue(deps, { tenantId, limit, cursor });
  });

  app.post('/v1/admin/moderation/rescan', { schema: rescanSchema }, async (request, reply) => {
    const { since, tenantId } = request.body;
    return reply.status(202).send(await startRescan(deps, request.log, { since: new Date(since), tenantId }));
  });

  app.get('/v1/admin/blocklist', { schema: listDeploymentBlocklistSchema }, async (request) => {
    const page = await listEntries(deps, { ...DEPLOYMENT, ...request.query });
    return { items: page.items.map(blocklistEntryView), nextCursor: page.nextCursor };
  });

  app.post('/v1/admin/blocklist', { schema: addDeploymentBlocklistSchema }, async (request, reply) => {
    const entries = await addEntries(deps, { ...DEPLOYMENT, body: request.body });
    return reply.status(201).send({ items: entries.map(blocklistEntryView) });
  });

  app.delete('/v1/admin/blocklist/:id', { schema: deleteDeploymentBlocklistSchema }, async (request, reply) => {
    await removeEntry(deps, { ...DEPLOYMENT, id: request.params.id });
    return reply.status(204).send(null);
  });
};

export default adminModerationRoutes;
