import { ASSET_KINDS } from '@darkroom/core/content-types';
import { AudioInfo, FaceBox, HlsRendition, VideoInfo } from '@darkroom/core/contract/asset';
import { AssetModeration, PENDING_MODERATION } from '@darkroom/core/contract/moderation';
import { Crop, Focus } from '@darkroom/core/delivery';
import { originalKey, quarantineKey } from '@darkroom/core/keys';
import { VISIBILITIES, type Visibility } from '@darkroom/core/private-links';
import { z } from 'zod';
import type { AssetFacts } from '../queries/assets.js';
import { CONTENT_REJECTED, rejectionMessage } from '../queries/moderation.js';
import type { VariantRecord } from '../queries/variants.js';
import type { Asset, AssetStatus, NewAsset } from '../schema.js';

const isoDate = z.iso.datetime({ offset: true });
const uuid = z.uuid();

/**
 * What `complete` knows of a confirmed upload and a rebuild needs: written on its original (object
 * metadata) or, too large for that, beside it. The declared content type is the one `complete`
 * checked the bytes against (a copy that fails the check is deleted, so a described original passed
 * it); the format the probe found is in the RenderRecord.
 */
export const AssetRecord = z.object({
  v: z.literal(1),
  id: uuid,
  tenantId: uuid,
  filename: z.string(),
  contentType: z.string(),
  size: z.number().int().nonnegative(),
  preset: z.string(),
  kind: z.enum(ASSET_KINDS),
  metadata: z.record(z.string(), z.unknown()).nullable(),
  uploadTokenId: uuid.nullable(),
  focus: Focus.nullable(),
  crop: Crop.nullable(),
  revision: z.number().int().positive(),
  /** Absent from records written before private media: public. A change is written beside the original, as a reframe is. */
  visibility: z.enum(VISIBILITIES).optional(),
  /**
   * Absent from records written before moderation. Written beside the original at each change
   * (held, approved, rejected), so a rebuild never publishes what moderation kept back.
   */
  moderation: AssetModeration.optional(),
  /** The asset's faces when the record was written (found, or marked by hand); absent from records written before faces. */
  faces: z.array(FaceBox).nullish(),
  createdAt: isoDate,
  uploadExpiresAt: isoDate,
  confirmedAt: isoDate,
});
export type AssetRecord = z.infer<typeof AssetRecord>;

export const RenderedVariant = z.object({
  name: z.string(),
  kind: z.enum(ASSET_KINDS),
  format: z.string(),
  width: z.number().int(),
  height: z.number().int(),
  duration: z.number().nullable(),
  size: z.number().int(),
  specHash: z.string(),
  renditions: z.array(HlsRendition).nullish(),
  /** The encoder quality of an image variant (a `q_auto` search's choice); absent from records written before it was kept. */
  quality: z.number().int().nullish(),
  /** The key after the asset's variant prefix (`r2/…webp`): the prefix is the asset's. */
  key: z.string(),
});

/** What a render found and stored, for the revision it rendered: written on each variant object it writes. */
export const RenderRecord = z.object({
  v: z.literal(1),
  revision: z.number().int().positive(),
  /** Null for audio. */
  width: z.number().int().nullable(),
  height: z.number().int().nullable(),
  format: z.string(),
  hasAlpha: z.boolean().nullable(),
  placeholder: z.string().nullable(),
  dominantColor: z.string().nullable(),
  crop: Crop.nullable(),
  duration: z.number().nullable(),
  video: VideoInfo,
  /** Absent from records written before audio assets. */
  audio: AudioInfo.optional(),
  /** The faces this render searched for and found; absent where it did not search (and before faces). */
  faces: z.array(FaceBox).nullish(),
  renderedAt: isoDate,
  variants: z.array(RenderedVariant),
});
export type RenderRecord = z.infer<typeof RenderRecord>;

/**
 * The asset's record as its variant objects carry it: without what the tenant wrote (the filename,
 * its metadata, the upload token it came through), since a public variant's metadata is answered
 * to anyone who reads the object, and a move to public copies a private one's. None of them changes
 * after `complete`, so recover takes them from the original's record (`withTenantWords`).
 */
