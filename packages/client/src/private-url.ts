import {
  ASSET_ID_PATTERN,
  DEFAULT_PRIVATE_URL_TTL_SECONDS,
  PRIVATE_URL_MAX_TTL_SECONDS,
  PRIVATE_URL_MIN_TTL_SECONDS,
  privateAssetBase,
  privateExpiry,
  signPrivatePath,
} from '@darkroom/core/private-links';
import { DarkroomError } from './errors.js';

export interface PrivateUrlOptions {
  /** The tenant's delivery key (`dsk_…`, from `POST /v1/delivery-key`): it stays on the platform's server. */
  key: string;
  /** The asset's id, as the API gives it. */
  assetId: string;
  /**
   * What of the asset: a variant's name under it (`r1/e0ea2c2af5c3.webp`, `stream-074fe725f10c/master.m3u8`)
   * or an image on request, `img/{revision}/{options}` (with `/{signature}` outside the tenant's policy).
   */
  rest: string;
  /** The URL's life in seconds, at least this long: the expiry is rounded up to the next five minutes. */
  expiresIn?: number;
  /** The delivery server's or its CDN's origin (`DELIVERY_BASE_URL`); without it, the path alone. */
  baseUrl?: string;
  /** The moment the life counts from; by default, now. */
  now?: Date;
}

const invalid = (message: string) => new DarkroomError('invalid_input', message);

function checkExpiresIn(expiresIn: number): number {
  const [min, max] = [PRIVATE_URL_MIN_TTL_SECONDS, PRIVATE_URL_MAX_TTL_SECONDS];
  if (!Number.isInteger(expiresIn) || expiresIn < min || expiresIn > max) {
    throw invalid(`expiresIn must be a whole number of seconds from ${min} to ${max}, not ${expiresIn}`);
  }
  return expiresIn;
}

/** Only what names something inside the asset: the delivery server resolves nothing else (`404`). */
function checkRest(rest: string): string {
  if (typeof rest !== 'string' || rest === '') throw invalid('rest must name a file of the asset, e.g. r1/e0ea2c2af5c3.webp');
  if (rest.startsWith('/')) throw invalid(`rest is relative to the asset: no leading slash, not ${JSON.stringify(rest)}`);
  if (rest.includes('\\') || rest.split('/').includes('..')) {
    throw invalid(`rest must stay inside the asset: no backslash, no .. segment, not ${JSON.stringify(rest)}`);
  }
  return rest;
}

function checkOptions(options: PrivateUrlOptions): void {
  if (typeof options.key !== 'string' || options.key === '') throw invalid("key must be the tenant's delivery key (dsk_…)");
  if (typeof options.assetId !== 'string' || !ASSET_ID_PATTERN.test(options.assetId)) {
    throw invalid(`assetId must be an asset's id (a lowercase UUID), not ${JSON.stringify(options.assetId)}`);
  }
  checkRest(options.rest);
}

/**
 * A private asset's URL, `{baseUrl}/p/{exp}/{sig}/{assetId}/{rest}` (docs/delivery.md#private-media),
 * signed with Web Crypto, so it runs on a Node server and an edge runtime alike. Every call in the same
 * five minutes with the same options gives the same URL, so a CDN keeps one copy.
 * Throws `invalid_input` for an `expiresIn` out of range, an `assetId` that is no id, or a `rest` that
 * would leave the asset.
 */
export async function privateUrl(options: PrivateUrlOptions): Promise<string> {
  checkOptions(options);
  const expiresIn = checkExpiresIn(options.expiresIn ?? DEFAULT_PRIVATE_URL_TTL_SECONDS);
  const nowSeconds = (options.now ?? new Date()).getTime() / 1000;
  if (!Number.isFinite(nowSeconds)) throw invalid('now must be a valid Date');
  const exp = privateExpiry(nowSeconds, expiresIn);
  const signature = await signPrivatePath(options.key, exp, options.assetId);
  return `${privateAssetBase(options.baseUrl ?? '', exp, signature, options.assetId)}/${options.rest}`;
}
