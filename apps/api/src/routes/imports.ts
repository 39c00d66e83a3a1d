import { MAX_IMPORT_BODY_BYTES } from '@darkroom/core/limits';
import { importView } from '@darkroom/db/views';
import { listImportItems, listTenantImports } from '@darkroom/db/queries/imports';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppDeps } from '../deps.js';
import { controlImport, requireTenantImport, type ImportControl } from '@darkroom/intake/imports';
import { startImport } from '../imports/start-import.js';
import { tenantOf } from '../plugins/auth.js';
import { importItemView } from '../views.js';
import { controlImportSchema, getImportSchema, listImportItemsSchema, listImportsSchema, startImportSchema } from './imports.schemas.js';

const CONTROL_SUMMARIES: Record<ImportControl, string> = {
  pause: 'Pause an import where it is',
  resume: 'Resume a paused import where it was',
  cancel: 'Cancel an import; what it imported stays',
};

/** Imports of a library a platform already has (docs/api.md#imports-tenant-api-key); the workers run them, a slice at a time (@darkroom/intake's imports/slices.ts). */
const importRoutes: FastifyPluginAsyncZod<{ deps: AppDeps }> = async (app, { deps }) => {
  app.addHook('onRequest', app.requireTenant);

  app.post('/v1/imports', { schema: startImportSchema, bodyLimit: MAX_IMPORT_BODY_BYTES }, async (request, reply) => {
    const row = await startImport(deps, tenantOf(request), request.body);
    return reply.status(202).send({ import: importView(row) });
  });

  app.get('/v1/imports', { schema: listImportsSchema }, async (request) => {
    const page = await listTenantImports(deps.db, { tenantId: tenantOf(request).id, ...request.query });
    return { items: page.items.map(importView), nextCursor: page.nextCursor };
  });

  app.get('/v1/imports/:id', { schema: getImportSchema }, async (request) => {
    return { import: importView(await requireTenantImport(deps, { tenantId: tenantOf(request).id, id: request.params.id })) };
  });

  app.get('/v1/imports/:id/items', { schema: listImportItemsSchema }, async (request) => {
    const row = await requireTenantImport(deps, { tenantId: tenantOf(request).id, id: request.params.id });
    const page = await listImportItems(deps.db, { importId: row.id, ...request.query });
    return { items: page.items.map(importItemView), nextCursor: page.nextCursor };
  });

  for (const control of ['pause', 'resume', 'cancel'] as const) {
    app.post(`/v1/imports/:id/${control}`, { schema: controlImportSchema(CONTROL_SUMMARIES[control]) }, async (request) => {
      const row = await controlImport(deps, { tenantId: tenantOf(request).id, id: request.params.id, control });
      return { import: importView(row) };
    });
  }
};

export default importRoutes;
