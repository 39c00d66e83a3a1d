import { assetRecordKey, variantPrefix } from '@darkroom/core/keys';
import { ASSET_METADATA, fitMetadata, IN_SIDECAR, packRecord, RENDER_METADATA } from '@darkroom/db/records/codec';
import { assetRecordOf, renderRecordOf, variantAssetRecordOf, type AssetSidecar } from '@darkroom/db/records/asset-record';
import { lockAsset, type AssetFacts } from '@darkroom/db/queries/assets';
import type { Asset, Variant } from '@darkroom/db/schema';
import type { VariantRecord } from '@darkroom/db/queries/variants';
import type { ObjectMetadata } from '@darkroom/storage';
import type { WorkerDeps } from './deps.js';

/** Builds the metadata of a render's variant objects from the rows they will have. */
export type DescribeVariants = (records: readonly VariantRecord[]) => Promise<ObjectMetadata>;

/**
 * What each variant object of a render is written with, so the bucket can rebuild the asset as
 * ready after a restore: the render's record (what the probe found, every variant row of the
 * revision) and the asset's (without what the tenant wrote: anyone reads a public variant's
 * metadata), as metadata the PUTs carry at no request more. When the render's
 * record does not fit S3's 2 KB (many variants, a large video probe), both go in the record object
 * beside the original, one PUT more; when only the asset's does not, recover reads it from the
 * original. `kept`: rows of the revision this render does not replace (a backfill's).
 */
export function describeVariants(deps: WorkerDeps, asset: Asset, image: AssetFacts, kept: readonly Variant[] = []): DescribeVariants {
  return async (records) => {
    const variants = [...kept.filter((v) => !records.some((r) => r.name === v.name)), ...records];
    const render = renderRecordOf({ revision: asset.revision, image, variants, variantPrefix: variantPrefix(asset.tenantId, asset.id) });
    const record = assetRecordOf(asset, asset.updatedAt);
    const { metadata, left } = fitMetadata([
      [RENDER_METADATA, packRecord(render)],
      [ASSET_METADATA, packRecord(variantAssetRecordOf(record))],
    ]);
    if (!left.includes(RENDER_METADATA)) return metadata;
    // The asset's record as its row is now, under its lock: a visibility changed while this job
    // rendered is the one kept (the API writes its change under the same lock).
    await deps.db.transaction(async (tx) => {
      const current = await lockAsset(tx, { id: asset.id });
      if (!current) return;
      const sidecar: AssetSidecar = { asset: assetRecordOf(current, current.updatedAt), render };
      const body = Buffer.from(JSON.stringify(sidecar));
      const key = assetRecordKey(asset.tenantId, asset.id);
      await deps.storage.putObject({ bucket: deps.config.storage.bucket, key, body, contentType: 'application/json' });
    });
    return { [RENDER_METADATA]: IN_SIDECAR };
  };
}

/** A ready asset's row as what its render found (a backfill describes the variants it adds with it). */
export function processedOf(asset: Asset): AssetFacts {
  const { width, height, format, placeholder, dominantColor, duration, video, hasAlpha, crop } = asset;
  return { width: width ?? 0, height: height ?? 0, format: format ?? '', placeholder, dominantColor, duration, video, hasAlpha, crop };
}
