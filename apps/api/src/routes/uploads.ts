import { confirmUpload } from '@darkroom/intake';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppDeps } from '../deps.js';
import { assetScopeOf, tenantOf, uploadTokenOf } from '../plugins/auth.js';
import { deliveryContextOf, presentAsset, requireTenantAsset } from '../services/manage-assets.js';
import { assetView, jobView } from '../views.js';
import { abortUpload } from '../services/uploads/abort-upload.js';
import { listUploadParts, restartPutUpload, signMultipartRequest } from '../services/uploads/resume-upload.js';
import { startUpload, uploadRules } from '../services/uploads/start-upload.js';
import { releaseUploadReservation } from '../services/tenant-quotas.js';
import { builtReplySerializer } from './common.schemas.js';
import {
  abortUploadSchema,
  completeUploadSchema,
  restartUploadSchema,
  signUploadRequestSchema,
  startUploadSchema,
  uploadPartsSchema,
  uploadRulesSchema,
} from './uploads.schemas.js';

/** Every route here takes a browser upload token too (on that token's own uploads). */
const BROWSER = { uploadToken: true } as const;

const uploadRoutes: FastifyPluginAsyncZod<{ deps: AppDeps }> = async (app, { deps }) => {
  app.addHook('onRequest', app.requireTenant);

  app.post('/v1/uploads', { schema: startUploadSchema, serializerCompiler: builtReplySerializer, config: BROWSER }, async (request, reply) => {
    // `tenant`: with the delivery key its first private upload made, if it did.
    const { asset, upload, tenant } = await startUpload(deps, tenantOf(request), request.body, uploadTokenOf(request));
    return reply.status(201).send({
      asset: assetView(asset, [], deps.publicUrl, deliveryContextOf(deps, tenant)),
      upload,
      uploadExpiresAt: asset.uploadExpiresAt.toISOString(),
    });
  });

  app.get('/v1/uploads/rules', { schema: uploadRulesSchema, config: BROWSER }, async (request) => {
    return uploadRules(deps, tenantOf(request), uploadTokenOf(request));
  });

  app.post('/v1/uploads/:assetId/complete', { schema: completeUploadSchema, config: BROWSER }, async (request, reply) => {
    const scope = assetScopeOf(request);
    // Resolving first turns malformed ids into not_found, like every other route.
    const found = await requireTenantAsset(deps, { ...scope, id: request.params.assetId });
    const { asset, job } = await confirmUpload(deps, request.log, {
      tenantId: scope.tenantId,
      assetId: found.id,
      parts: request.body?.parts,
    });
    // Right after its commit (never in it: a counter's row stays unlocked across the copy); a crash
    // between leaves the reservation to the sweep when its URLs expire. Its real size counts as usage.
    await releaseUploadReservation(deps, tenantOf(request), asset.id);
    return reply.status(202).send({ asset: await presentAsset(deps, tenantOf(request), asset), job: jobView(job) });
  });

  app.post('/v1/uploads/:assetId/abort', { schema: abortUploadSchema, config: BROWSER }, async (request) => {
    const asset = await abortUpload(deps, request.log, { ...assetScopeOf(request), tenant: tenantOf(request), assetId: request.params.assetId });
    return presentAsset(deps, tenantOf(request), asset);
  });

  app.get('/v1/uploads/:assetId/parts', { schema: uploadPartsSchema, config: BROWSER }, async (request) => {
    return listUploadParts(deps, { ...assetScopeOf(request), tenant: tenantOf(request), assetId: request.params.assetId });
  });

  app.post('/v1/uploads/:assetId/sign', { schema: signUploadRequestSchema, config: BROWSER }, async (request) => {
    return signMultipartRequest(deps, { ...assetScopeOf(request), assetId: request.params.assetId, operation: request.body.operation });
  });

  app.post('/v1/uploads/:assetId/url', { schema: restartUploadSchema, config: BROWSER }, async (request) => {
    return restartPutUpload(deps, { ...assetScopeOf(request), tenant: tenantOf(request), assetId: request.params.assetId });
  });
};

export default uploadRoutes;
