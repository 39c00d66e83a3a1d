import { assetView, jobView } from '@darkroom/db';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppDeps } from '../deps.js';
import { tenantOf } from '../plugins/auth.js';
import { completeUpload } from '../services/complete-upload.js';
import { abortUpload, presentAsset, requireTenantAsset } from '../services/manage-assets.js';
import { startUpload } from '../services/start-upload.js';
import { builtReplySerializer } from './common.schemas.js';
import { abortUploadSchema, completeUploadSchema, startUploadSchema } from './uploads.schemas.js';

const uploadRoutes: FastifyPluginAsyncZod<{ deps: AppDeps }> = async (app, { deps }) => {
  app.addHook('onRequest', app.requireTenant);

  app.post('/v1/uploads', { schema: startUploadSchema, serializerCompiler: builtReplySerializer }, async (request, reply) => {
    const { asset, upload } = await startUpload(deps, tenantOf(request), request.body);
    return reply.status(201).send({ asset: assetView(asset, [], deps.publicUrl), upload });
  });

  app.post('/v1/uploads/:assetId/complete', { schema: completeUploadSchema }, async (request, reply) => {
    const tenant = tenantOf(request);
    // Resolving first turns malformed ids into not_found, like every other route.
    const found = await requireTenantAsset(deps, { tenantId: tenant.id, id: request.params.assetId });
    const { asset, job } = await completeUpload(deps, request.log, {
      tenantId: tenant.id,
      assetId: found.id,
      input: request.body ?? {},
    });
    return reply.status(202).send({ asset: await presentAsset(deps, asset), job: jobView(job) });
  });

  app.post('/v1/uploads/:assetId/abort', { schema: abortUploadSchema }, async (request) => {
    const asset = await abortUpload(deps, request.log, { tenantId: tenantOf(request).id, assetId: request.params.assetId });
    return presentAsset(deps, asset);
  });
};

export default uploadRoutes;