export const VariantAssetRecord = AssetRecord.omit({ filename: true, metadata: true, uploadTokenId: true });
export type VariantAssetRecord = z.infer<typeof VariantAssetRecord>;
type TenantWords = Pick<AssetRecord, 'filename' | 'metadata' | 'uploadTokenId'>;

export function variantAssetRecordOf(record: AssetRecord): VariantAssetRecord {
  const { filename: _filename, metadata: _metadata, uploadTokenId: _uploadTokenId, ...rest } = record;
  return rest;
}

/** A variant's record made whole again with the tenant's words from another record of the asset. */
export function withTenantWords(record: VariantAssetRecord, words: TenantWords): AssetRecord {
  return { ...record, filename: words.filename, metadata: words.metadata, uploadTokenId: words.uploadTokenId };
}

/** A record object beside an original: the asset, and its render when that did not fit on the variants. */
export const AssetSidecar = z.object({ asset: AssetRecord, render: RenderRecord.nullable() });
export type AssetSidecar = z.infer<typeof AssetSidecar>;

/** What an asset's record says of it: a row, or the row a confirm is about to write (the intake's). */
export type AssetRecordSource = Pick<
  Asset,
  'id' | 'tenantId' | 'filename' | 'contentType' | 'size' | 'preset' | 'kind' | 'revision' | 'visibility' | 'createdAt' | 'uploadExpiresAt'
> &
  Partial<Pick<Asset, 'metadata' | 'uploadTokenId' | 'focus' | 'crop' | 'moderation' | 'faces'>>;

export function assetRecordOf(asset: AssetRecordSource, confirmedAt: Date): AssetRecord {
  return {
    v: 1,
    id: asset.id,
    tenantId: asset.tenantId,
    filename: asset.filename,
    contentType: asset.contentType,
    size: asset.size,
    preset: asset.preset,
    kind: asset.kind,
    metadata: asset.metadata ?? null,
    uploadTokenId: asset.uploadTokenId ?? null,
    focus: asset.focus ?? null,
    crop: asset.crop ?? null,
    revision: asset.revision,
    visibility: asset.visibility,
    moderation: asset.moderation,
    faces: asset.faces ?? null,
    createdAt: asset.createdAt.toISOString(),
    uploadExpiresAt: asset.uploadExpiresAt.toISOString(),
    confirmedAt: confirmedAt.toISOString(),
  };
}

export function renderRecordOf(params: { revision: number; image: AssetFacts; variants: VariantRecord[]; variantPrefix: string }): RenderRecord {
  const { image, variantPrefix } = params;
  return {
    v: 1,
    revision: params.revision,
    width: image.width,
    height: image.height,
    format: image.format,
    hasAlpha: image.hasAlpha ?? null,
    placeholder: image.placeholder,
    dominantColor: image.dominantColor,
    crop: image.crop ?? null,
    duration: image.duration ?? null,
    video: image.video ?? null,
    audio: image.audio ?? null,
    ...(image.faces === undefined ? {} : { faces: image.faces }),
    renderedAt: new Date().toISOString(),
    variants: params.variants.map((v) => ({ ...v, key: v.key.startsWith(variantPrefix) ? v.key.slice(variantPrefix.length) : v.key })),
  };
}

/** Where a rebuild found an asset's objects. */
export interface FoundObjects {
  /** Where its variants are (a move is owed when that is not where its visibility says); default: `placeOf` its record. */
  objectsVisibility?: Visibility | undefined;
  /** Set when its original was found in `quarantine/`: about when it moved there (the object's LastModified). */
  quarantinedAt?: Date | null | undefined;
}

/** Where a record says the asset's objects belong: the private place while it is held, whatever its visibility. */
export const placeOf = (record: AssetRecord): Visibility => (record.moderation?.state === 'held' ? 'private' : (record.visibility ?? 'public'));

/**
 * The moderation a rebuilt row carries: its record's. An original in quarantine was rejected,
 * whatever its record missed, unless an admin's restore approved it since. A record from before
 * moderation is `pending` (its render runs the checks), and `clear` once rendered, as the migration
 * made every asset published before moderation.
 */
