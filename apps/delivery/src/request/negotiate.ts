import type { DeliveryFormat } from '@darkroom/core/delivery-grammar';
import type { DeliveryOptions } from '@darkroom/core/delivery-options';
import type { DeliveryPolicy } from '@darkroom/core/delivery';
import type { DeliverySourceFacts } from '@darkroom/media';
import type { DeliveryDeps } from '../deps.js';
import type { DeliveryAsset } from '../stores/catalog.js';
import { readSourceFacts } from './read-source-facts.js';

/** The format a request is answered in. */
export interface Negotiated {
  format: DeliveryFormat;
  /** `f_auto` chose it: caches must keep one answer per Accept. */
  vary: boolean;
  /** `f_auto` chose AVIF: the format answered meanwhile, until the AVIF is stored (null otherwise). */
  meanwhile: DeliveryFormat | null;
}

/**
 * The format asked for, or `f_auto`'s choice from the request's `Accept`, the tenant's policy and
 * what is known of the original (read from its header, once, when its row does not say).
 */
export async function negotiateFormat(
  deps: DeliveryDeps,
  asset: DeliveryAsset,
  policy: DeliveryPolicy,
  options: DeliveryOptions,
  accept: string | undefined,
): Promise<Negotiated> {
  if (options.format !== 'auto') return { format: options.format, vary: false, meanwhile: null };
  const accepts = parseAccept(accept);
  const facts = needsFacts(asset, accepts, policy) ? await readSourceFacts(deps, asset) : knownFacts(asset);
  const format = chooseFormat(accepts, policy.avif, facts);
  // AVIF without the wait: the format it would otherwise be is answered until the AVIF is stored.
  const meanwhile = format === 'avif' ? chooseFormat({ ...accepts, avif: false }, false, facts) : null;
  return { format, vary: true, meanwhile };
}

/** What a request's `Accept` takes, as format negotiation needs it. */
export interface Accepts {
  avif: boolean;
  webp: boolean;
}

/** `image/avif` and `image/webp` in an Accept header, unless given `q=0`. Wildcards choose nothing: only a named type is taken. */
export function parseAccept(header: string | undefined): Accepts {
  const accepts = { avif: false, webp: false };
  if (!header) return accepts;
  for (const part of header.toLowerCase().split(',')) {
    const [type = '', ...params] = part.split(';').map((s) => s.trim());
    const refused = params.some((p) => /^q=0(\.0*)?$/.test(p));
    if (type === 'image/avif') accepts.avif = !refused;
    else if (type === 'image/webp') accepts.webp = !refused;
  }
  return accepts;
}

/** Whether `f_auto` needs to know the original's animation or transparency to choose. */
export function needsFacts(asset: DeliveryAsset, accepts: Accepts, policy: DeliveryPolicy): boolean {
  if (asset.kind === 'video') return false;
  const mayAnimate = asset.format === 'gif' || asset.format === 'webp';
  if (mayAnimate && ((accepts.avif && policy.avif) || !accepts.webp)) return true;
  return !accepts.webp && !accepts.avif && asset.hasAlpha === null;
}

/** What `f_auto` knows without reading the original: a video's poster and most images. */
export function knownFacts(asset: DeliveryAsset): DeliverySourceFacts {
  return { animated: false, hasAlpha: asset.kind === 'image' && asset.hasAlpha === true };
}

/**
 * `f_auto`'s choice: an animation stays one (WebP, else GIF); a still is AVIF when taken and the
 * tenant allows it, else WebP when taken, else PNG for transparency and JPEG for the rest.
 */
export function chooseFormat(accepts: Accepts, avifAllowed: boolean, facts: DeliverySourceFacts): DeliveryFormat {
  if (facts.animated) return accepts.webp ? 'webp' : 'gif';
  if (accepts.avif && avifAllowed) return 'avif';
  if (accepts.webp) return 'webp';
  return facts.hasAlpha ? 'png' : 'jpeg';
}
