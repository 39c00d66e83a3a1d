import { deliveryRenderKey, type DeliveryFormat, type DeliveryOptions, type DeliveryPolicy } from '@darkroom/core';
import { deliverySize, type DeliveryRender, type DeliverySourceFacts } from '@darkroom/media';
import type { DeliveryAsset } from './catalog.js';

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

/** One render as stored: where it lives and what it is. */
export interface RenderPlan {
  render: DeliveryRender;
  /** The options every request for this render shares, in one order with every default stated. */
  canonical: string;
  key: string;
}

/**
 * The render a request asks for, in canonical form: `dpr` folded into the size, the size as the
 * output will be (never above the cropped original), gravity only where it matters (and `g_focus`
 * without a focus is the centre), quality stated (and dropped for PNG and GIF, which have none).
 * Requests that would render the same pixels therefore share one stored object.
 */
export function planRender(asset: DeliveryAsset, options: DeliveryOptions, policy: DeliveryPolicy, format: DeliveryFormat): RenderPlan {
  const dpr = options.dpr ?? 1;
  const box = {
    width: options.width === undefined ? undefined : Math.round(options.width * dpr),
    height: options.height === undefined ? undefined : Math.round(options.height * dpr),
    fit: options.fit,
  };
  const size = deliverySize(box, { width: asset.width, height: asset.height }, asset.crop);
  const gravity = options.fit === 'inside' ? 'center' : options.gravity === 'focus' && !asset.focus ? 'center' : options.gravity;
  const lossless = format === 'png' || format === 'gif';
  const quality = options.quality ?? policy.quality;
  const tokens = [`w_${size.width}`, `h_${size.height}`];
  if (options.fit === 'cover') tokens.push('c_cover', `g_${gravity}`);
  if (!lossless) tokens.push(`q_${quality}`);
  const canonical = tokens.join(',');
  return {
    render: { ...size, fit: options.fit, gravity, quality, format, crop: asset.crop, focus: asset.focus },
    canonical,
    key: deliveryRenderKey(asset.tenantId, asset.id, asset.revision, canonical, format),
  };
}
