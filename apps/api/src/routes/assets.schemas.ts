import { z } from 'zod';
import { AssetView, ErrorBody, JobView, VISIBLE_ASSET_STATUSES } from '@darkroom/core';
import { IdParams, tenantErrors } from './common.schemas.js';

export const getAssetSchema = {
  tags: ['assets'],
  summary: 'One asset, with its variants once ready',
  params: IdParams,
  response: { 200: AssetView, ...tenantErrors, 404: ErrorBody },
};

export const ListAssetsQuery = z.strictObject({
  status: z.enum(VISIBLE_ASSET_STATUSES).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().min(1).max(200).optional(),
});

export const listAssetsSchema = {
  tags: ['assets'],
  summary: 'Assets, newest first (keyset pagination)',
  querystring: ListAssetsQuery,
  response: { 200: z.object({ items: z.array(AssetView), nextCursor: z.string().nullable() }), 400: ErrorBody, ...tenantErrors },
};

export const deleteAssetSchema = {
  tags: ['assets'],
  summary: 'Delete the original, every variant, then the asset',
  params: IdParams,
  response: { 204: z.null().describe('Deleted'), ...tenantErrors, 404: ErrorBody },
};

export const listAssetJobsSchema = {
  tags: ['jobs'],
  summary: 'Jobs of one asset, newest first (the newest 100)',
  params: IdParams,
  response: { 200: z.object({ items: z.array(JobView) }), ...tenantErrors, 404: ErrorBody },
};

export const getJobSchema = {
  tags: ['jobs'],
  summary: 'One job',
  params: IdParams,
  response: { 200: JobView, ...tenantErrors, 404: ErrorBody },
};
