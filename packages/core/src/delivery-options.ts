import { type DeliveryPolicy, parseAspectRatio } from './delivery.js';
import {
  autoQualityLevel,
  coverWithoutBothSides,
  DELIVERY_OPTION_DEFAULTS,
  DELIVERY_TOKENS,
  deliveryFieldOf,
  type DeliveryFaceEffect,
  type DeliveryFit,
  type DeliveryFormat,
  type DeliveryFormatOption,
  type DeliveryGravity,
  type DeliveryOptionValues,
  type DeliveryQuality,
  type DeliveryToken,
} from './delivery-grammar.js';
import { ERRORS } from './error-factories/index.js';
import type { DarkroomError } from './errors.js';

/**
 * The `{options}` segment of a delivery URL (docs/api.md#delivery), parsed strictly: every token in
 * the table (delivery-grammar.ts), each key at most once, values in range. What is absent stays
 * undefined, so the policy can tell `q_75` from no `q` at all; defaults are filled in when a render
 * is planned.
 */
export interface DeliveryOptions {
  width?: number;
  height?: number;
  fit: DeliveryFit;
  gravity: DeliveryGravity;
  quality?: DeliveryQuality;
  format: DeliveryFormatOption;
  dpr?: number;
  /** `z_`: how far a face crop zooms (1: the face box and its margin). */
  zoom?: number;
  /** `e_blur-faces`, `e_pixelate-faces`: every known face covered. */
  effect?: DeliveryFaceEffect;
}

export const DELIVERY_CONTENT_TYPES: Readonly<Record<DeliveryFormat, string>> = {
  avif: 'image/avif',
  webp: 'image/webp',
  jpeg: 'image/jpeg',
  png: 'image/png',
  gif: 'image/gif',
};

/** The refusal of a token whose value is not one of its own, in the words of its kind. */
function badValue(token: string, rule: DeliveryToken): DarkroomError {
  if ('effects' in rule) return ERRORS.effectNotOneOf(token, rule.effects, rule.min, rule.max);
  if ('decimal' in rule) return ERRORS.optionNotOneDecimal(token, rule.min, rule.max);
  if ('choices' in rule)
    return ERRORS.optionNotOneOf(
      token,
      rule.choices.map((c) => `${rule.prefix}_${c}`),
    );
  if ('words' in rule)
    return ERRORS.qualityNotValid(
      token,
      rule.min,
      rule.max,
      rule.words.map((word) => `${rule.prefix}_${word}`),
    );
  return ERRORS.optionOutOfRange(token, rule.min, rule.max);
}

/** Parses the options segment as sent; throws `invalid_request` naming the first token at fault. */
export function parseDeliveryOptions(segment: string): DeliveryOptions {
  const options: DeliveryOptions = { ...DELIVERY_OPTION_DEFAULTS };
  const seen = new Set<string>();
  for (const token of segment.split(',')) {
    const separator = token.indexOf('_');
    const key = separator > 0 ? token.slice(0, separator) : token;
    const value = separator > 0 ? token.slice(separator + 1) : '';
    if (seen.has(key)) throw ERRORS.optionTwice(key, token);
    seen.add(key);
    const field = deliveryFieldOf(key);
    if (field === undefined) throw ERRORS.unknownOption(token);
    const rule = DELIVERY_TOKENS[field];
    const parsed = rule.parse(value);
    if (parsed === undefined) throw badValue(token, rule);
    (options as Partial<DeliveryOptionValues>)[field] = parsed as never;
  }
  if (coverWithoutBothSides(options)) throw ERRORS.coverWithoutBothSides();
  return options;
}

/** Whether two qualities ask for the same encode: `auto` and `auto-good` are one level. */
export function sameQuality(a: DeliveryQuality, b: DeliveryQuality): boolean {
  return a === b || (autoQualityLevel(a) !== undefined && autoQualityLevel(a) === autoQualityLevel(b));
}

/**
 * Whether an unsigned URL may ask for this: a `w` among the policy's widths, a `q` (if given) among
 * its qualities, an `h` (if given) of one of its aspect ratios for that `w`, no `dpr`, and `z_` or
 * an `e_` only where the policy's `unsignedEffects` allows them (`g_face` and `g_faces` are free,
 * as `g_auto` is).
 */
export function fitsDeliveryPolicy(options: DeliveryOptions, policy: DeliveryPolicy): boolean {
  const { width, height } = options;
  if (width === undefined || !policy.widths.includes(width)) return false;
  const { quality } = options;
  if (quality !== undefined && !policy.qualities.some((allowed) => sameQuality(allowed, quality))) return false;
  if (options.dpr !== undefined) return false;
  if ((options.zoom !== undefined || options.effect !== undefined) && !policy.unsignedEffects) return false;
  if (height === undefined) return true;
  return policy.aspectRatios.some((ratio) => {
    const [w, h] = parseAspectRatio(ratio);
    return Math.round((width * h) / w) === height;
  });
}
