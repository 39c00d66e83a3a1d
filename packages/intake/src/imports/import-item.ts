import { ERRORS } from '@darkroom/core/error-factories';
import { originalKey } from '@darkroom/core/keys';
import {
  claimImportIdentity,
  identityTakenForDryRun,
  type IdentityClaim,
  isImportItemClaimed,
  releaseImportIdentity,
  type ImportItemOutcome,
} from '@darkroom/db/queries/import-runs';
import { CONFIRMED_STATUSES } from '@darkroom/db/schema';
import { getAsset, transitionAsset } from '@darkroom/db/queries/assets';
import { newId } from '@darkroom/db/ids';
import type { ImportItem } from '@darkroom/db/import-schema';
import type { ObjectLocation } from '@darkroom/storage';
import { describeImportedFile, queueImportedAsset } from './import-file.js';
import { assertImportFits } from './import-quota.js';
import { inLane } from './sources/source.js';
import type { ItemContext } from './item-context.js';

/**
 * One item into one asset, as an upload would be (docs/api.md#imports-tenant-api-key): its identity
 * reserved first (held already: skipped, with that asset), its bytes brought straight to the
 * asset's original key, written with the type its first bytes prove (and the record a rebuild
 * reads) once the tenant's limits pass, then the asset recorded `queued` with its job on the
 * backfill lane and `asset.uploaded`, in one short transaction (import-file.ts). Nothing holds a
 * transaction while bytes move. Run again after a crash it goes on from what it finds: its asset
 * already made is imported; anything short of that is brought again, over the same key.
 *
 * Two runners may hold one item at once: one whose lease lapsed while it worked (its process frozen
 * a while, or cut off from Postgres) and the one that took the import up. Both make the one asset
 * the identity names, whichever records it first, and both say it is imported.
 */
export async function importItem(
  context: ItemContext,
  item: ImportItem,
  options: { reserved?: string | undefined; finish?: boolean } = {},
): Promise<ImportItemOutcome & { recorded?: boolean | undefined }> {
  const { reserved } = options;
  const { deps, tenant } = context;
  const { identityHash, importId } = item;
  const claim: IdentityClaim = reserved
    ? { mine: true, assetId: reserved }
    : await claimImportIdentity(deps.db, { tenantId: tenant.id, identityHash, importId, itemId: item.id, assetId: newId() });
  if (!claim.mine && claim.wait) throw new IdentityBeingImported();
  if (!claim.mine) return { status: 'skipped', assetId: claim.assetId, reason: 'already_imported' };
  // An identity reserved just now (claimFreeImportIdentities) has no asset yet: only one held before may.
  const made = reserved ? undefined : await getAsset(deps.db, { id: claim.assetId });
  if (made && CONFIRMED_STATUSES.includes(made.status)) return { status: 'imported', assetId: made.id, bytes: made.size };
  const original = { bucket: deps.config.storage.bucket, key: originalKey(tenant.id, claim.assetId) };
  try {
    const limits = { maxBytes: context.limits.maxBytes, signal: context.signal, lanes: context.lanes };
    const describe = describeImportedFile(context, item, claim.assetId);
    let checked = 0;
    const file = await context.source.bring(item, original, limits, (head, size) => {
      checked = size ?? 0;
      return describe(head, size);
    });
    // Checked before its bytes as what its source said (nothing, for a stream of unknown length): whole, before it counts.
    if (file.size > checked) await assertImportFits(deps, tenant, file.size);
    // Once its bytes are in, an item is recorded even when its run is stopping: no original without its row.
    const { asset, recorded } = await queueImportedAsset(context, item, { id: claim.assetId, file, original, finish: options.finish });
    return { status: 'imported', assetId: asset.id, bytes: asset.size, ...(recorded === undefined ? {} : { recorded }) };
  } catch (error) {
    if (context.signal.aborted) throw error;
    // The other runner holding the item recorded it meanwhile.
    const twin = await getAsset(deps.db, { id: claim.assetId });
    if (twin && CONFIRMED_STATUSES.includes(twin.status)) return { status: 'imported', assetId: twin.id, bytes: twin.size };
    await giveUp(context, item, claim.assetId, original, error);
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

/**
 * A failed item leaves nothing behind: the bytes it wrote, its asset if one was recorded (an item of
 * an earlier version that recorded it before confirming), and its hold on the identity. A runner
 * whose claim of the item lapsed leaves all that to the one holding it now.
 */
async function giveUp(context: ItemContext, item: ImportItem, assetId: string, original: ObjectLocation, cause: unknown): Promise<void> {
  const { deps } = context;
  try {
    if (!(await isImportItemClaimed(deps.db, item))) return;
    await deps.storage.deleteObject(original);
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
  const limits = { maxBytes: context.limits.maxBytes, signal: context.signal };
  const size = await inLane(context.lanes.transfers, context.signal, () => context.source.look(item, limits));
  if (size !== null && size > context.limits.maxBytes) throw ERRORS.fileTooLarge(size, context.limits.maxBytes);
  if (size === 0) throw ERRORS.emptyFile();
  return { status: 'imported', assetId: null, bytes: size ?? 0 };
}
