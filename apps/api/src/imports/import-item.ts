import { assetKindOf, ERRORS, originalKey, SNIFF_BYTES, sniffContentType, stagingKey } from '@darkroom/core';
import {
  claimImportIdentity,
  getAsset,
  identityTakenForDryRun,
  insertUpload,
  isImportItemClaimed,
  newId,
  releaseImportIdentity,
  transitionAsset,
  type Asset,
  type Import,
  type ImportItem,
  type ImportItemOutcome,
  type Tenant,
} from '@darkroom/db';
import { AUDIO_HEAD_BYTES } from '@darkroom/media';
import type { ObjectLocation } from '@darkroom/storage';
import type { FastifyBaseLogger } from 'fastify';
import type { AppDeps } from '../deps.js';
import { confirmUpload } from '../services/complete-upload.js';
import { MAX_METADATA_BYTES, validateFilename } from '../services/upload-rules.js';
import { importMetadataOf } from './import-metadata.js';
import type { ImportSource } from './import-source.js';

/** What every item of one run shares. */
export interface ItemContext {
  deps: AppDeps;
  log: FastifyBaseLogger;
  imp: Import;
  tenant: Tenant;
  source: ImportSource;
  /** The tenant's limits as an upload's (its size limit, its accepted types). */
  limits: { maxBytes: number; accepted: readonly string[] };
  /** A pause, a cancel, a lost lease or the process stopping. */
  signal: AbortSignal;
  /** Listing pages that failed in a row (import-run's retries). */
  listFailures: number;
  /** The deployment's bucket stopped answering: the run waits for it before it takes more items. */
  bucketDown: boolean;
}

/**
 * One item into one asset, as an upload would be (docs/api.md#imports-tenant-api-key): its identity reserved first
 * (held already: skipped, with that asset), its bytes brought into its staging key, the type taken
 * from them and checked against the tenant's, then the asset recorded and confirmed as `complete`
 * confirms an upload (the checked copy to the original key, `queued`, `asset.uploaded`), on the
 * backfill lane. Run again after a crash it goes on from what it finds: its asset already made is
 * imported; anything short of that is brought again. A failure gives the identity back.
 *
 * Two runners may hold one item at once: one whose lease lapsed while it worked (its process frozen
 * a while, or cut off from Postgres) and the one that took the import up. Both make the one asset
 * the identity names, whichever records or confirms it first, and both say it is imported.
 */
export async function importItem(context: ItemContext, item: ImportItem): Promise<ImportItemOutcome> {
  const { deps, tenant } = context;
  const { identityHash, importId } = item;
  const claim = await claimImportIdentity(deps.db, { tenantId: tenant.id, identityHash, importId, itemId: item.id, assetId: newId() });
  if (!claim.mine && claim.wait) throw new IdentityBeingImported();
  if (!claim.mine) return { status: 'skipped', assetId: claim.assetId, reason: 'already_imported' };
  const made = await getAsset(deps.db, { id: claim.assetId });
  if (made && made.status !== 'awaiting_upload') return { status: 'imported', assetId: made.id, bytes: made.size };
  const staging = { bucket: deps.config.storage.bucket, key: stagingKey(tenant.id, claim.assetId) };
  try {
    const size = await context.source.bring(item, staging, { maxBytes: context.limits.maxBytes, signal: context.signal });
    if (size === 0) throw ERRORS.emptyFile();
    const contentType = await typeOfStaged(context, staging);
    const asset = made ?? (await recordOnce(context, item, { id: claim.assetId, contentType, size }));
    const confirmed = await confirmUpload(deps, context.log, asset, 'backfill');
    if (!confirmed) throw ERRORS.uploadAlreadyFinished((await getAsset(deps.db, { id: asset.id }))?.status ?? 'deleted');
    return { status: 'imported', assetId: asset.id, bytes: size };
  } catch (error) {
    if (context.signal.aborted) throw error;
    // The other runner holding the item confirmed it meanwhile (and took its staged bytes away).
    const twin = await getAsset(deps.db, { id: claim.assetId });
    if (twin && CONFIRMED.includes(twin.status)) return { status: 'imported', assetId: twin.id, bytes: twin.size };
    await giveUp(context, item, claim.assetId, staging, error);
    throw error;
  }
}

