import { variantKey, variantPrefix, VARIANT_CACHE_CONTROL } from '@darkroom/core';
import { deleteVariantsByName, listVariantsByAsset, upsertVariants, type Asset, type Executor, type Variant, type VariantRecord } from '@darkroom/db';
import type { WorkerDeps } from '../deps.js';
import type { RenderedVariant } from '@darkroom/media';

/** The asset's variant rows as they are now (to know, after replacing them, which objects went stale). */
export async function currentVariants(deps: WorkerDeps, assetId: string): Promise<Variant[]> {
  return (await listVariantsByAsset(deps.db, { assetIds: [assetId] })).get(assetId) ?? [];
}

/** Puts rendered variants in the public bucket under deterministic keys (a retry overwrites its own). */
export async function uploadVariants(deps: WorkerDeps, asset: Asset, rendered: readonly RenderedVariant[]): Promise<VariantRecord[]> {
  const bucket = deps.config.storage.publicBucket;
  const records = rendered.map(
    (v): VariantRecord => ({
      name: v.spec.name,
      kind: 'image',
      format: v.format,
      width: v.width,
      height: v.height,
      duration: null,
      size: v.size,
      specHash: v.specHash,
      key: variantKey(asset.tenantId, asset.id, v.spec.name, v.specHash, v.format, asset.revision),
    }),
  );
  await Promise.all(
    rendered.map((v, i) =>
      deps.storage.putObject({ bucket, key: records[i]!.key, body: v.data, contentType: v.contentType, cacheControl: VARIANT_CACHE_CONTROL }),
    ),
  );
  return records;
}

/** Records new variant rows and drops the rows of names the preset no longer has; call inside a transaction. */
export async function replaceVariantRows(tx: Executor, params: { assetId: string; records: VariantRecord[]; removedNames: string[] }) {
  await upsertVariants(tx, { assetId: params.assetId, variants: params.records });
  await deleteVariantsByName(tx, { assetId: params.assetId, names: params.removedNames });
}

/**
 * Deletes the objects of `previous` rows that no row points at any more. Call only after the new
 * rows are committed, so no URL the API hands out ever dangles.
 */
export async function deleteSupersededObjects(deps: WorkerDeps, previous: readonly Variant[], kept: Iterable<string>): Promise<void> {
  const bucket = deps.config.storage.publicBucket;
  const keep = new Set(kept);
  const stale = previous.filter((v) => !keep.has(v.key));
  await Promise.all(stale.map((v) => deps.storage.deleteObject({ bucket, key: v.key })));
}

/** The asset was deleted while it rendered: remove what this attempt wrote; its rows went with it. */
export async function discardDeletedAsset(deps: WorkerDeps, asset: Asset): Promise<{ outcome: 'skipped'; reason: string }> {
  const prefix = variantPrefix(asset.tenantId, asset.id);
  await deps.storage.deletePrefix({ bucket: deps.config.storage.publicBucket, prefix });
  return { outcome: 'skipped', reason: 'asset deleted while processing' };
}
