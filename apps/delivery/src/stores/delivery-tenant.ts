import { deliveryKeyAad, DeliveryPolicyPatch, deliveryPolicyOf, verifyDeliverySignature, type DeliveryPolicy } from '@darkroom/core/delivery';
import type { SecretBox } from '@darkroom/core/webhooks';
import type { DeliveryTenantSource } from '@darkroom/db/queries/delivery';
import type { VerifiedSignatures } from './verified-signatures.js';

export interface DeliveryTenant {
  id: string;
  policy: DeliveryPolicy;
  /** Whether `signature` is the signed path's under the tenant's key, or its previous one before that expires. */
  verify(signedPath: string, signature: string): boolean;
  /** Signs a path with the current key (a redirect of a signed URL); null when the tenant has none. */
  currentKey: string | null;
}

export interface TenantKeysOptions {
  secretBox: SecretBox;
  log: { warn(object: object, message: string): void };
  /** Signatures verified before, shared by every tenant record of the process (none: each is verified anew). */
  verified?: VerifiedSignatures;
}

/** A tenant's policy in force and its signing keys, opened once per lookup. */
export function tenantOf(row: DeliveryTenantSource, options: TenantKeysOptions): DeliveryTenant {
  const open = (sealed: string | null): string | null => {
    if (!sealed) return null;
    try {
      return options.secretBox.open(sealed, deliveryKeyAad(row.tenantId));
    } catch (error) {
      // A key sealed with another WEBHOOK_SECRET_KEY verifies nothing; say so to the operator.
      options.log.warn({ tenantId: row.tenantId, err: error }, 'a delivery key does not open with WEBHOOK_SECRET_KEY');
      return null;
    }
  };
  const current = open(row.deliveryKeySealed);
  const expiresAt = row.previousDeliveryKeyExpiresAt?.getTime() ?? 0;
  const previous = expiresAt > Date.now() ? open(row.previousDeliveryKeySealed) : null;
  const stored = DeliveryPolicyPatch.safeParse(row.delivery);
  const { verified } = options;
  const tenant: DeliveryTenant = {
    id: row.tenantId,
    policy: deliveryPolicyOf(stored.success ? stored.data : null),
    currentKey: current,
    verify(signedPath, signature) {
      if (verified?.has(tenant, signedPath, signature)) return true;
      const until = verifiedUntil(signedPath, signature);
      if (until === null) return false;
      verified?.add(tenant, signedPath, signature, until);
      return true;
    },
  };
  // Until when a signature holds: for this record's life under the current key; under the previous
  // one until its overlap ends (checked against the clock on every use: a cached record must not
  // outlive it). Null: it verifies under neither.
  function verifiedUntil(signedPath: string, signature: string): number | null {
    if (current && verifyDeliverySignature(current, signedPath, signature)) return Number.POSITIVE_INFINITY;
    if (previous !== null && Date.now() < expiresAt && verifyDeliverySignature(previous, signedPath, signature)) return expiresAt;
    return null;
  }
  return tenant;
}
