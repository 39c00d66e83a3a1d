/**
 * Signatures that verified, each remembered with the tenant record that verified it: a URL asked
 * again (a private link's token is the same for every object of its asset, and the same for five
 * minutes of minting) then costs no HMAC. A record is replaced whenever its tenant is read again
 * (a lookup past its life, a new key, Redis's word of a change), and only the record that verified
 * a signature finds it here: so nothing remembered outlives the keys it was verified with, and a
 * revoked key stops verifying exactly as soon as it would without this.
 */
export interface VerifiedSignatures {
  /** Whether `tenant` (this very record) verified `signature` of `signedPath`, and it still holds. */
  has(tenant: object, signedPath: string, signature: string): boolean;
  /** Remembers that `tenant` verified it, until `untilMs` (a previous key's: the end of its overlap). */
  add(tenant: object, signedPath: string, signature: string, untilMs: number): void;
}

interface Verified {
  tenant: object;
  signedPath: string;
  untilMs: number;
}

/**
 * At most `maxEntries` of them, the oldest remembered leaving first; `now` is the clock `untilMs`
 * is read on. Kept by signature (a short key, whose path is compared): a signature is the path's
 * HMAC, so one that verified names its path alone, and a signature sent with another path finds
 * nothing and is verified as usual.
 */
export function createVerifiedSignatures(maxEntries: number, now: () => number = () => Date.now()): VerifiedSignatures {
  const entries = new Map<string, Verified>();
  return {
    has(tenant, signedPath, signature) {
      const entry = entries.get(signature);
      return entry !== undefined && entry.tenant === tenant && entry.signedPath === signedPath && now() < entry.untilMs;
    },
    add(tenant, signedPath, signature, untilMs) {
      if (maxEntries <= 0) return;
      if (!entries.delete(signature) && entries.size >= maxEntries) entries.delete(entries.keys().next().value!);
      entries.set(signature, { tenant, signedPath, untilMs });
    },
  };
}
