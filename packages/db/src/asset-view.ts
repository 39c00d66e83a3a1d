import type { Asset, AssetStatus, Variant, VisibleAssetStatus } from './schema.js';

const iso = (date: Date | null | undefined): string | null => (date ? date.toISOString() : null);

/** Turns a variant's object key into the URL clients fetch it from (the CDN, or the bucket). */
export type PublicUrl = (key: string) => string;

/**
 * The contract's Asset shape with each variant's object key where its URL will be: what an event
 * stores, so the URL follows CDN_BASE_URL at the time it is read rather than when it was written.
 */
export interface AssetSnapshot {
  id: string;
  status: VisibleAssetStatus;
  filename: string;
  contentType: string;
  size: number;
  preset: string;
  metadata: Record<string, unknown> | null;
  width: number | null;
  height: number | null;
  format: string | null;
  placeholder: string | null;
  dominantColor: string | null;
  variants: { name: string; format: string; width: number; height: number; size: number; key: string }[];
  error: { code: string; message: string } | null;
  createdAt: string;
  updatedAt: string;
  readyAt: string | null;
}

export type AssetView = Omit<AssetSnapshot, 'variants'> & {
  variants: { name: string; format: string; width: number; height: number; size: number; url: string }[];
};

/** Variants are listed only once the asset is ready. `status` overrides the row's (a deletion shows the last visible one). */
export function assetSnapshot(asset: Asset, variants: readonly Variant[], status: AssetStatus = asset.status): AssetSnapshot {
  return {
    id: asset.id,
    // Never `deleting`: the API does not load an asset being deleted, and its event shows the status before.
    status: status as VisibleAssetStatus,
    filename: asset.filename,
    contentType: asset.contentType,
    size: asset.size,
    preset: asset.preset,
    metadata: asset.metadata ?? null,
    width: asset.width,
    height: asset.height,
    format: asset.format,
    placeholder: asset.placeholder,
    dominantColor: asset.dominantColor,
    variants:
      status === 'ready'
        ? variants.map((v) => ({ name: v.name, format: v.format, width: v.width, height: v.height, size: v.size, key: v.key }))
        : [],
    error: asset.errorCode ? { code: asset.errorCode, message: asset.errorMessage ?? '' } : null,
    createdAt: asset.createdAt.toISOString(),
    updatedAt: asset.updatedAt.toISOString(),
    readyAt: iso(asset.readyAt),
  };
}

/** The contract's Asset: a snapshot with its variants' URLs. */
export function assetView(snapshot: AssetSnapshot, publicUrl: PublicUrl): AssetView {
  return { ...snapshot, variants: snapshot.variants.map(({ key, ...v }) => ({ ...v, url: publicUrl(key) })) };
}
