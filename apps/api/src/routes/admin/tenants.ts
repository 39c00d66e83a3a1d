import { ERRORS } from '@darkroom/core/error-factories';
import { resolvePreset } from '@darkroom/core/presets';
import { createApiKey, revokeApiKey } from '@darkroom/db/queries/api-keys';
import { createTenant, getTenant, mergeTenantDelivery, updateTenant } from '@darkroom/db/queries/tenants';
import { isUuid } from '@darkroom/db/pagination';
import type { Tenant } from '@darkroom/db/schema';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppDeps } from '../../deps.js';
import { recordTenant } from '@darkroom/intake';
import { recordRedactionChange, startRedactionBackfill } from '../../services/face-redaction.js';
import { mergeModerationPolicy } from '../../services/moderation/policy.js';
import { mintUploadToken } from '../../services/uploads/upload-tokens.js';
import { applyQuotaChanges, mergeQuotas, quotaUsed } from '../../services/tenant-quotas.js';
import { tenantView } from '../../views.js';
import { MintUploadTokenFields, adminMintUploadTokenSchema } from '../upload-tokens.schemas.js';
import {
  createAdminKeySchema,
  createTenantKeySchema,
  createTenantSchema,
  getTenantSchema,
  revokeKeySchema,
  updateTenantSchema,
} from './tenants.schemas.js';

/** A default preset must name a preset this deployment or the tenant has (null and absent are fine). */
function assertPresetExists(deps: AppDeps, name: string | null | undefined, tenant?: Tenant): void {
  if (name && !resolvePreset(deps.config.presets, tenant?.presets, name)) {
    throw ERRORS.presetNotFound(name);
  }
}

const adminTenantRoutes: FastifyPluginAsyncZod<{ deps: AppDeps }> = async (app, { deps }) => {
  app.addHook('onRequest', app.requireAdmin);

  app.post('/v1/admin/tenants', { schema: createTenantSchema }, async (request, reply) => {
    assertPresetExists(deps, request.body.defaultPreset);
    const { tenant, apiKey } = await deps.db.transaction(async (tx) => {
      const created = await createTenant(tx, request.body);
      const key = await createApiKey(tx, { kind: 'tenant', tenantId: created.id });
      await recordTenant(deps, created);
      return { tenant: created, apiKey: key.apiKey };
    });
    return reply.status(201).send({ tenant: tenantView(tenant), apiKey });
  });

  app.get('/v1/admin/tenants/:id', { schema: getTenantSchema }, async (request) => {
    const { id } = request.params;
    const tenant = isUuid(id) ? await getTenant(deps.db, { id }) : undefined;
    if (!tenant) throw ERRORS.tenantNotFound();
    return { tenant: tenantView(tenant, await quotaUsed(deps, tenant)) };
  });

  app.patch('/v1/admin/tenants/:id', { schema: updateTenantSchema }, async (request) => {
    const { id } = request.params;
    const current = isUuid(id) ? await getTenant(deps.db, { id }) : undefined;
    if (!current) throw ERRORS.tenantNotFound();
    assertPresetExists(deps, request.body.defaultPreset, current);
    const { delivery, moderation, quotas, ...rest } = request.body;
    const changes = {
      ...rest,
      ...(moderation === undefined ? {} : { moderation: mergeModerationPolicy(current.moderation, moderation) }),
      ...(quotas === undefined ? {} : { quotas: mergeQuotas(current.quotas, quotas) }),
    };
    const { tenant, backfill } = await deps.db.transaction(async (tx) => {
      const updated = await updateTenant(tx, { id, changes });
      if (updated && changes.quotas) await applyQuotaChanges(tx, id, current.quotas, changes.quotas);
      const merged = updated && delivery ? await mergeTenantDelivery(tx, { id, patch: delivery }) : updated;
      // In the transaction: a change the bucket could not record is not made.
      if (merged) await recordTenant(deps, merged);
      const redaction = merged ? await recordRedactionChange(tx, deps, { tenantId: id, before: current.delivery, patch: delivery }) : undefined;
      return { tenant: merged, backfill: redaction };
    });
    if (!tenant) throw ERRORS.tenantNotFound();
    // After the commit: every API process reloads this tenant's settings on its next request.
    await deps.authCache.invalidateTenant(tenant.id);
    if (backfill) await startRedactionBackfill(deps, request.log, backfill);
    return { tenant: tenantView(tenant, await quotaUsed(deps, tenant)) };
  });

  app.post('/v1/admin/tenants/:id/keys', { schema: createTenantKeySchema }, async (request, reply) => {
    const { id } = request.params;
    const tenant = isUuid(id) ? await getTenant(deps.db, { id }) : undefined;
    if (!tenant) throw ERRORS.tenantNotFound();
    const { key, apiKey } = await createApiKey(deps.db, { kind: 'tenant', tenantId: tenant.id });
    return reply.status(201).send({ id: key.id, apiKey });
  });

  // The admin console's way to hand a browser an upload token for a tenant (tried from its upload page).
  app.post('/v1/admin/tenants/:id/upload-tokens', { schema: adminMintUploadTokenSchema }, async (request, reply) => {
    const body = MintUploadTokenFields.parse(request.body ?? {});
    return reply.status(201).send(await mintUploadToken(deps, { ...body, tenantId: request.params.id }));
  });

  app.post('/v1/admin/keys', { schema: createAdminKeySchema }, async (_request, reply) => {
    const { key, apiKey } = await createApiKey(deps.db, { kind: 'admin' });
    return reply.status(201).send({ id: key.id, apiKey });
  });

  app.delete('/v1/admin/keys/:id', { schema: revokeKeySchema }, async (request, reply) => {
    const { id } = request.params;
    const revoked = isUuid(id) && (await revokeApiKey(deps.db, { id }));
    if (!revoked) throw ERRORS.activeKeyNotFound();
    // Every API process forgets it before this answers: the next request with it gets 401.
    await deps.authCache.invalidateKey(id);
    return reply.status(204).send(null);
  });
};

export default adminTenantRoutes;
