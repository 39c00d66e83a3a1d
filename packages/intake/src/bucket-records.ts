import { assetRecordKey, tenantRecordKey } from '@darkroom/core/keys';
import { ASSET_METADATA, fitMetadata, IN_SIDECAR, packRecord, parseRecord } from '@darkroom/db/records/codec';
import { assetRecordOf, type AssetRecordSource, AssetSidecar } from '@darkroom/db/records/asset-record';
import { lockAsset } from '@darkroom/db/queries/assets';
import { tenantRecordOf } from '@darkroom/db/records/tenant-record';
import type { Asset, Tenant } from '@darkroom/db/schema';
import { ObjectNotFoundError, type ObjectMetadata } from '@darkroom/storage';
import type { IntakeConfig, IntakeDeps } from './deps.js';

/** What writing a record takes: the row's lock and the originals bucket (an API's or a worker's deps serve). */
type RecordDeps = Pick<IntakeDeps, 'db' | 'storage'> & { config: Pick<IntakeConfig, 'storage'> };

async function putJson(deps: RecordDeps, key: string, value: unknown): Promise<void> {
  const body = Buffer.from(JSON.stringify(value));
  await deps.storage.putObject({ bucket: deps.config.storage.bucket, key, body, contentType: 'application/json' });
}

/**
 * What a confirmed original is written with, so the bucket can rebuild its row: its record as
 * object metadata, which the copy out of staging carries at no request more; a record too large
 * for S3's 2 KB (metadata near its 4 KB limit, a long filename) is put beside it instead, one PUT.
 */
export async function describeOriginal(deps: RecordDeps, asset: AssetRecordSource): Promise<ObjectMetadata> {
  const record = assetRecordOf(asset, new Date());
  const { metadata, left } = fitMetadata([[ASSET_METADATA, packRecord(record)]]);
  if (left.length === 0) return metadata;
  const sidecar: AssetSidecar = { asset: record, render: null };
  await putJson(deps, assetRecordKey(asset.tenantId, asset.id), sidecar);
  return { [ASSET_METADATA]: IN_SIDECAR };
}

/**
 * A new focus or crop (a new revision), or a new visibility: the original's metadata cannot change
 * without copying it onto itself, so the record object beside it says it, and a rebuild takes the
 * newest. The render record the worker may keep there (one too large for a variant's metadata) is
 * kept while it is of this revision: a visibility change renders nothing anew. Called with the
 * asset's row locked by the caller's transaction (written as it is there), so records written one
 * after the other are the row's changes in their order.
 */
export async function recordAssetChange(deps: RecordDeps, asset: Asset): Promise<void> {
  const key = assetRecordKey(asset.tenantId, asset.id);
  const before = await readSidecar(deps, key);
  const render = before?.render?.revision === asset.revision ? before.render : null;
  const sidecar: AssetSidecar = { asset: assetRecordOf(asset, asset.readyAt ?? asset.updatedAt), render };
  await putJson(deps, key, sidecar);
}

async function readSidecar(deps: RecordDeps, key: string): Promise<AssetSidecar | null> {
  try {
    const bytes = await deps.storage.getBytes({ bucket: deps.config.storage.bucket, key });
    return parseRecord(AssetSidecar, bytes.toString('utf8'));
  } catch (error) {
    if (error instanceof ObjectNotFoundError) return null;
    throw error;
  }
}

/** A tenant's settings and presets, written each time they change (tenantRecordOf leaves every secret out). */
export async function recordTenant(deps: RecordDeps, tenant: Tenant): Promise<void> {
  await putJson(deps, tenantRecordKey(tenant.id), tenantRecordOf(tenant));
}

/** `recordAssetChange` from the asset's row as it is now, under its lock. */
export async function recordAssetAsItIs(deps: RecordDeps, assetId: string): Promise<void> {
  await deps.db.transaction(async (tx) => {
    const asset = await lockAsset(tx, { id: assetId });
    if (asset) await recordAssetChange(deps, asset);
  });
}
