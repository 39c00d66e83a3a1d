import { ERRORS } from '@darkroom/core/error-factories';
import { PRIVATE_EXP_MAX_AHEAD_SECONDS, PRIVATE_EXP_PATTERN, PRIVATE_SIGNATURE_PATTERN } from '@darkroom/core/private-links';

/** A private URL's token as sent: its form checked, its signature not yet (that needs the asset's tenant). */
export interface PrivateToken {
  /** Unix seconds. */
  exp: number;
  signature: string;
}

/**
 * The token's form and life, before anything is looked up: a malformed `exp` or `sig`, or an `exp`
 * further ahead than the longest life allows, is `403 forbidden`; one in the past is `403 expired`.
 */
export function checkPrivateToken(exp: string, signature: string, nowSeconds: number): PrivateToken {
  if (!PRIVATE_EXP_PATTERN.test(exp) || !PRIVATE_SIGNATURE_PATTERN.test(signature)) throw ERRORS.linkNotValid();
  const expires = Number(exp);
  if (expires > nowSeconds + PRIVATE_EXP_MAX_AHEAD_SECONDS) throw ERRORS.linkNotValid();
  if (expires <= nowSeconds) throw ERRORS.linkExpired();
  return { exp: expires, signature };
}

/**
 * `Cache-Control`'s `max-age` for a private answer: never past the token's `exp`, nor past
 * PRIVATE_CACHE_MAX_AGE. The clock's fraction rounds the life down: a copy kept from 0.7 s into a
 * second for the whole seconds to `exp` would outlive the token by 0.7 s.
 */
export function privateMaxAge(token: PrivateToken, nowSeconds: number, maxAgeSeconds: number): number {
  return Math.max(0, Math.min(token.exp - Math.ceil(nowSeconds), maxAgeSeconds));
}
