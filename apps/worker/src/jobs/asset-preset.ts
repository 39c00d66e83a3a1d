import { resolvePreset, type ResolvedPreset } from '@darkroom/core/presets';
import { getTenant } from '@darkroom/db/queries/tenants';
import type { Asset, Tenant } from '@darkroom/db/schema';
import type { WorkerDeps } from '../deps.js';

/**
 * The preset an asset renders with, read when the job runs: its tenant's own preset of that name,
 * else the deployment's. Throws (retried like any transient failure) when neither exists: during a
 * rolling deploy this worker may not know a preset file's new entry yet.
 */
export async function presetOfAsset(deps: WorkerDeps, asset: Asset): Promise<ResolvedPreset> {
  return presetOf(deps, asset, await getTenant(deps.db, { id: asset.tenantId }));
}

/** `presetOfAsset` with its tenant's row already read. */
export function presetOf(deps: WorkerDeps, asset: Asset, tenant: Pick<Tenant, 'presets'> | undefined): ResolvedPreset {
  const preset = resolvePreset(deps.config.presets, tenant?.presets, asset.preset);
  if (!preset) throw new Error(`preset "${asset.preset}" is neither the tenant's nor configured in this worker`);
  return preset;
}
