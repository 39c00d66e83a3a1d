import { ERRORS } from '@darkroom/core/error-factories';
import { QUOTAS, type QuotaName, type TenantQuotas } from '@darkroom/core/contract/usage';
import type { Executor } from '@darkroom/db/client';
import {
  dropQuotaCounters,
  giveBackToHold,
  quotaChanges,
  quotaLimits,
  readQuotaUse,
  releaseUpload,
  renewUpload,
  startQuotaCounters,
  UPLOAD_QUOTAS,
} from '@darkroom/db/queries/usage';
import type { Tenant } from '@darkroom/db/schema';
import type { AppDeps } from '../deps.js';

/** A tenant's quotas after a PATCH: the ones named change (null: unlimited, dropped), the rest stay. */
export function mergeQuotas(current: TenantQuotas | null | undefined, patch: TenantQuotas): TenantQuotas {
  const merged: TenantQuotas = { ...current, ...patch };
  return Object.fromEntries(QUOTAS.flatMap((q) => (typeof merged[q] === 'number' ? [[q, merged[q]]] : [])));
}

/** In the transaction that changes a tenant's quotas: counters started for those set anew, dropped for those cleared. */
export async function applyQuotaChanges(tx: Executor, tenantId: string, before: TenantQuotas | null | undefined, after: TenantQuotas): Promise<void> {
  const { started, cleared } = quotaChanges(before, after);
  await startQuotaCounters(tx, tenantId, started);
  await dropQuotaCounters(tx, tenantId, cleared);
}

/** What each quota the tenant set has used in its current period (a tenant without quotas: nothing read). */
export async function quotaUsed(deps: Pick<AppDeps, 'db'>, tenant: Tenant): Promise<Partial<Record<QuotaName, number>>> {
  const uses = await readQuotaUse(
    deps.db,
    tenant.id,
    quotaLimits(tenant.quotas).map((l) => l.quota),
  );
  return Object.fromEntries(uses.map((u) => [u.quota, u.used]));
}

/**
 * Whether the tenant's uploads reserve anything: a tenant without these quotas never queries for
 * them, and with USAGE_METERING=off nothing is counted, so nothing is enforced.
 */
const reservesUploads = (deps: Pick<AppDeps, 'config'>, tenant: Tenant): boolean =>
  deps.config.usage.metering && quotaLimits(tenant.quotas, UPLOAD_QUOTAS).length > 0;

/**
 * An upload start's reservation of its declared size, for as long as its URLs last; past a quota,
 * `403 quota_exceeded`. `write` is the upload's insert, given the hold it was reserved from (null:
 * nothing reserved); if it fails, the size goes back to that hold.
 */
export async function withUploadReserved<T>(
  deps: AppDeps,
  tenant: Tenant,
  upload: { id: string; size: number },
  write: (quotaHoldId: string | null) => Promise<T>,
): Promise<T> {
  if (!reservesUploads(deps, tenant)) return write(null);
  const reservation = await deps.quotaCredits.reserve({ tenantId: tenant.id, limits: quotaLimits(tenant.quotas, UPLOAD_QUOTAS), size: upload.size });
  if (reservation.refusal) {
    const { quota, limit, used } = reservation.refusal;
    throw ERRORS.quotaExceeded(quota, limit, used);
  }
  try {
    return await write(reservation.holdId);
  } catch (error) {
    await giveBackToHold(deps.db, reservation.holdId, upload.size);
    throw error;
  }
}

/** A renewal of an upload's URLs renews its reservation, or refuses with `403 quota_exceeded` if it no longer fits. */
export async function renewUploadReservation(deps: AppDeps, tenant: Tenant, upload: { id: string; size: number }): Promise<void> {
  if (!reservesUploads(deps, tenant)) return;
  const expiresAt = new Date(Date.now() + deps.config.uploads.urlTtlSeconds * 1000);
  const limits = quotaLimits(tenant.quotas, UPLOAD_QUOTAS);
  const refusal = await renewUpload(deps.db, { tenantId: tenant.id, uploadId: upload.id, amount: upload.size, limits, expiresAt });
  if (refusal) throw ERRORS.quotaExceeded(refusal.quota, refusal.limit, refusal.used);
}

/** `complete` and `abort` give the reservation back (complete's real size then counts through the meters). */
export async function releaseUploadReservation(deps: Pick<AppDeps, 'db' | 'config'>, tenant: Tenant, uploadId: string): Promise<void> {
  if (reservesUploads(deps, tenant)) await releaseUpload(deps.db, uploadId);
}
