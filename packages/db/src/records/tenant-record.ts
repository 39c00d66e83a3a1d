import { DeliveryPolicyPatch } from '@darkroom/core/delivery';
import { ModerationPolicyPatch } from '@darkroom/core/contract/moderation';
import { TenantQuotas } from '@darkroom/core/contract/usage';
import { VARIANT_BOX } from '@darkroom/core/limits';
import { variantSpecSchema } from '@darkroom/core/preset-file';
import { VISIBILITIES } from '@darkroom/core/private-links';
import type { TenantPresets } from '@darkroom/core/presets';
import { z } from 'zod';
import type { Tenant } from '../schema.js';

const isoDate = z.iso.datetime({ offset: true });

/**
 * A tenant's settings as the bucket keeps them (`records/tenants/{id}.json`), written whenever they
 * change. Secrets are not in it: API keys, upload tokens, webhooks and the delivery keys stay in
 * Postgres only, so a tenant rebuilt from this record has none until an admin makes new ones.
 */
export const TenantRecord = z.object({
  v: z.literal(1),
  id: z.uuid(),
  name: z.string(),
  acceptedContentTypes: z.array(z.string()).nullable(),
  maxUploadBytes: z.number().int().nullable(),
  defaultPreset: z.string().nullable(),
  rateLimitPerMinute: z.number().int().nullable(),
  /** Absent from records written before private media: the deployment's default. */
  defaultVisibility: z.enum(VISIBILITIES).nullish(),
  presets: z.record(z.string(), z.array(variantSpecSchema(VARIANT_BOX))).transform((p): TenantPresets => p),
  delivery: DeliveryPolicyPatch,
  /** Absent from records written before moderation: the deployment's defaults. */
  moderation: ModerationPolicyPatch.nullish(),
  /** Absent from records written before quotas: none set. */
  quotas: TenantQuotas.optional(),
  createdAt: isoDate,
  updatedAt: isoDate,
});
export type TenantRecord = z.infer<typeof TenantRecord>;

/** Field by field, so that a column added to tenants later (a secret, say) never reaches the bucket by itself. */
export function tenantRecordOf(tenant: Tenant): TenantRecord {
  return {
    v: 1,
    id: tenant.id,
    name: tenant.name,
    acceptedContentTypes: tenant.acceptedContentTypes ?? null,
    maxUploadBytes: tenant.maxUploadBytes ?? null,
    defaultPreset: tenant.defaultPreset ?? null,
    rateLimitPerMinute: tenant.rateLimitPerMinute ?? null,
    defaultVisibility: tenant.defaultVisibility ?? null,
    presets: tenant.presets,
    delivery: tenant.delivery,
    moderation: tenant.moderation ?? null,
    quotas: tenant.quotas,
    createdAt: tenant.createdAt.toISOString(),
    updatedAt: tenant.updatedAt.toISOString(),
  };
}
