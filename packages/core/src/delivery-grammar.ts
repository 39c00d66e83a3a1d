/**
 * The `{options}` segment of a delivery URL (docs/api.md#delivery), written once as a table of its
 * tokens: the delivery server parses with it (`parseDeliveryOptions`), writes a render's canonical
 * form with it, and @darkroom/client writes URLs with it. Without Node's APIs and reading only the
 * limits: `@darkroom/core/delivery-grammar` is copied into the published client as it is, beside them.
 */
import { MAX_DELIVERY_DIMENSION } from './limits.js';

export const DELIVERY_FITS = ['inside', 'cover'] as const;
/** `face` keeps the largest known face whole, `faces` all of them; both fall back to `auto` where none is known. */
export const DELIVERY_GRAVITIES = ['focus', 'center', 'auto', 'face', 'faces'] as const;
/** Effects covering every known face box (docs/delivery.md#faces). */
export const DELIVERY_FACE_EFFECTS = ['blur-faces', 'pixelate-faces'] as const;
/** Formats a delivery URL may name; `auto` negotiates from the request's `Accept`. */
export const DELIVERY_FORMAT_OPTIONS = ['auto', 'avif', 'webp', 'jpeg', 'png'] as const;
export const DELIVERY_DPRS = [1, 1.5, 2, 3] as const;
/** `q_auto…`: a quality each image chooses for itself (docs/delivery.md#quality-chosen-per-image); `auto` is `auto-good`. */
export const AUTO_QUALITIES = ['auto', 'auto-eco', 'auto-good', 'auto-best'] as const;
export const AUTO_QUALITY_LEVELS = ['eco', 'good', 'best'] as const;

export type DeliveryFit = (typeof DELIVERY_FITS)[number];
export type DeliveryGravity = (typeof DELIVERY_GRAVITIES)[number];
export type DeliveryFormatOption = (typeof DELIVERY_FORMAT_OPTIONS)[number];
export type DeliveryFaceEffectName = (typeof DELIVERY_FACE_EFFECTS)[number];
/** `e_pixelate-faces-24`: the effect, and the strength the URL asked for (none: the effect's minimum). */
export interface DeliveryFaceEffect {
  name: DeliveryFaceEffectName;
  strength?: number | undefined;
}
/** What a delivery answers with: GIF only for an animation to a browser that takes no WebP. */
export type DeliveryFormat = Exclude<DeliveryFormatOption, 'auto'> | 'gif';
export type AutoQuality = (typeof AUTO_QUALITIES)[number];
export type AutoQualityLevel = (typeof AUTO_QUALITY_LEVELS)[number];
/** An encoder quality 1..100, or a level of `q_auto`. */
export type DeliveryQuality = number | AutoQuality;

/** The level an auto quality names (`auto`: `good`); undefined for a number. */
export function autoQualityLevel(quality: DeliveryQuality): AutoQualityLevel | undefined {
  if (typeof quality === 'number') return undefined;
  return quality === 'auto' ? 'good' : (quality.slice('auto-'.length) as AutoQualityLevel);
}

/** One spelling per encode, for a render's canonical key: `auto` is written `auto-good`. */
export function canonicalQuality(quality: DeliveryQuality): DeliveryQuality {
  const level = autoQualityLevel(quality);
  return level ? `auto-${level}` : quality;
}

/** Every option a URL may state, by the field it sets. */
export interface DeliveryOptionValues {
  width: number;
  height: number;
  fit: DeliveryFit;
  gravity: DeliveryGravity;
  quality: DeliveryQuality;
  format: DeliveryFormatOption;
  dpr: number;
  zoom: number;
  effect: DeliveryFaceEffect;
}
export type DeliveryOptionField = keyof DeliveryOptionValues;

/** A token taking a whole number within bounds: `w_640`. */
export interface WholeNumberToken {
  prefix: string;
  min: number;
  max: number;
  /** The value as written, or undefined when it is not one of the token's. */
  parse(value: string): number | undefined;
  serialize(value: number): string;
}

/** A token taking one of a few values: `c_cover`, `dpr_1.5`. */
export interface ChoiceToken<T extends string | number> {
  prefix: string;
  choices: readonly T[];
  /** The value as written, or undefined when it is not one of the token's. */
  parse(value: string): T | undefined;
  serialize(value: T): string;
}

/** A token taking a number of one decimal within bounds: `z_1.5`. */
export interface DecimalToken {
  prefix: string;
  min: number;
  max: number;
  decimal: true;
  parse(value: string): number | undefined;
  serialize(value: number): string;
}

/** A token naming an effect, with an optional whole-number strength: `e_blur-faces`, `e_blur-faces-60`. */
export interface EffectToken {
  prefix: string;
  effects: readonly DeliveryFaceEffectName[];
  /** Bounds of the strength, when one is given. */
  min: number;
  max: number;
  parse(value: string): DeliveryFaceEffect | undefined;
  serialize(value: DeliveryFaceEffect): string;
}

/** The quality token: a whole number in bounds or one of the auto words (`q_75`, `q_auto-eco`). */
export interface QualityToken {
  prefix: string;
  min: number;
  max: number;
  words: readonly AutoQuality[];
  parse(value: string): DeliveryQuality | undefined;
  serialize(value: DeliveryQuality): string;
}

/** No leading zeros: one way to write each number, so a signature covers one spelling. */
const WHOLE_NUMBER = /^[1-9]\d{0,4}$/;

