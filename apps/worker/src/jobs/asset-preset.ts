import { resolvePreset, type ResolvedPreset } from '@darkroom/core/presets';
import { getTenant } from '@darkroom/db/queries/tenants';
import type { Asset } from '@darkroom/db/schema';
import type { WorkerDeps } from '../deps.js';

/**
 * The preset an asset renders with, read when the job runs: its tenant's own preset of that name,
 * else the deployment's. Throws (retried like any transient failure) when neither exists: during a
 * rolling deploy this worker may not know a preset file's new entry yet.
 */
export async function presetOfAsset(deps: WorkerDeps, asset: Asset): Promise<ResolvedPreset> {
  const tenant = await getTenant(deps.db, { id: asset.tenantId });
  const preset = resolvePreset(deps.config.presets, tenant?.presets, asset.preset);
  if (!preset) throw new Error(`preset "${asset.preset}" is neither the tenant's nor configured in this worker`);
  return preset;
}
