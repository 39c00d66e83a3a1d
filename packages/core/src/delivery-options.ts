import { type DeliveryPolicy, MAX_DELIVERY_DIMENSION, parseAspectRatio } from './delivery.js';
import { ERRORS } from './error-factories/index.js';

/**
 * The `{options}` segment of a delivery URL (docs/api.md#delivery), parsed strictly: every token in
 * the table, each key at most once, values in range. What is absent stays undefined, so the policy
 * can tell `q_75` from no `q` at all; defaults are filled in when a render is planned.
 */
export interface DeliveryOptions {
  width?: number;
  height?: number;
  fit: DeliveryFit;
  gravity: DeliveryGravity;
  quality?: number;
  format: DeliveryFormatOption;
  dpr?: number;
}

export type DeliveryFit = 'inside' | 'cover';
export type DeliveryGravity = 'focus' | 'center' | 'auto';
/** Formats a delivery URL may name; `auto` negotiates from the request's `Accept`. */
export type DeliveryFormatOption = 'auto' | 'avif' | 'webp' | 'jpeg' | 'png';
/** What a delivery answers with: GIF only for an animation to a browser that takes no WebP. */
export type DeliveryFormat = Exclude<DeliveryFormatOption, 'auto'> | 'gif';

export const DELIVERY_CONTENT_TYPES: Readonly<Record<DeliveryFormat, string>> = {
  avif: 'image/avif',
  webp: 'image/webp',
  jpeg: 'image/jpeg',
  png: 'image/png',
  gif: 'image/gif',
};

const DPRS = new Set(['1', '1.5', '2', '3']);
const WORDS: Record<string, readonly string[]> = {
  c: ['inside', 'cover'],
  g: ['focus', 'center', 'auto'],
  f: ['auto', 'avif', 'webp', 'jpeg', 'png'],
};
/** No leading zeros: one way to write each number, so a signature covers one spelling. */
const WHOLE_NUMBER = /^[1-9]\d{0,4}$/;

function wholeNumber(token: string, value: string, min: number, max: number): number {
  const n = WHOLE_NUMBER.test(value) ? Number(value) : Number.NaN;
  if (!(n >= min && n <= max)) throw ERRORS.optionOutOfRange(token, min, max);
  return n;
}

function word<T extends string>(key: string, token: string, value: string): T {
  if (!WORDS[key]!.includes(value))
    throw ERRORS.optionNotOneOf(
      token,
      WORDS[key]!.map((w) => `${key}_${w}`),
    );
  return value as T;
}

/** Parses the options segment as sent; throws `invalid_request` naming the first token at fault. */
export function parseDeliveryOptions(segment: string): DeliveryOptions {
  const options: DeliveryOptions = { fit: 'inside', gravity: 'focus', format: 'auto' };
  const seen = new Set<string>();
  for (const token of segment.split(',')) {
    const separator = token.indexOf('_');
    const key = separator > 0 ? token.slice(0, separator) : token;
    const value = separator > 0 ? token.slice(separator + 1) : '';
    if (seen.has(key)) throw ERRORS.optionTwice(key, token);
    seen.add(key);
    if (key === 'w') options.width = wholeNumber(token, value, 1, MAX_DELIVERY_DIMENSION);
    else if (key === 'h') options.height = wholeNumber(token, value, 1, MAX_DELIVERY_DIMENSION);
    else if (key === 'q') options.quality = wholeNumber(token, value, 1, 100);
    else if (key === 'c') options.fit = word(key, token, value);
    else if (key === 'g') options.gravity = word(key, token, value);
    else if (key === 'f') options.format = word(key, token, value);
    else if (key === 'dpr') {
      if (!DPRS.has(value))
        throw ERRORS.optionNotOneOf(
          token,
          [...DPRS].map((d) => `dpr_${d}`),
        );
      options.dpr = Number(value);
    } else throw ERRORS.unknownOption(token);
  }
  if (options.fit === 'cover' && (options.width === undefined || options.height === undefined)) {
    throw ERRORS.coverWithoutBothSides();
  }
  return options;
}

/**
 * Whether an unsigned URL may ask for this: a `w` among the policy's widths, a `q` (if given) among
 * its qualities, an `h` (if given) of one of its aspect ratios for that `w`, and no `dpr`.
 */
export function fitsDeliveryPolicy(options: DeliveryOptions, policy: DeliveryPolicy): boolean {
  const { width, height } = options;
  if (width === undefined || !policy.widths.includes(width)) return false;
  if (options.quality !== undefined && !policy.qualities.includes(options.quality)) return false;
  if (options.dpr !== undefined) return false;
  if (height === undefined) return true;
  return policy.aspectRatios.some((ratio) => {
    const [w, h] = parseAspectRatio(ratio);
    return Math.round((width * h) / w) === height;
  });
}
