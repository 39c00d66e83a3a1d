import type { QuotaName } from '@darkroom/core/contract/usage';
import type { Tenant } from '@darkroom/db/schema';
import type { AppDeps } from '../../deps.js';

/** What a tenant has used of each quota it has, as the console shows it beside the limits. */
export interface QuotaUse {
  /** By quota: the amount used in the quota's current period (this month, or held now); absent: not known here. */
  used: Map<QuotaName, number>;
  /** A line under the table when something is not shown. */
  note?: string | undefined;
}

/**
 * THE PLACE FOR "USED": the quota counters (`quota_counters`, kept by the quota work of the usage
 * issue) are not read here yet; until they are, the console shows the limits and a dash for "used".
 * Whoever adds the counters' read fills `used` from it (this month's period, `all` for storedBytes).
 */
export async function quotaUseForConsole(_deps: AppDeps, _tenant: Tenant): Promise<QuotaUse> {
  return { used: new Map(), note: 'What is used of each quota is not read yet: the quota counters will fill the "Used" column.' };
}
