import { assetKindOf, ERRORS, MAX_FILENAME_LENGTH, MAX_METADATA_BYTES, originalKey, sniffContentType } from '@darkroom/core';
import { ASSET_METADATA, IN_SIDECAR, type Asset, type ImportItem, type NewUpload } from '@darkroom/db';
import type { ObjectLocation } from '@darkroom/storage';
import { checkAudio } from '../services/uploads/audio-check.js';
import { describeOriginal, recordAssetAsItIs } from '../services/bucket-records.js';
import { validateFilename } from '../services/uploads/upload-rules.js';
import type { ItemContext } from './item-context.js';
import { importMetadataOf } from './import-metadata.js';
import type { BroughtFile, DescribeFile } from './import-source.js';

/**
 * What an imported file is once its first bytes are in hand, before a byte of it is written: the
 * type they prove (none known: `unsupported_media_type`; one the tenant does not take, likewise;
 * none at all: `empty_file`), a size within the tenant's limit where the source says it, and the
 * original's metadata: the record a rebuild reads (`describeOriginal`), or where the size is not
 * known yet, a pointer to the record beside it, written once it is (`queueImportedAsset`).
 */
export function describeImportedFile(context: ItemContext, item: ImportItem, assetId: string): DescribeFile {
  return async (head, size) => {
    if (head.length === 0) throw ERRORS.emptyFile();
    const contentType = sniffContentType(head);
    if (!contentType) throw ERRORS.unknownMediaType();
    if (!context.limits.accepted.includes(contentType)) throw ERRORS.typeNotAccepted(contentType, context.limits.accepted);
    if (size !== null && size > context.limits.maxBytes) throw ERRORS.fileTooLarge(size, context.limits.maxBytes);
    const values = uploadValues(context, item, { id: assetId, contentType, size: size ?? 0 });
    const metadata = size === null ? { [ASSET_METADATA]: IN_SIDECAR } : await describeOriginal(context.deps, provisionalAsset(values));
    return { contentType, metadata };
  };
}

/** The asset row an item makes (the columns an upload start sets). */
function uploadValues(context: ItemContext, item: ImportItem, file: { id: string; contentType: string; size: number }): NewUpload {
  const { imp, tenant, deps } = context;
  const metadata = importMetadataOf({ importId: imp.id, source: item.source, importMetadata: imp.metadata, itemMetadata: item.metadata });
  const bytes = Buffer.byteLength(JSON.stringify(metadata));
  if (bytes > MAX_METADATA_BYTES) throw ERRORS.metadataTooLarge(bytes, MAX_METADATA_BYTES);
  return {
    id: file.id,
    tenantId: tenant.id,
    kind: assetKindOf(file.contentType),
    filename: filenameOf(item),
    contentType: file.contentType,
    size: file.size,
    preset: imp.preset ?? tenant.defaultPreset ?? 'default',
    metadata,
    originalKey: originalKey(tenant.id, file.id),
    uploadExpiresAt: new Date(Date.now() + deps.config.uploads.ttlMs),
    visibility: imp.visibility,
  };
}

/** The row as it will be: what its record, written on the original before the row, says. */
function provisionalAsset(values: NewUpload): Asset {
  const now = new Date();
  return {
    ...values,
    status: 'awaiting_upload',
    metadata: values.metadata ?? null,
    uploadTokenId: null,
    uploadId: null,
    focus: null,
    crop: null,
    revision: 1,
    createdAt: now,
    updatedAt: now,
  } as Asset;
}

/**
 * The asset of an item whose bytes are at its original key: an audio file probed first (as
 * `complete` probes one), then in one transaction (the run's next batch: import-recorder.ts) its
 * row, `queued` with `asset.uploaded`, and its job on the backfill lane; its queue entry after the
 * commit. A row another runner recorded (the same item, held twice) is taken as it is. `finish`:
 * the item's outcome is recorded with it (`recorded` says whether its claim was still under way).
 */
export async function queueImportedAsset(
  context: ItemContext,
  item: ImportItem,
  params: { id: string; file: BroughtFile; original: ObjectLocation; finish?: boolean | undefined },
): Promise<{ asset: Asset; recorded?: boolean | undefined }> {
  const { deps, log } = context;
  const { file } = params;
  const audio =
    assetKindOf(file.contentType) === 'audio' ? await checkAudio(deps, log, params.original, { size: file.size, bytes: file.head }) : null;
  const values = uploadValues(context, item, { id: params.id, contentType: file.contentType, size: file.size });
  const sidecarOwed = file.metadata[ASSET_METADATA] === IN_SIDECAR;
  // The item's outcome goes with its asset, unless a record is still owed after the commit.
  const finishing = params.finish && !sidecarOwed ? item : undefined;
  const queued = await context.recorder.recordAsset({ values, set: audio, item: finishing });
  // A size learned only by streaming: the record beside the original says it (its metadata pointed there).
  if (queued.job && sidecarOwed) await recordAssetAsItIs(deps, queued.asset.id);
  return queued;
}

/** The item's filename, else its URL path's or key's last segment, else `import` (a name is only ever shown). */
export function filenameOf(item: Pick<ImportItem, 'filename' | 'location'>): string {
  if (item.filename) return item.filename;
  let last = item.location.split('?')[0]!.split('/').filter(Boolean).at(-1) ?? '';
  try {
    last = decodeURIComponent(last);
  } catch {
    // Kept as it came: a name that does not decode is still a name.
  }
  try {
    validateFilename(last);
    return last.slice(0, MAX_FILENAME_LENGTH);
  } catch {
    return 'import';
  }
}
