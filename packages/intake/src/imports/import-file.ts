import { assetKindOf } from '@darkroom/core/content-types';
import { ERRORS } from '@darkroom/core/error-factories';
import { MAX_FILENAME_LENGTH, MAX_METADATA_BYTES } from '@darkroom/core/limits';
import { originalKey } from '@darkroom/core/keys';
import type { ImportItem } from '@darkroom/db/import-schema';
import type { NewUpload } from '@darkroom/db/queries/assets';
import type { RecordedImport } from '@darkroom/db/queries/import-records';
import { confirmImportedFile, describeImportedOriginal, typeOfHead } from '../index.js';
import type { ObjectLocation } from '@darkroom/storage';
import { validateFilename } from '../upload-rules.js';
import type { ItemContext } from './item-context.js';
import { importMetadataOf } from './import-metadata.js';
import { assertImportFits } from './import-quota.js';
import type { BroughtFile, DescribeFile } from './sources/source.js';

/**
 * What an imported file is once its first bytes are in hand, before a byte of it is written: the
 * type they prove and a size within the tenant's limit (the intake's `typeOfHead`) and quotas
 * (`assertImportFits`), and the original's metadata (`describeImportedOriginal`).
 */
export function describeImportedFile(context: ItemContext, item: ImportItem, assetId: string): DescribeFile {
  return async (head, size) => {
    const contentType = typeOfHead(head, size, context.limits);
    // A stream of unknown length counts from nothing here; its real size counts once it is recorded.
    await assertImportFits(context.deps, context.tenant, size ?? 0);
    const values = uploadValues(context, item, { id: assetId, contentType, size: size ?? 0 });
    return { contentType, metadata: await describeImportedOriginal(context.deps, values, size !== null) };
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

/**
 * The asset of an item whose bytes are at its original key, confirmed by the intake in the run's
 * next batch (`confirmImportedFile`). `finish`: the item's outcome is recorded with it.
 */
export async function queueImportedAsset(
  context: ItemContext,
  item: ImportItem,
  params: { id: string; file: BroughtFile; original: ObjectLocation; finish?: boolean | undefined },
): Promise<RecordedImport> {
  const { file } = params;
  const values = uploadValues(context, item, { id: params.id, contentType: file.contentType, size: file.size });
  const finishing = params.finish ? item : undefined;
  return confirmImportedFile(context.deps, context.log, context.recorder, { values, file, original: params.original, item: finishing });
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