function wholeNumber(prefix: string, min: number, max: number): WholeNumberToken {
  return {
    prefix,
    min,
    max,
    parse(value) {
      const n = WHOLE_NUMBER.test(value) ? Number(value) : Number.NaN;
      return n >= min && n <= max ? n : undefined;
    },
    serialize: String,
  };
}

function qualityToken(prefix: string, min: number, max: number): QualityToken {
  const number = wholeNumber(prefix, min, max);
  return {
    prefix,
    min,
    max,
    words: AUTO_QUALITIES,
    parse: (value) => AUTO_QUALITIES.find((word) => word === value) ?? number.parse(value),
    serialize: String,
  };
}

/** Each choice is written as `String(choice)` and read back only so: `dpr_1.0` is not `dpr_1`. */
function choice<T extends string | number>(prefix: string, choices: readonly T[]): ChoiceToken<T> {
  return { prefix, choices, parse: (value) => choices.find((c) => String(c) === value), serialize: String };
}

/** One decimal at most, no trailing zero, no leading zero before a whole part: `0.5`, `1.5`, `2`, never `2.0` or `02`. */
const ONE_DECIMAL = /^(0|[1-9]\d?)(\.[1-9])?$/;

function oneDecimal(prefix: string, min: number, max: number): DecimalToken {
  return {
    prefix,
    min,
    max,
    decimal: true,
    parse(value) {
      const n = ONE_DECIMAL.test(value) ? Number(value) : Number.NaN;
      return n >= min && n <= max ? n : undefined;
    },
    serialize: String,
  };
}

function effect(prefix: string, effects: readonly DeliveryFaceEffectName[], min: number, max: number): EffectToken {
  return {
    prefix,
    effects,
    min,
    max,
    parse(value) {
      const name = effects.find((e) => value === e || value.startsWith(`${e}-`));
      if (name === undefined) return undefined;
      if (value === name) return { name };
      const strength = value.slice(name.length + 1);
      const n = WHOLE_NUMBER.test(strength) ? Number(strength) : Number.NaN;
      return n >= min && n <= max ? { name, strength: n } : undefined;
    },
    serialize: (value) => (value.strength === undefined ? value.name : `${value.name}-${value.strength}`),
  };
}

/** How far `z_` zooms a face crop each way (docs/delivery.md#faces). */
export const MIN_FACE_ZOOM = 0.1;
export const MAX_FACE_ZOOM = 10;
/** Bounds of a face effect's strength: blur sigma or pixel block, in output pixels (raised to a minimum per face). */
export const MAX_FACE_EFFECT_STRENGTH = 100;

/**
 * The tokens, in the order every writer states them (a parser takes any order). Each field has one
 * token; a URL gives each at most once.
 */
export const DELIVERY_TOKENS = {
  width: wholeNumber('w', 1, MAX_DELIVERY_DIMENSION),
  height: wholeNumber('h', 1, MAX_DELIVERY_DIMENSION),
  fit: choice('c', DELIVERY_FITS),
  gravity: choice('g', DELIVERY_GRAVITIES),
  quality: qualityToken('q', 1, 100),
  format: choice('f', DELIVERY_FORMAT_OPTIONS),
  dpr: choice('dpr', DELIVERY_DPRS),
  zoom: oneDecimal('z', MIN_FACE_ZOOM, MAX_FACE_ZOOM),
  effect: effect('e', DELIVERY_FACE_EFFECTS, 1, MAX_FACE_EFFECT_STRENGTH),
} as const satisfies {
  [F in DeliveryOptionField]:
    | WholeNumberToken
    | QualityToken
    | DecimalToken
    | EffectToken
    | ChoiceToken<Extract<DeliveryOptionValues[F], string | number>>;
};

export type DeliveryToken = (typeof DELIVERY_TOKENS)[DeliveryOptionField];

/** What a URL that leaves a field out asks for. */
export const DELIVERY_OPTION_DEFAULTS = { fit: 'inside', gravity: 'focus', format: 'auto' } as const satisfies Partial<DeliveryOptionValues>;

/** Whether options crop to a box without naming both its sides: `c_cover` needs `w_` and `h_` (refused without them). */
export function coverWithoutBothSides(values: Partial<Pick<DeliveryOptionValues, 'fit' | 'width' | 'height'>>): boolean {
  return values.fit === 'cover' && (values.width === undefined || values.height === undefined);
}

const FIELDS = Object.keys(DELIVERY_TOKENS) as DeliveryOptionField[];
const FIELD_BY_PREFIX = new Map(FIELDS.map((field) => [DELIVERY_TOKENS[field].prefix, field]));

/** The field a token's prefix (`w`, `dpr`) sets; undefined for no token of the table. */
export function deliveryFieldOf(prefix: string): DeliveryOptionField | undefined {
  return FIELD_BY_PREFIX.get(prefix);
}

/**
 * The options segment stating `values` in the table's order (`w_640,h_480,c_cover,q_75`); fields
 * left undefined are left out, and with `omitDefaults` so are those equal to their default. The
 * values are written as given: a caller checks them against the tokens' bounds first.
 */
export function serializeDeliveryOptions(values: Partial<DeliveryOptionValues>, { omitDefaults = false } = {}): string {
  const tokens: string[] = [];
  for (const field of FIELDS) {
    const value = values[field];
    if (value === undefined) continue;
    if (omitDefaults && value === (DELIVERY_OPTION_DEFAULTS as Partial<DeliveryOptionValues>)[field]) continue;
    const token = DELIVERY_TOKENS[field] as { prefix: string; serialize(value: DeliveryOptionValues[typeof field]): string };
    tokens.push(`${token.prefix}_${token.serialize(value)}`);
  }
  return tokens.join(',');
}
