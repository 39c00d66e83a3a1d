/**
 * Responsive markup from an asset's `delivery` (its delivery server URLs): `<img>` props with a srcset
 * the browser picks from, `<picture>` sources with explicit formats, and the URL builder behind both
 * (and behind `@darkroom/client/next`). Plain string work: no DOM, no Node, no framework.
 */
import {
  AUTO_QUALITIES,
  coverWithoutBothSides,
  DELIVERY_FACE_EFFECTS,
  DELIVERY_GRAVITIES,
  DELIVERY_TOKENS,
  type DeliveryFaceEffect,
  type DeliveryFaceEffectName,
  type DeliveryGravity,
  type DeliveryQuality,
  serializeDeliveryOptions,
} from '@darkroom/core/delivery-grammar';
import { DarkroomError } from './errors.js';

/** `asset.delivery`: URLs on the delivery server within the tenant's policy. */
export interface DeliveryLinks {
  /** `{DELIVERY_BASE_URL}/img/{id}/{revision}`: append `/{options}`. */
  base: string;
  src: string;
  srcset: string;
  sources: readonly { type: string; srcset: string }[];
}

/** What of an asset the markup is made from (the API's Asset has all of it). */
export interface ResponsiveAsset {
  width: number | null;
  height: number | null;
  crop?: { width: number; height: number } | null | undefined;
  dominantColor: string | null;
  delivery?: DeliveryLinks | null | undefined;
}

/** Where a crop is centred and what covers the faces: the options beyond size and format. */
export interface DeliveryFaceOptions {
  /**
   * `g_`: where a `cover` crop is centred: `focus` (the asset's focus; the default, left out), `center`,
   * `auto` (saliency), `face` (the largest face kept whole), `faces` (all of them). Free in unsigned URLs.
   */
  gravity?: DeliveryGravity | undefined;
  /** `z_0.1`..`z_10`, one decimal: how far a `g_face`/`g_faces` crop zooms. Unsigned URLs need the policy's `unsignedEffects`. */
  zoom?: number | undefined;
  /** `e_blur-faces`, `e_pixelate-faces` (or `{ name, strength }`): every known face covered. Unsigned URLs need `unsignedEffects`. */
  effect?: DeliveryFaceEffectName | DeliveryFaceEffect | undefined;
}

/** A delivery URL's options: `w_`, `h_`, `c_`, `g_`, `q_`, `f_`, `z_`, `e_`, in that order (the server takes any order). */
export interface DeliveryUrlOptions extends DeliveryFaceOptions {
  width?: number | undefined;
  height?: number | undefined;
  fit?: 'inside' | 'cover' | undefined;
  /** `q_N`, or `auto` / `auto-eco` / `auto-good` / `auto-best`: the quality each image chooses for itself. */
  quality?: DeliveryQuality | undefined;
  /** `auto` (the default, left out of the URL) lets the server choose from the browser's `Accept`. */
  format?: 'auto' | 'avif' | 'webp' | 'jpeg' | 'png' | undefined;
}

export interface ImageOptions extends DeliveryFaceOptions {
  /** The `sizes` attribute: how wide the image is shown, e.g. `(max-width: 600px) 100vw, 600px`. */
  sizes: string;
  /** The srcset's widths; default those of `asset.delivery.srcset` (the tenant's policy, not above the image). */
  widths?: readonly number[] | undefined;
  /** `W:H`, e.g. `1:1`: crops to that aspect (`c_cover`, around the asset's focus). Unsigned URLs need it in the policy's `aspectRatios`. */
  aspectRatio?: string | undefined;
  /** `q_N` or a `q_auto` level (`auto`, `auto-eco`…); unsigned URLs need it in the policy's `qualities`. */
  quality?: DeliveryQuality | undefined;
}

export interface ImageProps {
  src: string;
  srcSet: string;
  sizes: string;
  /** The displayed size (cropped; or the largest box of `aspectRatio` within it), for the layout before the image loads. */
  width: number;
  height: number;
  /** The asset's dominant colour, shown until the image arrives. */
  style: { backgroundColor?: string };
}

export interface SourceProps {
  type: string;
  srcSet: string;
  sizes: string;
}

const invalid = (message: string) => new DarkroomError('invalid_input', message);

/** `value` when its token takes it (the server's bounds), else `invalid_input` naming the option. */
function checkInt(field: 'width' | 'height' | 'quality', value: number): number {
  const { min, max } = DELIVERY_TOKENS[field];
  if (!Number.isInteger(value) || value < min || value > max) throw invalid(`${field} must be an integer from ${min} to ${max}, not ${value}`);
  return value;
}