export function rebuiltModeration(record: AssetRecord, rendered: boolean, found: FoundObjects = {}): AssetModeration {
  const recorded = record.moderation ?? PENDING_MODERATION;
  if (found.quarantinedAt && recorded.state !== 'approved' && recorded.state !== 'rejected') return { ...recorded, state: 'rejected' };
  if (rendered && recorded.state === 'pending') return { ...recorded, state: 'clear' };
  return recorded;
}

/**
 * The status a rebuilt row takes: never `ready` for what moderation keeps back. Rejected stays
 * rejected (the quarantine sweep finishes what it owes); held stays held; approved but not yet in
 * its place stays held until the move publishes it, as an approval does; a restore cut off with its
 * original still in quarantine renders again (the render moves it back first).
 */
export function rebuiltStatus(record: AssetRecord, rendered: boolean, found: FoundObjects = {}): AssetStatus {
  const { state } = rebuiltModeration(record, rendered, found);
  if (state === 'rejected') return 'rejected';
  if (!rendered || found.quarantinedAt) return 'queued';
  const inPlace = (found.objectsVisibility ?? placeOf(record)) === (record.visibility ?? 'public');
  return state === 'held' || (state === 'approved' && !inPlace) ? 'held' : 'ready';
}

/**
 * The row a record rebuilds: `queued` until a render is known for its revision, then `ready` (or
 * `held`, `rebuiltStatus`) with what the render found (the variants' rows are `variantRowsOf`); a
 * rejected one with its error and no render.
 */
export function assetRowOf(record: AssetRecord, render: RenderRecord | null, found: FoundObjects = {}): NewAsset {
  const rendered = render !== null && render.revision === record.revision;
  const quarantinedAt = found.quarantinedAt ?? null;
  const moderation = rebuiltModeration(record, rendered, found);
  const status = rebuiltStatus(record, rendered, found);
  const base: NewAsset = {
    id: record.id,
    tenantId: record.tenantId,
    status,
    filename: record.filename,
    contentType: record.contentType,
    size: record.size,
    preset: record.preset,
    metadata: record.metadata,
    uploadTokenId: record.uploadTokenId,
    originalKey: quarantinedAt ? quarantineKey(record.tenantId, record.id) : originalKey(record.tenantId, record.id),
    kind: record.kind,
    revision: record.revision,
    focus: record.focus,
    crop: record.crop,
    visibility: record.visibility ?? 'public',
    objectsVisibility: found.objectsVisibility ?? placeOf(record),
    moderation,
    // The asset's record holds them once searched or marked; a first render's search is in its own record.
    faces: record.faces ?? (rendered ? render.faces : null) ?? null,
    quarantinedAt,
    uploadExpiresAt: new Date(record.uploadExpiresAt),
    createdAt: new Date(record.createdAt),
    updatedAt: new Date(record.confirmedAt),
    // Every row names it: a rebuilt row is written whole, and a column left out would be null.
    playable: false,
  };
  if (status === 'rejected') return { ...base, errorCode: CONTENT_REJECTED, errorMessage: rejectionMessage(moderation) };
  if (status === 'queued' || !render) return base;
  return {
    ...base,
    ...renderedFacts(record, render),
    playable: record.kind !== 'image',
    readyAt: status === 'ready' ? new Date(render.renderedAt) : null,
  };
}

/** What a render found, as the row records it at `ready` or `held`. */
function renderedFacts(record: AssetRecord, render: RenderRecord) {
  const { width, height, format, hasAlpha, placeholder, dominantColor, duration, video } = render;
  const updatedAt = new Date(render.renderedAt);
  return {
    width,
    height,
    format,
    hasAlpha,
    placeholder,
    dominantColor,
    duration,
    video,
    audio: render.audio ?? null,
    crop: render.crop ?? record.crop,
    updatedAt,
  };
}

export function variantRowsOf(render: RenderRecord, variantPrefix: string): VariantRecord[] {
  return render.variants.map((v) => ({ ...v, key: `${variantPrefix}${v.key}` }));
}
