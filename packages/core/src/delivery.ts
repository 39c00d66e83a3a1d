import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { AUTO_QUALITIES, type DeliveryFaceEffect } from './delivery-grammar.js';
import { MAX_DELIVERY_DIMENSION } from './limits.js';
import { privateSignedPath } from './private-links.js';

/**
 * Images on request (docs/api.md#delivery): the tenant's delivery policy, focus and crop, and URL
 * signing. The delivery server, the API and the client read these; nothing else writes them.
 */

/** How a tenant's policy may require every render to cover the known faces. */
export const FACE_REDACTIONS = ['blur', 'pixelate'] as const;
export type FaceRedaction = (typeof FACE_REDACTIONS)[number];

/** The face effect a policy's `enforceFaceRedaction` applies (at its least strength): delivery's renders and the worker's variants alike. */
export function enforcedFaceEffect(redaction: FaceRedaction | null): DeliveryFaceEffect | undefined {
  return redaction ? { name: `${redaction}-faces` } : undefined;
}

/** Next.js 16's default `imageSizes` and `deviceSizes`, plus 16. */
export const DEFAULT_DELIVERY_WIDTHS = [16, 32, 48, 64, 96, 128, 256, 384, 640, 750, 828, 1080, 1200, 1920, 2048, 3840] as const;

const width = z.number().int().min(1).max(MAX_DELIVERY_DIMENSION);
/** A number, or a `q_auto` word (delivery-grammar.ts): a policy's default and allowed `q` take either. */
const quality = z.union([z.number().int().min(1).max(100), z.enum(AUTO_QUALITIES)]);
const ASPECT_RATIO = /^([1-9]\d{0,3}):([1-9]\d{0,3})$/;
const aspectRatio = z.string().regex(ASPECT_RATIO, 'an aspect ratio is "W:H", each 1..9999');

/** What a tenant's unsigned delivery URLs may ask for, and the defaults of a render. */
export const DeliveryPolicy = z
  .object({
    widths: z.array(width).min(1).max(64).describe('The `w` an unsigned URL may ask for'),
    qualities: z.array(quality).min(1).max(16).describe('The `q` an unsigned URL may ask for (none given: `quality`)'),
    aspectRatios: z.array(aspectRatio).max(16).describe('"W:H": an unsigned URL\'s `h` must be round(w × H / W) for one of them'),
    avif: z.boolean().describe('Whether `f_auto` may choose AVIF'),
    quality: quality.describe('The quality of a URL with no `q`'),
    rendersPerMinute: z
      .number()
      .int()
      .min(1)
      .max(1_000_000)
      .nullable()
      .describe("Renders a minute before `429` (cache hits never count); null: the deployment's DELIVERY_RENDERS_PER_MINUTE"),
    unsignedEffects: z.boolean().describe('Whether an unsigned URL may ask for `z_` and the `e_` face effects (`g_face`/`g_faces` always may)'),
    enforceFaceRedaction: z
      .enum(FACE_REDACTIONS)
      .nullable()
      .describe(
        'Every image render, signed or not, and every eager image variant (video posters and cover art too; not video renditions) covers the known faces so (`blur` or `pixelate`); null: only where a URL asks. A change queues a `face-redaction` backfill of the assets with faces: their image variants re-rendered, their unredacted `/img/` renders deleted, and an `asset.updated` with `purge` each',
      ),
  })
  .meta({ id: 'DeliveryPolicy' });
export type DeliveryPolicy = z.infer<typeof DeliveryPolicy>;

/** `PATCH /v1/admin/tenants/:id`'s `delivery`: the fields it names are merged into the tenant's policy. */
export const DeliveryPolicyPatch = DeliveryPolicy.partial().strict();
export type DeliveryPolicyPatch = z.infer<typeof DeliveryPolicyPatch>;

/** The quality of a URL with no `q` under the default policy; `q_auto`'s levels are measured against it. */
export const DEFAULT_QUALITY = 75;

export const DEFAULT_DELIVERY_POLICY: DeliveryPolicy = {
  widths: [...DEFAULT_DELIVERY_WIDTHS],
  qualities: [DEFAULT_QUALITY],
  aspectRatios: ['1:1', '4:3', '3:4', '16:9', '9:16'],
  avif: true,
  quality: DEFAULT_QUALITY,
  rendersPerMinute: null,
  unsignedEffects: false,
  enforceFaceRedaction: null,
};