/** Refuses (`invalid_input`, naming the option) a value its token does not offer (the server's choices). */
function checkChoice(field: 'fit' | 'format', value: string): void {
  const { choices } = DELIVERY_TOKENS[field];
  if (!(choices as readonly string[]).includes(value)) throw invalid(`${field} must be one of ${choices.join(', ')}, not ${JSON.stringify(value)}`);
}

/** The face options checked against their tokens (the server's bounds), the effect as the grammar writes it. */
function checkFaceOptions({ gravity, zoom, effect }: DeliveryFaceOptions): { gravity?: DeliveryGravity; zoom?: number; effect?: DeliveryFaceEffect } {
  if (gravity !== undefined && !DELIVERY_GRAVITIES.includes(gravity))
    throw invalid(`gravity must be one of ${DELIVERY_GRAVITIES.join(', ')}, not ${JSON.stringify(gravity)}`);
  const { zoom: z, effect: e } = DELIVERY_TOKENS;
  if (zoom !== undefined && z.parse(String(zoom)) !== zoom)
    throw invalid(`zoom must be from ${z.min} to ${z.max} with at most one decimal, not ${zoom}`);
  const asked = typeof effect === 'string' ? { name: effect } : effect;
  if (asked && !DELIVERY_FACE_EFFECTS.includes(asked.name))
    throw invalid(`effect must be one of ${DELIVERY_FACE_EFFECTS.join(', ')}, not ${JSON.stringify(asked.name)}`);
  const { strength } = asked ?? {};
  if (strength !== undefined && (!Number.isInteger(strength) || strength < e.min || strength > e.max)) {
    throw invalid(`effect strength must be an integer from ${e.min} to ${e.max}, not ${strength}`);
  }
  return { ...(gravity ? { gravity } : {}), ...(zoom !== undefined ? { zoom } : {}), ...(asked ? { effect: asked } : {}) };
}

/** A number within the token's bounds, or one of the `q_auto` words; else `invalid_input`. */
function checkQuality(value: DeliveryQuality): DeliveryQuality {
  if (typeof value === 'number') return checkInt('quality', value);
  if (!(AUTO_QUALITIES as readonly string[]).includes(value))
    throw invalid(`quality must be an integer or one of ${AUTO_QUALITIES.join(', ')}, not ${value}`);
  return value;
}

/** `{base}/w_640,h_480,c_cover,g_face,q_75,f_webp`; `base` alone when no option is given. */
export function deliveryUrl(base: string, options: DeliveryUrlOptions = {}): string {
  const { width, height, quality } = options;
  if (width !== undefined) checkInt('width', width);
  if (height !== undefined) checkInt('height', height);
  if (quality !== undefined) checkQuality(quality);
  if (options.fit !== undefined) checkChoice('fit', options.fit);
  if (options.format !== undefined) checkChoice('format', options.format);
  if (coverWithoutBothSides({ width, height, fit: options.fit })) throw invalid('fit cover needs both width and height');
  const faces = checkFaceOptions(options);
  const segment = serializeDeliveryOptions({ width, height, fit: options.fit, quality, format: options.format, ...faces }, { omitDefaults: true });
  const trimmed = base.replace(/\/+$/, '');
  return segment ? `${trimmed}/${segment}` : trimmed;
}

/** The `Nw` descriptors of a srcset, in its order. */
function srcsetWidths(srcset: string): number[] {
  return srcset
    .split(/,\s+/)
    .map((entry) => /\s(\d+)w$/.exec(entry.trim())?.[1])
    .filter((w): w is string => w !== undefined)
    .map(Number);
}

/** The value of an option token (`w`, `f`, …) in a delivery URL's last segment. */
function tokenOf(url: string, field: 'width' | 'format'): string | undefined {
  const { prefix } = DELIVERY_TOKENS[field];
  const options = url.slice(url.lastIndexOf('/') + 1).split(',');
  return options.find((t) => t.startsWith(`${prefix}_`))?.slice(prefix.length + 1);
}

/** `{ w, h }` of `W:H`; `invalid_input` for anything else. */
export function parseAspect(aspectRatio: string): { w: number; h: number } {
  const match = /^(\d{1,5}):(\d{1,5})$/.exec(aspectRatio);
  const w = Number(match?.[1]);
  const h = Number(match?.[2]);
  if (!match || w < 1 || h < 1) throw invalid(`aspectRatio must be W:H with positive integers, e.g. 16:9, not ${JSON.stringify(aspectRatio)}`);
  return { w, h };
}

