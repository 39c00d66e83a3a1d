import type { FaceBox } from '@darkroom/core/contract/asset';
import { deliveryPolicyOf, type FaceRedaction } from '@darkroom/core/delivery';
import { getTenant } from '@darkroom/db/queries/tenants';
import type { VariantRedaction } from '@darkroom/media';
import type { WorkerDeps } from '../deps.js';

/**
 * A tenant policy's `enforceFaceRedaction` in the worker (docs/delivery.md#faces): every eager image
 * variant (an image's, a video's poster, an audio file's cover art) covers the asset's known faces.
 */

/** The redaction the tenant's policy enforces now, and when its settings last changed. */
export interface TenantRedaction {
  enforced: FaceRedaction | null;
  changedAt: Date;
}

/** Read at each render, not carried in a job: a policy changed while the job waited applies to it. */
export async function tenantRedaction(deps: Pick<WorkerDeps, 'db'>, tenantId: string): Promise<TenantRedaction> {
  const tenant = await getTenant(deps.db, { id: tenantId });
  return { enforced: deliveryPolicyOf(tenant?.delivery).enforceFaceRedaction, changedAt: tenant?.updatedAt ?? new Date(0) };
}

/** What an asset's image variants carry under the policy: its redaction where a face is known, else none (the pixels are the same). */
export function redactionOf(enforced: FaceRedaction | null, faces: readonly FaceBox[] | null | undefined): FaceRedaction | null {
  return enforced && faces && faces.length > 0 ? enforced : null;
}

/** The render's option: the faces to cover, and how; undefined: none. */
export function variantRedaction(enforced: FaceRedaction | null, faces: readonly FaceBox[] | null | undefined): VariantRedaction | undefined {
  const effect = redactionOf(enforced, faces);
  return effect && faces ? { effect, faces } : undefined;
}