/** A tenant's stored overrides (the row's `delivery`) over the defaults: the policy in force. */
export function deliveryPolicyOf(stored: DeliveryPolicyPatch | null | undefined): DeliveryPolicy {
  return { ...DEFAULT_DELIVERY_POLICY, ...(stored ?? {}) };
}

/** `[W, H]` of an aspect ratio the policy schema accepted. */
export function parseAspectRatio(ratio: string): [number, number] {
  const match = ASPECT_RATIO.exec(ratio);
  if (!match) throw new Error(`not an aspect ratio: ${ratio}`);
  return [Number(match[1]), Number(match[2])];
}

/** Where `g_focus` crops: 0..1 of the displayed image (the whole of it, not the crop). */
export const Focus = z.object({ x: z.number().min(0).max(1), y: z.number().min(0).max(1) }).meta({ id: 'Focus' });
export type Focus = z.infer<typeof Focus>;

/** The smallest crop, in displayed pixels, each way. */
export const MIN_CROP_SIZE = 16;

/** The part of the displayed image every variant and delivery is cut from, in displayed pixels. */
export const Crop = z
  .object({
    x: z.number().int().min(0),
    y: z.number().int().min(0),
    width: z.number().int().min(MIN_CROP_SIZE),
    height: z.number().int().min(MIN_CROP_SIZE),
  })
  .meta({ id: 'Crop' });
export type Crop = z.infer<typeof Crop>;

/** Why a crop does not fit an image of this displayed size, or null when it does. */
export function cropProblem(crop: Crop, size: { width: number; height: number }): string | null {
  if (crop.x + crop.width > size.width || crop.y + crop.height > size.height) {
    return `crop must lie within the image (${size.width}×${size.height})`;
  }
  return null;
}

/**
 * How long a delivery process reuses an asset's lookup (its row, its tenant's policy and keys): a
 * change reaches every process within it.
 */
export const DELIVERY_LOOKUP_TTL_MS = 5000;

/**
 * A delivery render of a public asset is kept in the public bucket only when its PUT lands within
 * this of a read of the asset that found it public; one that lands later is deleted unless the
 * asset is still public. A move of an asset's objects to private waits this out, so no render
 * started while it was public lands after its objects have left.
 */
export const PUBLIC_RENDER_STORE_WINDOW_MS = 10_000;

/** Delivery signing keys: `dsk_` and 43 characters of base64url (32 random bytes). */
export const DELIVERY_KEY_PREFIX = 'dsk_';

/** Random bytes of a delivery key: as much as HMAC-SHA256's block can use. */
const DELIVERY_KEY_BYTES = 32;

/** A new delivery signing key (`dsk_…`): the API's on request, either app's when a tenant needs its first. */
export function newDeliveryKey(): string {
  return `${DELIVERY_KEY_PREFIX}${randomBytes(DELIVERY_KEY_BYTES).toString('base64url')}`;
}

/** What a sealed delivery key is bound to (createSecretBox's `aad`): its tenant's row, as a webhook secret is bound to its webhook's. */
export function deliveryKeyAad(tenantId: string): string {
  return tenantId;
}

/** How long a replaced delivery key keeps verifying. */
export const DELIVERY_KEY_OVERLAP_MS = 24 * 60 * 60 * 1000;

/** Characters of the base64url HMAC a URL carries. */
export const DELIVERY_SIGNATURE_LENGTH = 22;

/** The path a signature covers: `{assetId}/{revision}/{options}`, options exactly as sent. */
export function deliverySignedPath(assetId: string, revision: number | string, options: string): string {
  return `${assetId}/${revision}/${options}`;
}

/** The `signature` segment for a path: HMAC-SHA256 keyed with the whole key string, base64url, 22 characters. */
export function signDeliveryPath(key: string, signedPath: string): string {
  return createHmac('sha256', key).update(signedPath).digest('base64url').slice(0, DELIVERY_SIGNATURE_LENGTH);
}

/** A private URL's signature (private-links.ts), in Node: the same HMAC as a delivery signature's, over `p/{exp}/{assetId}`. */
export function signPrivateLink(key: string, exp: number, assetId: string): string {
  return signDeliveryPath(key, privateSignedPath(exp, assetId));
}

/** Whether `signature` is the path's under `key`, compared in constant time (any length or alphabet: false). */
export function verifyDeliverySignature(key: string, signedPath: string, signature: string): boolean {
  if (signature.length !== DELIVERY_SIGNATURE_LENGTH) return false;
  const expected = Buffer.from(signDeliveryPath(key, signedPath));
  const given = Buffer.from(signature);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