interface Plan {
  delivery: DeliveryLinks;
  /** Displayed size: cropped, then cut to the aspect. */
  width: number;
  height: number;
  widths: number[];
  aspect: { w: number; h: number } | undefined;
  quality: DeliveryQuality | undefined;
  faces: DeliveryFaceOptions;
  /** Nothing asked beyond the asset's own markup: its URLs serve as they are. */
  asServed: boolean;
}

function plan(asset: ResponsiveAsset, options: Omit<ImageOptions, 'sizes'>): Plan {
  const { delivery } = asset;
  if (!delivery || !asset.width || !asset.height) throw invalid('the asset has no delivery URLs: only a ready image or video (its poster) has them');
  let width = asset.crop?.width ?? asset.width;
  let height = asset.crop?.height ?? asset.height;
  const aspect = options.aspectRatio === undefined ? undefined : parseAspect(options.aspectRatio);
  if (aspect && width * aspect.h >= height * aspect.w) width = Math.round((height * aspect.w) / aspect.h);
  else if (aspect) height = Math.round((width * aspect.h) / aspect.w);
  const quality = options.quality === undefined ? undefined : checkQuality(options.quality);
  const asked = [...new Set(options.widths ?? srcsetWidths(delivery.srcset))].sort((a, b) => a - b);
  for (const w of asked) checkInt('width', w);
  // The server never upscales: a width above the image would be the image's own, mislabelled.
  const fitting = asked.filter((w) => w <= width);
  const widths = fitting.length > 0 ? fitting : asked.slice(0, 1);
  if (widths.length === 0) throw invalid('widths must name at least one width');
  const faces = { gravity: options.gravity, zoom: options.zoom, effect: options.effect };
  checkFaceOptions(faces);
  const plain = !options.widths && !aspect && quality === undefined && Object.values(faces).every((v) => v === undefined);
  return { delivery, width, height, widths, aspect, quality, faces, asServed: plain };
}

function urlAt(p: Plan, w: number, format: DeliveryUrlOptions['format']): string {
  const h = p.aspect ? Math.round((w * p.aspect.h) / p.aspect.w) : undefined;
  const { gravity, ...rest } = p.faces;
  // A gravity says where a crop is centred: without an aspect there is no crop.
  const faces = p.aspect ? p.faces : rest;
  return deliveryUrl(p.delivery.base, { width: w, height: h, fit: p.aspect ? 'cover' : undefined, quality: p.quality, format, ...faces });
}

function srcsetAt(p: Plan, format: DeliveryUrlOptions['format']): string {
  return p.widths.map((w) => `${urlAt(p, w, format)} ${w}w`).join(', ');
}

/** The `<img>` src for browsers without srcset: the asset's own `src` width and format (JPEG, or PNG with transparency), or the widest below it. */
function fallbackSrc(p: Plan): string {
  if (p.asServed) return p.delivery.src;
  const cap = Number(tokenOf(p.delivery.src, 'width') ?? Number.POSITIVE_INFINITY);
  const w = p.widths.filter((x) => x <= cap).at(-1) ?? (p.widths[0] as number);
  return urlAt(p, w, (tokenOf(p.delivery.src, 'format') as DeliveryUrlOptions['format']) ?? 'jpeg');
}

/**
 * Props for an `<img>` (React's names: `srcSet`; spread them, add `alt`): a srcset over the delivery
 * server (`f_auto`), the displayed width and height, and the dominant colour as a placeholder.
 * Throws `invalid_input` for an asset without `delivery` (not ready) or options out of range.
 */
export function imageProps(asset: ResponsiveAsset, options: ImageOptions): ImageProps {
  const p = plan(asset, options);
  return {
    src: fallbackSrc(p),
    srcSet: p.asServed ? p.delivery.srcset : srcsetAt(p, 'auto'),
    sizes: options.sizes,
    width: p.width,
    height: p.height,
    style: asset.dominantColor ? { backgroundColor: asset.dominantColor } : {},
  };
}

/**
 * Props for the `<source>` elements of a `<picture>` (AVIF when the tenant allows it, then WebP), with
 * explicit formats, so a CDN that ignores `Vary: Accept` still serves each browser what it takes.
 * Put them before an `<img {...imageProps(asset, sameOptions)}>`.
 */
export function pictureSources(asset: ResponsiveAsset, options: ImageOptions): SourceProps[] {
  const p = plan(asset, options);
  return p.delivery.sources.map(({ type, srcset }) => ({
    type,
    srcSet: p.asServed ? srcset : srcsetAt(p, type.replace(/^image\//, '') as DeliveryUrlOptions['format']),
    sizes: options.sizes,
  }));
}
