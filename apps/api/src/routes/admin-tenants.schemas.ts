import { DEFAULT_ACCEPTED_TYPES } from '@darkroom/core';
import { z } from 'zod';
import { ErrorBody, IdParams, authErrors } from './common.schemas.js';

export const TenantBody = z
  .object({
    id: z.string(),
    name: z.string(),
    acceptedContentTypes: z.array(z.string()).nullable().describe('Null: the deployment default'),
    createdAt: z.string(),
  })
  .meta({ id: 'Tenant' });

const adminErrors = { ...authErrors, 403: ErrorBody } as const;

export const createTenantSchema = {
  tags: ['admin'],
  summary: 'Create a tenant and its first API key (shown once)',
  body: z.strictObject({
    name: z.string().trim().min(1).max(200),
    acceptedContentTypes: z
      .array(z.enum(DEFAULT_ACCEPTED_TYPES))
      .min(1)
      .optional()
      .describe('Types this tenant may upload; defaults to the deployment setting'),
  }),
  response: { 201: z.object({ tenant: TenantBody, apiKey: z.string() }), 400: ErrorBody, ...adminErrors },
};

export const createTenantKeySchema = {
  tags: ['admin'],
  summary: 'Create another API key for a tenant (shown once)',
  params: IdParams,
  response: { 201: z.object({ id: z.string(), apiKey: z.string() }), ...adminErrors, 404: ErrorBody },
};

export const createAdminKeySchema = {
  tags: ['admin'],
  summary: 'Create an admin key (shown once)',
  response: { 201: z.object({ id: z.string(), apiKey: z.string() }), ...adminErrors },
};

export const revokeKeySchema = {
  tags: ['admin'],
  summary: 'Revoke a key: requests with it get 401 from now on',
  params: IdParams,
  response: { 204: z.null().describe('Revoked'), ...adminErrors, 404: ErrorBody },
};
