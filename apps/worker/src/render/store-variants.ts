import { variantFilesPrefix, variantObjectKeys, variantOutputKey, VARIANT_CACHE_CONTROL } from '@darkroom/core/keys';
import { recordWork } from '@darkroom/db/queries/usage';
import { deleteVariantsByName, listVariantsByAsset, upsertVariants, type VariantRecord } from '@darkroom/db/queries/variants';
import type { Asset, Variant } from '@darkroom/db/schema';
import type { Executor } from '@darkroom/db/client';
import type { WorkerDeps } from '../deps.js';
import { assetObject } from './asset-object.js';
import type { DescribeVariants } from '../records.js';
import type { RenderedVariant } from '@darkroom/media';
import { renderUsage, type StoredVariant } from './usage.js';

/** The asset's variant rows as they are now (to know, after replacing them, which objects went stale). */
export async function currentVariants(deps: WorkerDeps, assetId: string): Promise<Variant[]> {
  return (await listVariantsByAsset(deps.db, { assetIds: [assetId] })).get(assetId) ?? [];
}

/**
 * Puts rendered variants where the asset's objects are (the public bucket, or the private place) under deterministic keys (a retry overwrites its own).
 * Variants that came out the same (one `outputHash`) share one key, written once; a key in `stored`
 * (one a current row points at: the same output, already in the bucket) is not written again.
 * Each object written carries what `describe` says of the render (../records.ts).
 */
export async function uploadVariants(
  deps: WorkerDeps,
  asset: Asset,
  rendered: readonly RenderedVariant[],
  stored: ReadonlySet<string> = new Set(),
  describe?: DescribeVariants,
): Promise<VariantRecord[]> {
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
      redaction: v.redaction,
      quality: v.quality,
      key: variantOutputKey(asset.tenantId, asset.id, asset.revision, v.outputHash, v.format),
    }),
  );
  const writes = new Map<string, RenderedVariant>();
  rendered.forEach((v, i) => {
    const { key } = records[i]!;
    if (!stored.has(key) && !writes.has(key)) writes.set(key, v);
  });
  const metadata = describe ? await describe(records) : undefined;
  const puts = await Promise.allSettled(
    [...writes].map(async ([key, v]) => {
      await deps.storage.putObject({
        ...assetObject(deps, asset, key),
        body: v.data,
        contentType: v.contentType,
        cacheControl: VARIANT_CACHE_CONTROL,
        metadata,
      });
      return key;
    }),
  );
  const failed = puts.find((p) => p.status === 'rejected');
  if (!failed) return records;
  await removeUnrecorded(
    deps,
    asset,
    puts.flatMap((p) => (p.status === 'fulfilled' ? [p.value] : [])),
  );
  throw failed.reason;
}

/**
 * The objects a render put before one of its PUTs failed: no row points at them (a key a row held
 * was not written again), so nothing would ever remove them, and a render that fails for good would
 * leave them readable in the public bucket. A retry puts them again. A delete that fails too (the
 * bucket still down) is logged: the render's own error is the one its job records.
 */
async function removeUnrecorded(deps: WorkerDeps, asset: Asset, keys: readonly string[]): Promise<void> {
  const deletes = await Promise.allSettled(keys.map((key) => deps.storage.deleteObject(assetObject(deps, asset, key))));
  const left = deletes.filter((d) => d.status === 'rejected').length;
  if (left > 0) deps.log.warn({ assetId: asset.id, left }, 'could not remove the objects of a render whose upload failed');
}

/**
 * Records a job's render, inside its transaction: the new variant rows, the rows of names the preset
 * no longer has dropped, and what the render adds to the meters (./usage.ts; sent with the rows, so
 * no round trip more), committed together so that a retry which commits once counts once.
 */
export async function replaceVariantRows(
  tx: Executor,
  deps: Pick<WorkerDeps, 'config'>,
  params: { asset: Pick<Asset, 'id' | 'tenantId'>; jobId: string; records: StoredVariant[]; removedNames: string[] },
) {
  const { asset, jobId, records } = params;
  await Promise.all([
    upsertVariants(tx, { assetId: asset.id, variants: records }),
    recordWork(tx, renderUsage({ jobId, tenantId: asset.tenantId }, records), deps.config.usage.metering),
  ]);
  await deleteVariantsByName(tx, { assetId: asset.id, names: params.removedNames });
}

/**
 * Deletes the objects of `previous` rows that no row points at any more (an HLS ladder's, all its files). Call only after the new
 * rows are committed, so no URL the API hands out ever dangles.
 */
export async function deleteSupersededObjects(
  deps: WorkerDeps,
  asset: Pick<Asset, 'objectsVisibility'>,
  previous: readonly Variant[],
  kept: Iterable<string>,
): Promise<void> {
  const keep = new Set([...kept].flatMap(variantObjectKeys));
  // Rows may share an object: each stale key is deleted once (a storyboard's sprite with its WebVTT file).
  const stale = new Set(previous.flatMap((v) => variantObjectKeys(v.key)).filter((key) => !keep.has(key)));
  await Promise.all(
    [...stale].map((key) => {
      // An HLS ladder's key is its master playlist: its playlists and segments go with it.
      const prefix = variantFilesPrefix(key);
      if (!prefix) return deps.storage.deleteObject(assetObject(deps, asset, key));
      const files = assetObject(deps, asset, prefix);
      return deps.storage.deletePrefix({ bucket: files.bucket, prefix: files.key });
    }),
  );
}
