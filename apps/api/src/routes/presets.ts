import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppDeps } from '../deps.js';
import { tenantOf } from '../plugins/auth.js';
import { backfillPreset, deletePreset, listTenantPresets, putPreset } from '../services/tenant-presets.js';
import { backfillPresetSchema, deletePresetSchema, listPresetsSchema, putPresetSchema } from './presets.schemas.js';

/** Tenant presets (docs/api.md, "Tenant presets"): a tenant's own sizes, shadowing global presets for it alone. */
const presetRoutes: FastifyPluginAsyncZod<{ deps: AppDeps }> = async (app, { deps }) => {
  app.addHook('onRequest', app.requireTenant);

  app.get('/v1/presets', { schema: listPresetsSchema }, async (request) => ({ items: listTenantPresets(deps, tenantOf(request)) }));

  app.put('/v1/presets/:name', { schema: putPresetSchema }, async (request) => ({
    preset: await putPreset(deps, tenantOf(request), { name: request.params.name, variants: request.body.variants }),
  }));

  app.delete('/v1/presets/:name', { schema: deletePresetSchema }, async (request, reply) => {
    await deletePreset(deps, tenantOf(request), { name: request.params.name });
    return reply.status(204).send(null);
  });

  app.post('/v1/presets/:name/backfill', { schema: backfillPresetSchema }, async (request, reply) => {
    const result = await backfillPreset(deps, request.log, tenantOf(request), { name: request.params.name, dryRun: request.body.dryRun });
    return reply.status(202).send(result);
  });
};

export default presetRoutes;