/**
 * The item's identity is held by an earlier item of its import still bringing its file: it is taken
 * again once that one is done (skipped if it made the asset, tried itself if it failed), not skipped
 * now for an asset that may never be made.
 */
export class IdentityBeingImported extends Error {
  constructor() {
    super('another item of this import is bringing the same file');
  }
}

/** An asset confirmed (its upload complete): what an import made, whatever its processing did since. */
const CONFIRMED: readonly Asset['status'][] = ['queued', 'processing', 'ready', 'failed'];

/** The item's asset as recorded now, or as the other runner holding the item recorded it a moment before. */
async function recordOnce(context: ItemContext, item: ImportItem, file: { id: string; contentType: string; size: number }): Promise<Asset> {
  try {
    return await recordAsset(context, item, file);
  } catch (error) {
    const recorded = await getAsset(context.deps.db, { id: file.id });
    if (recorded) return recorded;
    throw error;
  }
}

/** The type the staged bytes prove, if the tenant takes it (`unsupported_media_type` otherwise). */
async function typeOfStaged(context: ItemContext, staging: ObjectLocation): Promise<string> {
  const start = await context.deps.storage.readStart({ ...staging, length: Math.max(SNIFF_BYTES, AUDIO_HEAD_BYTES) });
  const detected = sniffContentType(start.bytes);
  if (!detected) throw ERRORS.unknownMediaType();
  if (!context.limits.accepted.includes(detected)) throw ERRORS.typeNotAccepted(detected, context.limits.accepted);
  return detected;
}

/** The asset an item makes, awaiting its upload (the bytes are staged) until confirmUpload checks and queues it. */
async function recordAsset(context: ItemContext, item: ImportItem, file: { id: string; contentType: string; size: number }): Promise<Asset> {
  const { imp, tenant, deps } = context;
  const metadata = importMetadataOf({ importId: imp.id, source: item.source, importMetadata: imp.metadata, itemMetadata: item.metadata });
  const bytes = Buffer.byteLength(JSON.stringify(metadata));
  if (bytes > MAX_METADATA_BYTES) throw ERRORS.metadataTooLarge(bytes, MAX_METADATA_BYTES);
  return insertUpload(deps.db, {
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
  });
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
    return last.slice(0, 255);
  } catch {
    return 'import';
  }
}

/**
 * A failed item leaves nothing behind: its staged bytes, its asset if one was recorded, and its hold
 * on the identity. A runner whose claim of the item lapsed leaves all that to the one holding it now.
 */
async function giveUp(context: ItemContext, item: ImportItem, assetId: string, staging: ObjectLocation, cause: unknown): Promise<void> {
  const { deps } = context;
  try {
    if (!(await isImportItemClaimed(deps.db, item))) return;
    await deps.storage.deleteObject(staging);
    await transitionAsset(deps.db, { id: assetId, from: ['awaiting_upload'], to: 'canceled' });
    await releaseImportIdentity(deps.db, { tenantId: item.tenantId, identityHash: item.identityHash, itemId: item.id });
  } catch (error) {
    context.log.warn({ err: error, cause, itemId: item.id }, 'could not clear what a failed import item left; the sweeps will');
  }
}

/**
 * A dry run's look at an item: skipped when its identity has an asset (or an earlier item of this
 * run would make one), failed when the source says it is missing, refused or too large, else counted
 * as one it would import. Nothing is fetched, reserved or recorded.
 */
export async function lookAtItem(context: ItemContext, item: ImportItem): Promise<ImportItemOutcome> {
  const taken = await identityTakenForDryRun(context.deps.db, { item });
  if (taken !== null) return { status: 'skipped', assetId: taken === true ? null : taken, reason: 'already_imported' };
  const size = await context.source.look(item, { maxBytes: context.limits.maxBytes, signal: context.signal });
  if (size !== null && size > context.limits.maxBytes) throw ERRORS.fileTooLarge(size, context.limits.maxBytes);
  if (size === 0) throw ERRORS.emptyFile();
  return { status: 'imported', assetId: null, bytes: size ?? 0 };
}
