import { ERRORS } from '@darkroom/core/error-factories';
import { phashValue, type BlocklistEntryBody } from '@darkroom/core/contract/moderation';
import type { Executor } from '@darkroom/db/client';
import { addBlocklistEntries, countBlocklistEntries, deleteBlocklistEntry, listBlocklistEntries } from '@darkroom/db/queries/blocklist';
import type { BlocklistEntry } from '@darkroom/db/moderation-schema';
import { isUuid, type Page } from '@darkroom/db/pagination';
import type { Asset } from '@darkroom/db/schema';
import type { AppDeps } from '../../deps.js';
import { requireAnyAsset, requireTenantAsset } from '../manage-assets.js';

/**
 * The blocklists' routes: a tenant's own list (`tenantId` its id) and the deployment's (`tenantId`
 * null, an admin's). Each holds at most BLOCKLIST_MAX_ENTRIES.
 */
export interface BlocklistScope {
  tenantId: string | null;
}

export async function listEntries(
  deps: AppDeps,
  params: BlocklistScope & { limit: number; cursor?: string | undefined },
): Promise<Page<BlocklistEntry>> {
  return listBlocklistEntries(deps.db, params);
}

/**
 * Adds one hash, or every perceptual hash of an asset (the tenant's own; for the deployment's
 * list, any tenant's), to the list. A hash the list has already answers its entry as it is.
 */
export async function addEntries(deps: AppDeps, params: BlocklistScope & { body: BlocklistEntryBody }): Promise<BlocklistEntry[]> {
  const { tenantId, body } = params;
  const reason = body.reason ?? null;
  if ('hash' in body) return addWithinCap(deps, deps.db, { tenantId, entries: [{ hash: phashValue(body.hash), reason, assetId: null }] });
  const asset =
    tenantId === null ? await requireAnyAsset(deps, { id: body.assetId }) : await requireTenantAsset(deps, { tenantId, id: body.assetId });
  return addAssetHashes(deps, deps.db, { tenantId, asset, reason });
}

/** An asset's hashes onto a list (`reject` with `block`, a POST naming an asset); none taken yet: 409. */
export async function addAssetHashes(
  deps: AppDeps,
  db: Executor,
  params: BlocklistScope & { asset: Asset; reason: string | null },
): Promise<BlocklistEntry[]> {
  const hashes = params.asset.perceptualHashes ?? [];
  if (hashes.length === 0) throw ERRORS.noHashesToBlock(params.asset.status);
  const entries = [...new Set(hashes)].map((hash) => ({ hash, reason: params.reason, assetId: params.asset.id }));
  return addWithinCap(deps, db, { tenantId: params.tenantId, entries });
}

/** BLOCKLIST_MAX_ENTRIES per list, counted before the insert (a hash the list has counts as new: the cap errs on the safe side). */
async function addWithinCap(deps: AppDeps, db: Executor, params: Parameters<typeof addBlocklistEntries>[1]): Promise<BlocklistEntry[]> {
  const max = deps.config.blocklistMaxEntries;
  const held = await countBlocklistEntries(db, { tenantId: params.tenantId });
  if (held + params.entries.length > max) throw ERRORS.blocklistFull(max);
  return addBlocklistEntries(db, params);
}

export async function removeEntry(deps: AppDeps, params: BlocklistScope & { id: string }): Promise<void> {
  const removed = isUuid(params.id) && (await deleteBlocklistEntry(deps.db, params));
  if (!removed) throw ERRORS.blocklistEntryNotFound();
}
