import { viewOfSnapshot, type AssetSnapshot, type DeliveryContext, type PublicUrl, type VisibleAssetStatus } from '@darkroom/core/contract/asset';
import type { EventView } from '@darkroom/core/contract/event';
import type { ImportView } from '@darkroom/core/contract/import';
import type { Import } from './import-schema.js';
import type { Asset, AssetStatus, Event, Variant } from './schema.js';

/**
 * Rows to the contract's shapes that a package writes or reads: the snapshot an event stores, the
 * event a webhook delivers, an import's (its events carry it). The shapes only the HTTP API shows
 * (an asset's, a job's, an import item's) are apps/api/src/views.ts.
 */

const iso = (date: Date | null | undefined): string | null => (date ? date.toISOString() : null);

/** A row's error as the contract shows it: its code and sentence, or null. */
export const errorOf = (row: { errorCode: string | null; errorMessage: string | null }) =>
  row.errorCode ? { code: row.errorCode, message: row.errorMessage ?? '' } : null;

/** What an event stores. Variants are listed once the asset is ready or held (a playable one's streams before). `status` overrides the row's (a deletion shows the last visible one). */
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
    kind: asset.kind,
    width: asset.width,
    height: asset.height,
    format: asset.format,
    duration: asset.duration,
    video: asset.video ?? null,
    audio: asset.audio ?? null,
    placeholder: asset.placeholder,
    dominantColor: asset.dominantColor,
    revision: asset.revision,
    focus: asset.focus ?? null,
    crop: asset.crop ?? null,
    faces: asset.faces ?? null,
    hasAlpha: asset.hasAlpha ?? null,
    visibility: asset.visibility,
    moderation: asset.moderation,
    playable: asset.kind === 'image' ? null : asset.playable,
    variants:
      status === 'ready' || status === 'held' || (status === 'processing' && asset.playable)
        ? variantsShown(variants, status).map((v) => ({
            name: v.name,
            kind: v.kind,
            format: v.format,
            width: v.width,
            height: v.height,
            duration: v.duration,
            size: v.size,
            key: v.key,
            ...(v.renditions ? { renditions: v.renditions } : {}),
          }))
        : [],
    error: errorOf(asset),
    createdAt: asset.createdAt.toISOString(),
    updatedAt: asset.updatedAt.toISOString(),
    readyAt: iso(asset.readyAt),
  };
}

/**
 * A ready asset lists every variant; a processing one that is playable, its streams alone (the
 * others appear at `ready`).
 */
const variantsShown = (variants: readonly Variant[], status: AssetStatus) =>
  status === 'ready' || status === 'held' ? variants : variants.filter((v) => v.format === 'hls');

/** The Event a tenant reads: its asset as the change left it, with URLs (and delivery markup) as they are today. */
export function eventView(event: Event, publicUrl: PublicUrl, delivery: DeliveryContext): EventView {
  const head = { id: event.id, type: event.type, createdAt: event.createdAt.toISOString() };
  if ('import' in event.data) return { ...head, data: { import: event.data.import } };
  if ('quota' in event.data) return { ...head, data: event.data };
  const asset = viewOfSnapshot(event.data.asset, publicUrl, delivery);
  const { purge } = event.data;
  return { ...head, data: { asset, ...(purge ? { purge } : {}) } };
}

/** An import as its tenant sees it: never its credentials. */
export function importView(row: Import): ImportView {
  const { found, imported, skipped, failed, bytes } = row;
  return {
    id: row.id,
    status: row.status,
    dryRun: row.dryRun,
    source: row.source,
    counts: { found, imported, skipped, failed, bytes },
    error: errorOf(row),
    createdAt: row.createdAt.toISOString(),
    finishedAt: iso(row.finishedAt),
  };
}
