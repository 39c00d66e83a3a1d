import { METERS } from '@darkroom/core/contract/usage';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppDeps } from '../deps.js';
import { tenantOf } from '../plugins/auth.js';
import { usageSeries } from '../services/usage/tenant-usage.js';
import { readUsageSchema } from './usage.schemas.js';

/** `GET /v1/usage`: what the tenant used, by hour, day or month (docs/api.md, "Usage"). */
const usageRoutes: FastifyPluginAsyncZod<{ deps: AppDeps }> = async (app, { deps }) => {
  app.addHook('onRequest', app.requireTenant);

  app.get('/v1/usage', { schema: readUsageSchema }, async (request) => {
    const { meters = [...METERS], ...range } = request.query;
    return usageSeries(deps.db, tenantOf(request).id, { ...range, meters });
  });
};

export default usageRoutes;
