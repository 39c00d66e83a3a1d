import { DELIVERY_KEY_OVERLAP_MS, deliveryKeyAad, newDeliveryKey } from '@darkroom/core/delivery';
import { ERRORS } from '@darkroom/core/error-factories';
import { rotateTenantDeliveryKey, setFirstTenantDeliveryKey } from '@darkroom/db/queries/tenants';
import type { Tenant } from '@darkroom/db/schema';
import type { AppDeps } from '../deps.js';

/**
 * Makes the tenant's new delivery signing key and returns it (the only time it is ever shown).
 * Stored sealed with WEBHOOK_SECRET_KEY, bound to the tenant's id as webhook secrets are to theirs,
 * so a sealed key copied onto another tenant's row does not open. The replaced key verifies for
 * DELIVERY_KEY_OVERLAP_MS more (not at all with `revokePrevious`); the one replaced before it stops now.
 */
export async function rotateDeliveryKey(deps: AppDeps, params: { tenantId: string; revokePrevious?: boolean }): Promise<string> {
  const key = newDeliveryKey();
  const sealed = deps.secretBox.seal(key, deliveryKeyAad(params.tenantId));
  const overlapMs = params.revokePrevious ? null : DELIVERY_KEY_OVERLAP_MS;
  const tenant = await rotateTenantDeliveryKey(deps.db, { id: params.tenantId, sealed, overlapMs });
  if (!tenant) throw ERRORS.keyTenantNotFound();
  await deps.authCache.invalidateTenant(params.tenantId);
  // Every delivery process reads the tenant's keys anew: a revoked key is refused from the answer on.
  await deps.announceDeliveryChange({ tenant: params.tenantId });
  return key;
}

/**
 * The tenant as it is once it has a delivery key, made now if it has none: a private asset's URLs
 * are signed with it. Two racing first private assets end with one key (the first to land). Every
 * API process reloads the tenant after a new key, so each mints with it from its next request.
 */
export async function ensureDeliveryKey(deps: AppDeps, tenant: Tenant): Promise<Tenant> {
  if (tenant.deliveryKeySealed !== null) return tenant;
  const sealed = deps.secretBox.seal(newDeliveryKey(), deliveryKeyAad(tenant.id));
  const current = await setFirstTenantDeliveryKey(deps.db, { id: tenant.id, sealed });
  if (!current) throw ERRORS.keyTenantNotFound();
  await deps.authCache.invalidateTenant(tenant.id);
  return current;
}
