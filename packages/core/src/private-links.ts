/**
 * Private media (docs/delivery.md#private-media): one token per asset in the path,
 * `/p/{exp}/{sig}/{assetId}/{rest}`, where `sig` is HMAC-SHA256 under the tenant's delivery key over
 * `p/{exp}/{assetId}`. Dependency-free and without Node's APIs: `@darkroom/core/private-links` is what
 * @darkroom/client mints links with (Web Crypto), on a platform's server or an edge runtime alike.
 */

export const VISIBILITIES = ['public', 'private'] as const;
export type Visibility = (typeof VISIBILITIES)[number];

/** The first path segment of every private URL. */
export const PRIVATE_PATH_SEGMENT = 'p';
/** Characters of base64url the signature keeps (as a delivery signature's). */
export const PRIVATE_SIGNATURE_LENGTH = 22;
/** Expiries are rounded up to a multiple of this, so every URL minted within it is the same URL. */
export const PRIVATE_EXPIRY_STEP_SECONDS = 300;
/** The shortest and longest life a URL may be asked for (`?urlTtl=`, `expiresIn`). */
export const PRIVATE_URL_MIN_TTL_SECONDS = 60;
export const PRIVATE_URL_MAX_TTL_SECONDS = 604_800;
/** `PRIVATE_URL_TTL`'s default. */
export const DEFAULT_PRIVATE_URL_TTL_SECONDS = 3600;
/** The furthest ahead an `exp` may be: the longest life, rounded up as every `exp` is. */
export const PRIVATE_EXP_MAX_AHEAD_SECONDS = PRIVATE_URL_MAX_TTL_SECONDS + PRIVATE_EXPIRY_STEP_SECONDS;
/** `exp` as the contract writes it: base 10, no sign, no leading zero, at most 12 digits. */
export const PRIVATE_EXP_PATTERN = /^[1-9]\d{0,11}$/;
/** `sig`: exactly the kept characters of base64url. */
export const PRIVATE_SIGNATURE_PATTERN = /^[A-Za-z0-9_-]{22}$/;
/** An asset's id as the API gives it and the path carries it: a UUID in lowercase hex. */
export const ASSET_ID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** What the signature covers: one asset until `exp`. */
export function privateSignedPath(exp: number, assetId: string): string {
  return `${PRIVATE_PATH_SEGMENT}/${exp}/${assetId}`;
}

/** `now + ttl`, rounded up to the next multiple of PRIVATE_EXPIRY_STEP_SECONDS (Unix seconds). */
export function privateExpiry(nowSeconds: number, ttlSeconds: number): number {
  const step = PRIVATE_EXPIRY_STEP_SECONDS;
  return Math.ceil((Math.floor(nowSeconds) + ttlSeconds) / step) * step;
}

/** `{baseUrl}/p/{exp}/{sig}/{assetId}`: every object of the asset is this plus `/{rest}`. */
export function privateAssetBase(baseUrl: string, exp: number, signature: string, assetId: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/${PRIVATE_PATH_SEGMENT}/${exp}/${signature}/${assetId}`;
}

function base64url(bytes: ArrayBuffer): string {
  let binary = '';
  for (const byte of new Uint8Array(bytes)) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** The token's signature with Web Crypto (Node's `crypto.subtle`, browsers, edge runtimes). */
export async function signPrivatePath(key: string, exp: number, assetId: string): Promise<string> {
  const encoder = new TextEncoder();
  const hmac = await crypto.subtle.importKey('raw', encoder.encode(key), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  const digest = await crypto.subtle.sign('HMAC', hmac, encoder.encode(privateSignedPath(exp, assetId)));
  return base64url(digest).slice(0, PRIVATE_SIGNATURE_LENGTH);
}
