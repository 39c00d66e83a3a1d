import { ERRORS } from '@darkroom/core/error-factories';
import { presetSpecHash, presetStaleScope, resolvePreset, tenantPresetList, type ResolvedPreset, type VariantSpec } from '@darkroom/core/presets';
import { countStaleVariants } from '@darkroom/db/queries/variants';
import { createBackfill } from '@darkroom/db/queries/backfills';
import { deleteTenantPreset, putTenantPreset } from '@darkroom/db/queries/tenants';
import { takeBackfillWindow } from '@darkroom/db/queries/backfill-window';
import type { Tenant } from '@darkroom/db/schema';
import type { FastifyBaseLogger } from 'fastify';
import { recordTenant } from '@darkroom/intake';
import type { AppDeps } from '../deps.js';
import { enqueueAfterCommit } from '@darkroom/intake';

/** A tenant's own presets at most: each is one more thing every upload of it may resolve to. */
export const MAX_TENANT_PRESETS = 20;

export const presetView = (preset: ResolvedPreset) => ({
  name: preset.name,
  owner: preset.owner,
  specHash: presetSpecHash(preset),
  variants: preset.variants.map((v) => ({ ...v })),
});

export function listTenantPresets(deps: AppDeps, tenant: Tenant) {
  return tenantPresetList(deps.config.presets, tenant.presets).map(presetView);
}

/** Creates or replaces the tenant's preset; every API process uses it from the tenant's next request. */
export async function putPreset(deps: AppDeps, tenant: Tenant, params: { name: string; variants: VariantSpec[] }) {
  const changed = await putTenantPreset(deps.db, { tenantId: tenant.id, ...params, maxPresets: MAX_TENANT_PRESETS });
  if (changed === 'full') {
    throw ERRORS.tooManyTenantPresets(MAX_TENANT_PRESETS);
  }
  if (!changed) throw ERRORS.tenantGone();
  await recordTenant(deps, changed);
  await deps.authCache.invalidateTenant(tenant.id);
  return presetView(resolvePreset(deps.config.presets, changed.presets, params.name)!);
}

/** Deletes one of the tenant's own presets (a global one of the name applies again). */
export async function deletePreset(deps: AppDeps, tenant: Tenant, params: { name: string }): Promise<void> {
  const changed = await deleteTenantPreset(deps.db, { tenantId: tenant.id, name: params.name });
  if (!changed) throw ERRORS.tenantPresetNotFound(params.name);
  await recordTenant(deps, changed);
  await deps.authCache.invalidateTenant(tenant.id);
}

/**
 * Re-renders the tenant's ready assets of the preset whose variants are stale, judged by the
 * preset as the tenant resolves it (its own or the global one), through a backfill of its own:
 * a window at a time on the backfill lane, like an admin's (admin/backfill.ts).
 */
export async function backfillPreset(deps: AppDeps, log: FastifyBaseLogger, tenant: Tenant, params: { name: string; dryRun: boolean }) {
  const preset = resolvePreset(deps.config.presets, tenant.presets, params.name);
  if (!preset) throw ERRORS.presetNotFound(params.name);
  const scope = { preset: preset.name, ...presetStaleScope(preset), tenantId: tenant.id };
  const { matched } = await countStaleVariants(deps.db, scope);
  if (params.dryRun || matched === 0) return { matched, queued: 0 };
  const backfill = await createBackfill(deps.db, { ...scope, window: deps.config.backfillWindow, maxAttempts: deps.config.jobMaxAttempts });
  const jobs = await takeBackfillWindow(deps.db, { id: backfill.id });
  if (jobs.length > 0) await enqueueAfterCommit(deps, log, jobs);
  log.info({ backfillId: backfill.id, tenantId: tenant.id, preset: preset.name, matched, firstWindow: jobs.length }, 'tenant backfill started');
  return { matched, queued: jobs.length };
}
