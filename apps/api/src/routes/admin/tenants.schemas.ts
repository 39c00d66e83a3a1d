import { DEFAULT_ACCEPTED_TYPES } from '@darkroom/core/content-types';
import { DeliveryPolicy, DeliveryPolicyPatch } from '@darkroom/core/delivery';
import { ErrorBody } from '@darkroom/core/contract/error';
import { ClassifierPolicy, ModerationPolicyPatch } from '@darkroom/core/contract/moderation';
import { QUOTAS, TenantQuotas, type QuotaName } from '@darkroom/core/contract/usage';
import { S3_MAX_OBJECT_BYTES } from '@darkroom/core/limits';
import { VISIBILITIES } from '@darkroom/core/private-links';
import { z } from 'zod';
import { IdParams } from '../common.schemas.js';
import { authErrors, tenantErrors } from '../../error-responses.js';

/** A tenant's moderation policy as it set it: each field null where the deployment's MODERATION_* default applies. */
const ModerationSettings = z
  .object({
    malware: z.enum(['reject', 'off']).nullable(),
    blocklist: z.enum(['reject', 'hold', 'off']).nullable(),
    classifier: ClassifierPolicy.nullable(),
    review: z.enum(['none', 'all']).nullable(),
  })
  .describe("The moderation policy's fields the tenant set; null in one: the deployment's default (MODERATION_*)");

const quotaShown = z.number().int().nullable();
/** Every quota, null where unlimited (docs/api.md#quotas). */
const QuotaLimits = z
  .object(Object.fromEntries(QUOTAS.map((q) => [q, quotaShown])) as Record<QuotaName, typeof quotaShown>)
  .describe('Every quota, null where unlimited; set with PATCH /v1/admin/tenants/{id}')
  .meta({ id: 'TenantQuotaLimits' });
const QuotaUsed = z
  .object(Object.fromEntries(QUOTAS.map((q) => [q, z.number().optional()])) as Record<QuotaName, z.ZodOptional<z.ZodNumber>>)
  .describe(
    'What each quota set has used in its current period (storedBytes: the billed bytes held now; the others: this calendar month, UTC); only the quotas set appear. Uploads in flight reserve their declared size on top of this',
  )
  .meta({ id: 'TenantQuotaUsed' });

export const TenantBody = z
  .object({
    id: z.string(),
    name: z.string(),
    acceptedContentTypes: z.array(z.string()).nullable().describe('Null: the deployment default (ACCEPTED_CONTENT_TYPES)'),
    maxUploadBytes: z.number().int().nullable().describe('Null: the deployment default (MAX_UPLOAD_BYTES)'),
    defaultPreset: z.string().nullable().describe('The preset of an upload that names none; null: "default"'),
    rateLimitPerMinute: z.number().int().nullable().describe('Requests per key per minute; null: the deployment default (RATE_LIMIT_PER_MINUTE)'),
    defaultVisibility: z
      .enum(VISIBILITIES)
      .nullable()
      .describe('The visibility of an upload that names none (nor its upload token); null: the deployment default (DEFAULT_VISIBILITY)'),
    delivery: DeliveryPolicy.describe('The delivery policy in force: the fields the tenant set over the defaults'),
    moderation: ModerationSettings,
    quotas: QuotaLimits,
    used: QuotaUsed,
    createdAt: z.string(),
  })
  .meta({ id: 'Tenant' });

const adminErrors = { ...authErrors, 403: ErrorBody } as const;

/** Every setting a tenant has; null puts a setting back to the deployment's default. */
const tenantSettings = {
  acceptedContentTypes: z
    .array(z.enum(DEFAULT_ACCEPTED_TYPES))
    .min(1)
    .nullable()
    .optional()
    .describe('Types this tenant may upload; null: the deployment default'),
  maxUploadBytes: z
    .number()
    .int()
    .min(1)
    .max(S3_MAX_OBJECT_BYTES)
    .nullable()
    .optional()
    .describe('Largest upload in bytes; null: the deployment default'),
  defaultPreset: z.string().trim().min(1).max(64).nullable().optional().describe('A preset name; null: "default"'),
  rateLimitPerMinute: z.number().int().min(1).max(1_000_000).nullable().optional().describe('Null: the deployment default'),
  defaultVisibility: z.enum(VISIBILITIES).nullable().optional().describe("An upload's visibility when it names none; null: the deployment default"),
};

const tenantName = z.string().trim().min(1).max(200);

export const createTenantSchema = {
  tags: ['admin'],
  summary: 'Create a tenant and its first API key (shown once)',
  body: z.strictObject({ name: tenantName, ...tenantSettings }),
  response: { 201: z.object({ tenant: TenantBody, apiKey: z.string() }), 400: ErrorBody, ...adminErrors, 404: ErrorBody },
};

export const getTenantSchema = {
  tags: ['admin'],
  summary: 'A tenant and its settings',
  params: IdParams,
  response: { 200: z.object({ tenant: TenantBody }), ...adminErrors, 404: ErrorBody },
};

export const updateTenantSchema = {
  tags: ['admin'],
  summary: "Change a tenant's name or settings; they apply from its next request, on every API process",
  params: IdParams,
  body: z.strictObject({
    name: tenantName.optional(),
    ...tenantSettings,
    delivery: DeliveryPolicyPatch.optional().describe('Merged into the delivery policy: the fields named change, the rest stay'),
    quotas: TenantQuotas.optional().describe(
      'Merged into the quotas: each named changes (a positive integer; null: unlimited), the rest stay. A quota set anew counts what its period has used so far',
    ),
    moderation: ModerationPolicyPatch.nullable()
      .optional()
      .describe(
        "Merged into the moderation policy: the fields named change (null: back to the deployment's default), the rest stay; null: every field back to its default",
      ),
  }),
  response: { 200: z.object({ tenant: TenantBody }), 400: ErrorBody, ...adminErrors, 404: ErrorBody },
};

export const ownTenantSchema = {
  tags: ['tenant'],
  summary: "The calling key's tenant and its settings",
  response: { 200: z.object({ tenant: TenantBody }), ...tenantErrors, 403: ErrorBody },
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
