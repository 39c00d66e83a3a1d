import { DarkroomError } from '@darkroom/core';
import { createApiKey, createTenant, getTenant, isUuid, revokeApiKey, type Tenant } from '@darkroom/db';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppDeps } from '../deps.js';
import { createAdminKeySchema, createTenantKeySchema, createTenantSchema, revokeKeySchema } from './admin-tenants.schemas.js';

const serializeTenant = (tenant: Tenant) => ({
  id: tenant.id,
  name: tenant.name,
  acceptedContentTypes: tenant.acceptedContentTypes,
  createdAt: tenant.createdAt.toISOString(),
});

const adminTenantRoutes: FastifyPluginAsyncZod<{ deps: AppDeps }> = async (app, { deps }) => {
  app.addHook('onRequest', app.requireAdmin);

  app.post('/v1/admin/tenants', { schema: createTenantSchema }, async (request, reply) => {
    const { tenant, apiKey } = await deps.db.transaction(async (tx) => {
      const created = await createTenant(tx, request.body);
      const key = await createApiKey(tx, { kind: 'tenant', tenantId: created.id });
      return { tenant: created, apiKey: key.apiKey };
    });
    return reply.status(201).send({ tenant: serializeTenant(tenant), apiKey });
  });

  app.post('/v1/admin/tenants/:id/keys', { schema: createTenantKeySchema }, async (request, reply) => {
    const { id } = request.params;
    const tenant = isUuid(id) ? await getTenant(deps.db, { id }) : undefined;
    if (!tenant) throw new DarkroomError('not_found', 'No tenant with that id.');
    const { key, apiKey } = await createApiKey(deps.db, { kind: 'tenant', tenantId: tenant.id });
    return reply.status(201).send({ id: key.id, apiKey });
  });

  app.post('/v1/admin/keys', { schema: createAdminKeySchema }, async (_request, reply) => {
    const { key, apiKey } = await createApiKey(deps.db, { kind: 'admin' });
    return reply.status(201).send({ id: key.id, apiKey });
  });

  app.delete('/v1/admin/keys/:id', { schema: revokeKeySchema }, async (request, reply) => {
    const { id } = request.params;
    const revoked = isUuid(id) && (await revokeApiKey(deps.db, { id }));
    if (!revoked) throw new DarkroomError('not_found', 'No active key with that id.');
    // Every API process forgets it before this answers: the next request with it gets 401.
    await deps.authCache.invalidateKey(id);
    return reply.status(204).send(null);
  });
};

export default adminTenantRoutes;
