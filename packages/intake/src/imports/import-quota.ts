import { ERRORS } from '@darkroom/core/error-factories';
import { quotaLimits, readQuotaOf, UPLOAD_QUOTAS } from '@darkroom/db/queries/usage';
import type { Tenant } from '@darkroom/db/schema';
import type { ImportDeps } from './deps.js';

/**
 * Before a byte of an item is written (and again once it is in, when its source said less than it
 * sent, or no size at all): a file that would pass the tenant's storedBytes or
 * uploadBytesPerMonth (with what uploads in flight reserve) fails with `quota_exceeded`, and the
 * import goes on with its next item (a refusal is final: import-failures.ts). Items in flight at
 * once are each checked against what was counted before them, so a run may pass a quota by at most
 * IMPORT_CONCURRENCY files; a tenant without these quotas reads nothing.
 */
export async function assertImportFits(deps: Pick<ImportDeps, 'db' | 'config'>, tenant: Tenant, size: number): Promise<void> {
  // Nothing is counted with USAGE_METERING=off, so nothing is enforced.
  if (!deps.config.usage.metering) return;
  for (const { quota } of quotaLimits(tenant.quotas, UPLOAD_QUOTAS)) {
    const now = await readQuotaOf(deps.db, tenant.id, quota);
    if (now && now.used + size > now.limit) throw ERRORS.quotaExceeded(quota, now.limit, now.used);
  }
}
