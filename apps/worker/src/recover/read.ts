import { assetRecordKey, originalKey, variantPrefix } from '@darkroom/core';
import { ASSET_METADATA, AssetRecord, AssetSidecar, parseRecord, RENDER_METADATA, RenderRecord, unpackRecord } from '@darkroom/db';
import type { ListedObject, ObjectMetadata } from '@darkroom/storage';
import type { WorkerDeps } from '../deps.js';
import type { Candidate } from './walk.js';

/** What the bucket says an asset is, and what of it is still there. */
export type AssetPlan =
  /** Rendered at its current revision: ready again, with the variants whose objects are there; the others re-rendered. */
  | { kind: 'ready'; record: AssetRecord; render: RenderRecord; missing: string[] }
  /** No render of its current revision in the bucket: queued for one. */
  | { kind: 'render'; record: AssetRecord }
  /** An original written before originals described themselves, or whose record is unreadable. */
  | { kind: 'undescribed' };

const REVISION_DIR = /^r(\d+)\//;

/** The variant object a rebuild reads the render from: the newest of the highest revision (older ones may carry an older render). */
function newestOfLatestRevision(candidate: Candidate): ListedObject | undefined {
  const prefix = variantPrefix(candidate.tenantId, candidate.assetId);
  const revisionOf = (o: ListedObject) => Number(REVISION_DIR.exec(o.key.slice(prefix.length))?.[1] ?? 0);
  const time = (o: ListedObject) => o.lastModified?.getTime() ?? 0;
  return candidate.variants.filter((o) => revisionOf(o) > 0).sort((a, b) => revisionOf(b) - revisionOf(a) || time(b) - time(a))[0];
}

async function metadataOf(deps: WorkerDeps, bucket: string, key: string): Promise<ObjectMetadata> {
  return (await deps.storage.headObject({ bucket, key })).metadata;
}

/** Every record the bucket holds of the asset, read with as few requests as it allows (one, for a rendered asset). */
async function readRecords(deps: WorkerDeps, candidate: Candidate): Promise<{ records: AssetRecord[]; renders: RenderRecord[] }> {
  const { bucket, publicBucket } = deps.config.storage;
  const records: AssetRecord[] = [];
  const renders: RenderRecord[] = [];
  const variant = newestOfLatestRevision(candidate);
  if (variant) {
    const metadata = await metadataOf(deps, publicBucket, variant.key);
    const render = unpackRecord(RenderRecord, metadata[RENDER_METADATA]);
    const record = unpackRecord(AssetRecord, metadata[ASSET_METADATA]);
    if (render) renders.push(render);
    if (record) records.push(record);
  }
  if (candidate.sidecar) {
    const bytes = await deps.storage.getBytes({ bucket, key: assetRecordKey(candidate.tenantId, candidate.assetId) });
    const sidecar = parseRecord(AssetSidecar, bytes.toString('utf8'));
    if (sidecar) records.push(sidecar.asset);
    if (sidecar?.render) renders.push(sidecar.render);
  }
  if (records.length === 0) {
    const record = unpackRecord(AssetRecord, (await metadataOf(deps, bucket, originalKey(candidate.tenantId, candidate.assetId)))[ASSET_METADATA]);
    if (record) records.push(record);
  }
  return { records, renders };
}

/**
 * Plans an asset's rebuild from what the bucket holds: its newest record (the highest revision: a
 * reframe's record object is newer than the original's metadata), and the render of that revision
 * when one is there. A record that names another asset than its key is not taken.
 */
export async function planAsset(deps: WorkerDeps, candidate: Candidate): Promise<AssetPlan> {
  const { records, renders } = await readRecords(deps, candidate);
  const own = records.filter((r) => r.id === candidate.assetId && r.tenantId === candidate.tenantId);
  const record = own.sort((a, b) => b.revision - a.revision)[0];
  if (!record) return { kind: 'undescribed' };
  const render = renders.find((r) => r.revision === record.revision);
  if (!render) return { kind: 'render', record };
  const prefix = variantPrefix(candidate.tenantId, candidate.assetId);
  const present = new Set(candidate.variants.map((o) => o.key.slice(prefix.length)));
  const missing = render.variants.filter((v) => !present.has(v.key)).map((v) => v.name);
  return { kind: 'ready', record, render, missing };
}
