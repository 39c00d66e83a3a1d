import { assetObjectKey, deliveryRenderKey } from '@darkroom/core/keys';
import {
  canonicalQuality,
  serializeDeliveryOptions,
  type DeliveryFaceEffect,
  type DeliveryFormat,
  type DeliveryGravity,
} from '@darkroom/core/delivery-grammar';
import type { DeliveryOptions } from '@darkroom/core/delivery-options';
import { enforcedFaceEffect, type DeliveryPolicy } from '@darkroom/core/delivery';
import { anyFaceInCrop, deliverySize, type DeliveryRender } from '@darkroom/media';
import type { DeliveryAsset } from '../stores/catalog.js';

/** One render as stored: where it lives and what it is. */
export interface RenderPlan {
  render: DeliveryRender;
  /** The options every request for this render shares, in one order with every default stated. */
  canonical: string;
  key: string;
  /**
   * The render depends on the asset's faces (a face crop, a face effect) and they are not known
   * yet: stored apart (core's deliveryFacesUnknownPrefix) and answered as kept briefly, so the render
   * that covers them replaces it once they are found.
   */
  facesUnknown: boolean;
}

/**
 * The face effect a render applies: the URL's, else the one the tenant's policy enforces. Stated in
 * the canonical form either way, so an enforced render never shares a key with an unredacted one.
 */
function faceEffectOf(options: DeliveryOptions, policy: DeliveryPolicy): DeliveryFaceEffect | undefined {
  if (options.effect) return options.effect;
  return enforcedFaceEffect(policy.enforceFaceRedaction);
}

/**
 * Where a render's crop is centred, as it will be cut: `inside` crops nothing, `g_focus` without a
 * focus is the centre, and `g_face` or `g_faces` with faces known but none in the crop is `g_auto`'s
 * crop (media's renderRegion falls back to it), so they share its render.
 */
function gravityOf(asset: DeliveryAsset, options: DeliveryOptions): DeliveryGravity {
  const { gravity } = options;
  if (options.fit === 'inside' || (gravity === 'focus' && !asset.focus)) return 'center';
  const faceless = asset.faces !== null && !anyFaceInCrop(asset.faces, { width: asset.width, height: asset.height }, asset.crop);
  return (gravity === 'face' || gravity === 'faces') && faceless ? 'auto' : gravity;
}

/**
 * The render a request asks for, in canonical form: `dpr` folded into the size, the size as the
 * output will be (never above the cropped original), gravity only where it matters (gravityOf),
 * `z_` stated for a face crop and the face effect wherever one applies (asked or enforced), quality
 * stated (`q_auto` as `q_auto-good`; dropped for PNG and GIF, which have none). Requests that
 * would render the same pixels therefore share one stored object.
 */
export function planRender(asset: DeliveryAsset, options: DeliveryOptions, policy: DeliveryPolicy, format: DeliveryFormat): RenderPlan {
  const dpr = options.dpr ?? 1;
  const box = {
    width: options.width === undefined ? undefined : Math.round(options.width * dpr),
    height: options.height === undefined ? undefined : Math.round(options.height * dpr),
    fit: options.fit,
  };
  const size = deliverySize(box, { width: asset.width, height: asset.height }, asset.crop);
  const gravity = gravityOf(asset, options);
  const lossless = format === 'png' || format === 'gif';
  // `q_auto` and `q_auto-good` are one render: one key, one search.
  const quality = canonicalQuality(options.quality ?? policy.quality);
  const cover = options.fit === 'cover';
  const zoom = gravity === 'face' || gravity === 'faces' ? (options.zoom ?? 1) : undefined;
  const effect = faceEffectOf(options, policy);
  const canonical = serializeDeliveryOptions({
    width: size.width,
    height: size.height,
    fit: cover ? 'cover' : undefined,
    gravity: cover ? gravity : undefined,
    quality: lossless ? undefined : quality,
    zoom,
    effect,
  });
  const faces = asset.faces ?? [];
  const facesUnknown = asset.faces === null && (effect !== undefined || zoom !== undefined);
  return {
    render: {
      ...size,
      fit: options.fit,
      gravity,
      quality,
      format,
      crop: asset.crop,
      focus: asset.focus,
      faces,
      zoom: zoom ?? 1,
      effect: effect ?? null,
    },
    canonical,
    // Where the asset's visibility keeps it: a private asset's renders never reach the public bucket.
    key: assetObjectKey(asset.visibility, deliveryRenderKey(asset.tenantId, asset.id, asset.revision, canonical, format, { facesUnknown })),
    facesUnknown,
  };
}
