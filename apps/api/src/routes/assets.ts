import { ERRORS } from '@darkroom/core/error-factories';
import { getTenantJob, listAssetJobs } from '@darkroom/db/queries/jobs';
import { isUuid } from '@darkroom/db/pagination';
import { listAssets } from '@darkroom/db/queries/assets';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppDeps } from '../deps.js';
import { assetScopeOf, tenantOf, uploadTokenOf } from '../plugins/auth.js';
import { changeAssetVisibility } from '../services/asset-visibility.js';
import { deleteAsset, presentAsset, presentAssets, requireTenantAsset, showAsset, shownTo } from '../services/manage-assets.js';
import { builtReplySerializer } from './common.schemas.js';
import { getAssetSchema, getJobSchema, deleteAssetSchema, listAssetJobsSchema, listAssetsSchema, updateAssetSchema } from './assets.schemas.js';
import { reframeAsset } from '../services/reframe-asset.js';
import { jobView } from '../views.js';

/** An asset's job history shown at most: every reprocess and backfill adds one. */
export const ASSET_JOBS_LIMIT = 100;

const assetRoutes: FastifyPluginAsyncZod<{ deps: AppDeps }> = async (app, { deps }) => {
  app.addHook('onRequest', app.requireTenant);

  app.get('/v1/assets', { schema: listAssetsSchema }, async (request) => {
    const { status, limit, cursor, urlTtl } = request.query;
    const page = await listAssets(deps.db, { tenantId: tenantOf(request).id, status, limit, cursor });
    return { items: await presentAssets(deps, tenantOf(request), page.items, { urlTtl }), nextCursor: page.nextCursor };
  });

  // Upload tokens may read the assets they started (config: the other asset routes refuse them).
  app.get('/v1/assets/:id', { schema: getAssetSchema, serializerCompiler: builtReplySerializer, config: { uploadToken: true } }, async (request) => {
    return showAsset(deps, tenantOf(request), { ...assetScopeOf(request), id: request.params.id, urlTtl: request.query.urlTtl });
  });

  // Upload tokens may crop the assets they started (an avatar cropped after its upload), not change their visibility or faces.
  app.patch('/v1/assets/:id', { schema: updateAssetSchema, config: { uploadToken: true } }, async (request) => {
    const { visibility, ...framing } = request.body;
    if (framing.faces !== undefined && uploadTokenOf(request)) throw ERRORS.facesByUploadToken();
    if (visibility !== undefined) {
      if (uploadTokenOf(request)) throw ERRORS.visibilityByUploadToken();
      if (framing.focus !== undefined || framing.crop !== undefined || framing.faces !== undefined) throw ERRORS.visibilityWithFraming();
      const changed = await changeAssetVisibility(deps, tenantOf(request), { id: request.params.id, visibility });
      return presentAsset(deps, changed.tenant, changed.asset);
    }
    const scope = assetScopeOf(request);
    const asset = await reframeAsset(deps, request.log, { ...scope, id: request.params.id, changes: framing });
    return shownTo(scope, await presentAsset(deps, tenantOf(request), asset));
  });

  app.delete('/v1/assets/:id', { schema: deleteAssetSchema }, async (request, reply) => {
    await deleteAsset(deps, request.log, { tenant: tenantOf(request), id: request.params.id });
    return reply.status(204).send(null);
  });

  app.get('/v1/assets/:id/jobs', { schema: listAssetJobsSchema }, async (request) => {
    const asset = await requireTenantAsset(deps, { tenantId: tenantOf(request).id, id: request.params.id });
    const jobs = await listAssetJobs(deps.db, { assetId: asset.id, limit: ASSET_JOBS_LIMIT });
    return { items: jobs.map(jobView) };
  });

  app.get('/v1/jobs/:id', { schema: getJobSchema }, async (request) => {
    const { id } = request.params;
    const job = isUuid(id) ? await getTenantJob(deps.db, { tenantId: tenantOf(request).id, id }) : undefined;
    if (!job) throw ERRORS.jobNotFound();
    return jobView(job);
  });
};

export default assetRoutes;
