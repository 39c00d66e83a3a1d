import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppDeps } from '../deps.js';
import { tenantOf } from '../plugins/auth.js';
import { quotaUsed } from '../services/tenant-quotas.js';
import { tenantView } from '../views.js';
import { ownTenantSchema } from './admin/tenants.schemas.js';

/** `GET /v1/tenant`: a tenant key reads its own settings (the limits its uploads meet), and its quotas' use. */
const tenantRoutes: FastifyPluginAsyncZod<{ deps: AppDeps }> = async (app, { deps }) => {
  app.addHook('onRequest', app.requireTenant);

  app.get('/v1/tenant', { schema: ownTenantSchema }, async (request) => {
    const tenant = tenantOf(request);
    return { tenant: tenantView(tenant, await quotaUsed(deps, tenant)) };
  });
};

export default tenantRoutes;
