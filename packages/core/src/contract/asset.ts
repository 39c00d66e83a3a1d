import { z } from 'zod';
import { ErrorSummary } from './error.js';

/** The statuses a tenant ever sees (the database has one more: an asset being deleted is already gone for the API). */
export const VISIBLE_ASSET_STATUSES = ['awaiting_upload', 'queued', 'processing', 'ready', 'failed', 'canceled', 'expired'] as const;
export type VisibleAssetStatus = (typeof VISIBLE_ASSET_STATUSES)[number];

const variantFields = {
  name: z.string(),
  format: z.string(),
  width: z.number().int(),
  height: z.number().int(),
  size: z.number().int(),
};

/** A variant as an event stores it: its object key, so its URL follows CDN_BASE_URL when the event is read. */
export const VariantSnapshot = z.object({ ...variantFields, key: z.string() });
export type VariantSnapshot = z.infer<typeof VariantSnapshot>;

/** A variant as a tenant sees it: where to fetch it (the CDN, or the bucket). */
export const VariantView = z.object({ ...variantFields, url: z.string() });
export type VariantView = z.infer<typeof VariantView>;

/**
 * The asset as an event stores it: the tenant's Asset with each variant's object key where its URL
 * will be. Variants are listed only once the asset is ready.
 */
export const AssetSnapshot = z.object({
  id: z.string(),
  status: z.enum(VISIBLE_ASSET_STATUSES),
  filename: z.string(),
  contentType: z.string(),
  size: z.number().int(),
  preset: z.string(),
  metadata: z.record(z.string(), z.unknown()).nullable(),
  width: z.number().int().nullable(),
  height: z.number().int().nullable(),
  format: z.string().nullable(),
  placeholder: z.string().nullable().describe('ThumbHash, base64'),
  dominantColor: z.string().nullable(),
  variants: z.array(VariantSnapshot),
  error: ErrorSummary,
  createdAt: z.string(),
  updatedAt: z.string(),
  readyAt: z.string().nullable(),
});
export type AssetSnapshot = z.infer<typeof AssetSnapshot>;

/** The Asset a tenant sees (`GET /v1/assets/:id`, events, webhooks): a snapshot with its variants' URLs. */
export const AssetView = AssetSnapshot.extend({ variants: z.array(VariantView) }).meta({ id: 'Asset' });
export type AssetView = z.infer<typeof AssetView>;

/** Turns a variant's object key into the URL clients fetch it from (the CDN, or the bucket). */
export type PublicUrl = (key: string) => string;

/** The Asset a snapshot shows today: each variant's key turned into its URL. */
export function viewOfSnapshot(snapshot: AssetSnapshot, publicUrl: PublicUrl): AssetView {
  return { ...snapshot, variants: snapshot.variants.map(({ key, ...v }) => ({ ...v, url: publicUrl(key) })) };
}
