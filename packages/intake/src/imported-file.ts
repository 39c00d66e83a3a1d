import { assetKindOf } from '@darkroom/core/content-types';
import { ASSET_METADATA, IN_SIDECAR } from '@darkroom/db/records/codec';
import type { ImportItem } from '@darkroom/db/import-schema';
import type { NewUpload } from '@darkroom/db/queries/assets';
import type { RecordedImport } from '@darkroom/db/queries/import-records';
import type { ObjectLocation, ObjectMetadata } from '@darkroom/storage';
import { checkAudio } from './audio-check.js';
import { describeOriginal, recordAssetAsItIs } from './bucket-records.js';
import type { IntakeDeps, IntakeLog } from './deps.js';
import type { ImportRecorder } from './import-recorder.js';

/**
 * An imported file's way to its confirm. Its bytes go straight to the original key (no staging to
 * copy from), so the checks of its first bytes (bytes.ts's `typeOfHead`) come before a byte is
 * written, and its record goes on the original as it is written.
 */

/**
 * The original's metadata: the record a rebuild reads, of the row as the confirm will write it; or,
 * where the size is not known yet (a stream of unknown length), a pointer to the record beside it,
 * written once it is (`confirmImportedFile`).
 */
export async function describeImportedOriginal(deps: IntakeDeps, values: NewUpload, sizeKnown: boolean): Promise<ObjectMetadata> {
  if (!sizeKnown) return { [ASSET_METADATA]: IN_SIDECAR };
  return describeOriginal(deps, { ...values, revision: 1, createdAt: new Date() });
}

/** A file whose bytes are at its original key: what its first bytes proved, and how the original was described. */
export interface BroughtOriginal {
  contentType: string;
  size: number;
  head: Uint8Array;
  metadata: ObjectMetadata;
}

/**
 * The asset of a file whose bytes are at its original key: an audio file probed first (as an
 * upload's copy is), then in the recorder's next batch its row, `queued` with `asset.uploaded`, and
 * its job on the backfill lane; its queue entry after the commit. A row another runner recorded (the
 * same item, held twice) is taken as it is. With `item`, the item's outcome is recorded with it
 * (`recorded` says whether its claim was still under way), unless a record is still owed.
 */
export async function confirmImportedFile(
  deps: IntakeDeps,
  log: IntakeLog,
  recorder: ImportRecorder,
  params: { values: NewUpload; file: BroughtOriginal; original: ObjectLocation; item?: ImportItem | undefined },
): Promise<RecordedImport> {
  const { file } = params;
  const audio =
    assetKindOf(file.contentType) === 'audio' ? await checkAudio(deps, log, params.original, { size: file.size, bytes: file.head }) : null;
  const sidecarOwed = file.metadata[ASSET_METADATA] === IN_SIDECAR;
  // The item's outcome goes with its asset, unless a record is still owed after the commit.
  const queued = await recorder.recordAsset({ values: params.values, set: audio, item: sidecarOwed ? undefined : params.item });
  // A size learned only by streaming: the record beside the original says it (its metadata pointed there).
  if (queued.job && sidecarOwed) await recordAssetAsItIs(deps, queued.asset.id);
  return queued;
}
