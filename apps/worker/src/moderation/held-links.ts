import { deliveryKeyAad, newDeliveryKey } from '@darkroom/core/delivery';
import { getTenant, setFirstTenantDeliveryKey } from '@darkroom/db/queries/tenants';
import type { WorkerDeps } from '../deps.js';

/**
 * A held asset is shown through private links alone (its reviewers', its tenant's), which its
 * tenant's delivery key signs: a tenant that never uploaded a private asset gets its first key
 * here, before the hold's event is written, so its webhook can carry those links.
 */
export async function ensureDeliveryKey(deps: WorkerDeps, tenantId: string): Promise<void> {
  const tenant = await getTenant(deps.db, { id: tenantId });
  if (!tenant || tenant.deliveryKeySealed !== null) return;
  await setFirstTenantDeliveryKey(deps.db, { id: tenantId, sealed: deps.secretBox.seal(newDeliveryKey(), deliveryKeyAad(tenantId)) });
}
