import { z } from 'zod';
import type { Crop, DeliveryPolicy } from './delivery.js';
import { type DeliveryFormatOption, serializeDeliveryOptions } from './delivery-grammar.js';

/** An asset's responsive markup (`asset.delivery`): delivery URLs within its tenant's policy. */
export const DeliveryMarkup = z
  .object({
    base: z
      .string()
      .describe(
        '`{DELIVERY_BASE_URL}/img/{id}/{revision}`, of a private asset `{DELIVERY_BASE_URL}/p/{exp}/{sig}/{id}/img/{revision}`: append `/{options}` to build a URL',
      ),
    src: z.string().describe('A default within the policy: the largest srcset width not above 1080, as JPEG (PNG with transparency)'),
    srcset: z.string().describe("`f_auto` URLs over the tenant's widths not above the (cropped) image's width"),
    sources: z
      .array(z.object({ type: z.string(), srcset: z.string() }))
      .describe('`<picture>` sources with explicit formats (AVIF when the policy allows it, then WebP): no `Vary` needed at the CDN'),
  })
  .nullable()
  .meta({ id: 'DeliveryMarkup' });
export type DeliveryMarkup = z.infer<typeof DeliveryMarkup>;

/** What of an asset its markup depends on. */
export interface MarkupSource {
  id: string;
  revision: number;
  /** As displayed, before the crop. */
  width: number;
  height: number;
  crop: Crop | null;
  hasAlpha: boolean;
}

/** The widest `src` a page gets by default. */
const DEFAULT_SRC_MAX_WIDTH = 1080;

/** `{base}/img/{id}/`: every public delivery URL of the asset, whatever its revision and options, starts so. */
export function deliveryImagePrefix(baseUrl: string, id: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/img/${id}/`;
}

/** `{base}/img/{id}/{revision}`: the URL every delivery option string is appended to. */
export function deliveryBase(baseUrl: string, id: string, revision: number): string {
  return `${deliveryImagePrefix(baseUrl, id)}${revision}`;
}

/** The policy's widths an image of this width is served at: those not above it, or the smallest when none is. */
export function markupWidths(policy: DeliveryPolicy, imageWidth: number): number[] {
  const sorted = [...new Set(policy.widths)].sort((a, b) => a - b);
  const fitting = sorted.filter((w) => w <= imageWidth);
  return fitting.length > 0 ? fitting : sorted.slice(0, 1);
}

/** `{base}/{options} {w}w` for each width, in the grammar's own spelling. */
function srcsetOf(base: string, widths: readonly number[], format?: DeliveryFormatOption): string {
  return widths.map((w) => `${base}/${serializeDeliveryOptions({ width: w, format })} ${w}w`).join(', ');
}

/** `asset.delivery` for a ready image or video poster. */
export function deliveryMarkup(source: MarkupSource, policy: DeliveryPolicy, baseUrl: string): NonNullable<DeliveryMarkup> {
  return deliveryMarkupAt(deliveryBase(baseUrl, source.id, source.revision), source, policy);
}

/** The markup under a given base: a public asset's `/img/{id}/{revision}`, or a private one's `/p/{exp}/{sig}/{id}/img/{revision}`. */
export function deliveryMarkupAt(base: string, source: Omit<MarkupSource, 'id' | 'revision'>, policy: DeliveryPolicy): NonNullable<DeliveryMarkup> {
  const widths = markupWidths(policy, source.crop?.width ?? source.width);
  const srcWidth = widths.filter((w) => w <= DEFAULT_SRC_MAX_WIDTH).at(-1) ?? (widths[0] as number);
  const sources = [
    ...(policy.avif ? [{ type: 'image/avif', srcset: srcsetOf(base, widths, 'avif') }] : []),
    { type: 'image/webp', srcset: srcsetOf(base, widths, 'webp') },
  ];
  return {
    base,
    src: `${base}/${serializeDeliveryOptions({ width: srcWidth, format: source.hasAlpha ? 'png' : 'jpeg' })}`,
    srcset: srcsetOf(base, widths),
    sources,
  };
}
