import { assetRecordKey, variantPrefix } from '@darkroom/core/keys';
import type { Visibility } from '@darkroom/core/private-links';
import { ASSET_METADATA, parseRecord, RENDER_METADATA, unpackRecord } from '@darkroom/db/records/codec';
import {
  AssetRecord,
  AssetSidecar,
  placeOf,
  rebuiltStatus,
  RenderRecord,
  VariantAssetRecord,
  withTenantWords,
} from '@darkroom/db/records/asset-record';
import { assetObjectLocation, type ObjectLocation, type ObjectMetadata } from '@darkroom/storage';
import type { WorkerDeps } from '../deps.js';
import type { Candidate, PlacedObject } from './walk.js';

/**
 * What the bucket says an asset is, and what of it is still there. `objectsVisibility`: where its
 * variants were found (a move owed when that is not where its visibility says).
 */
export type AssetPlan =
  /** Rendered at its current revision: ready (or held) again, with the variants whose objects are there; the others re-rendered. */
  | { kind: 'ready'; record: AssetRecord; render: RenderRecord; missing: string[]; objectsVisibility: Visibility }
  /** No render of its current revision in the bucket (or a held one's, incomplete): queued for one. `quarantinedAt`: a restore's, cut off. */
  | { kind: 'render'; record: AssetRecord; objectsVisibility: Visibility; quarantinedAt: Date | null }
  /** Rejected by moderation: rebuilt rejected, its original where it was found (in quarantine since `quarantinedAt`), nothing queued. */
  | { kind: 'rejected'; record: AssetRecord; quarantinedAt: Date | null }
  /** An original written before originals described themselves, or whose record is unreadable. */
  | { kind: 'undescribed' };

const REVISION_DIR = /^r(\d+)\//;

/** The variant object a rebuild reads the render from: the newest of the highest revision (older ones may carry an older render). */
function newestOfLatestRevision(candidate: Candidate): PlacedObject | undefined {
  const prefix = variantPrefix(candidate.tenantId, candidate.assetId);
  const revisionOf = (o: PlacedObject) => Number(REVISION_DIR.exec(o.key.slice(prefix.length))?.[1] ?? 0);
  const time = (o: PlacedObject) => o.lastModified?.getTime() ?? 0;
  return candidate.variants.filter((o) => revisionOf(o) > 0).sort((a, b) => revisionOf(b) - revisionOf(a) || time(b) - time(a))[0];
}

async function metadataOf(deps: WorkerDeps, location: ObjectLocation): Promise<ObjectMetadata> {
  return (await deps.storage.headObject(location)).metadata;
}

/** The record on the original (written by `complete`), or null when it has none it can read. */
async function originalRecord(deps: WorkerDeps, candidate: Candidate): Promise<AssetRecord | null> {
  const original = { bucket: deps.config.storage.bucket, key: candidate.original.key };
  return unpackRecord(AssetRecord, (await metadataOf(deps, original))[ASSET_METADATA]);
}

/**
 * Every record the bucket holds of the asset, read with as few requests as it allows (two, for a
 * rendered asset: its variant's and its original's). The record object's comes first: of one
 * revision it is the newest, since a visibility change writes it and leaves the variants' (a move
 * copies them, metadata and all). A variant's record lacks what the tenant wrote, which never
 * changes after `complete`: it is taken from the record object or the original (a variant written
 * before it was left out carries it still).
 */
async function readRecords(deps: WorkerDeps, candidate: Candidate): Promise<{ records: AssetRecord[]; renders: RenderRecord[] }> {
  const { bucket } = deps.config.storage;
  const records: AssetRecord[] = [];
  const renders: RenderRecord[] = [];
  if (candidate.sidecar) {
    const bytes = await deps.storage.getBytes({ bucket, key: assetRecordKey(candidate.tenantId, candidate.assetId) });
    const sidecar = parseRecord(AssetSidecar, bytes.toString('utf8'));
    if (sidecar) records.push(sidecar.asset);
    if (sidecar?.render) renders.push(sidecar.render);
  }
  const variant = newestOfLatestRevision(candidate);
  if (variant) {
    const metadata = await metadataOf(deps, assetObjectLocation(deps.config.storage, variant.visibility, variant.key));
    const render = unpackRecord(RenderRecord, metadata[RENDER_METADATA]);
    if (render) renders.push(render);
    const whole = unpackRecord(AssetRecord, metadata[ASSET_METADATA]);
    const partial = whole ? null : unpackRecord(VariantAssetRecord, metadata[ASSET_METADATA]);
    if (whole) records.push(whole);
    if (partial) {
      const words = records[0] ?? (await originalRecord(deps, candidate));
      if (words?.id === partial.id) records.push(withTenantWords(partial, words));
      else if (words) records.push(words);
    }
  }
  if (records.length === 0) {
    const record = await originalRecord(deps, candidate);
    if (record) records.push(record);
  }
  return { records, renders };
}

/**
 * Where the asset's objects are: where its visibility says, unless some were found in the other
 * place (a move owed, or cut off midway), which the worker's move then gathers.
 */
function objectsVisibilityOf(candidate: Candidate, visibility: Visibility): Visibility {
  return candidate.variants.find((o) => o.visibility !== visibility)?.visibility ?? visibility;
}

/**
 * Plans an asset's rebuild from what the bucket holds: its newest record (the highest revision: a
 * reframe's record object is newer than the original's metadata; of one revision, the record
 * object's, which a moderation change writes), and the render of that revision when one is there.
 * A record that names another asset than its key is not taken. What moderation keeps back is never
 * planned `ready` (db's rebuiltStatus).
 */
export async function planAsset(deps: WorkerDeps, candidate: Candidate): Promise<AssetPlan> {
  const { records, renders } = await readRecords(deps, candidate);
  const own = records.filter((r) => r.id === candidate.assetId && r.tenantId === candidate.tenantId);
  const record = own.sort((a, b) => b.revision - a.revision)[0];
  if (!record) return { kind: 'undescribed' };
  // About when the sweep moved it: the copy's own date.
  const quarantinedAt = candidate.quarantined ? (candidate.original.lastModified ?? new Date()) : null;
  const objectsVisibility = objectsVisibilityOf(candidate, placeOf(record));
  const render = renders.find((r) => r.revision === record.revision);
  const status = rebuiltStatus(record, render !== undefined, { objectsVisibility, quarantinedAt });
  if (status === 'rejected') return { kind: 'rejected', record, quarantinedAt };
  if (!render || status === 'queued') return { kind: 'render', record, objectsVisibility, quarantinedAt };
  const prefix = variantPrefix(candidate.tenantId, candidate.assetId);
  const present = new Set(candidate.variants.map((o) => o.key.slice(prefix.length)));
  const missing = render.variants.filter((v) => !present.has(v.key)).map((v) => v.name);
  // A backfill renders only for a ready asset: a held one missing some is rendered whole again, and stays held.
  if (status === 'held' && missing.length > 0) return { kind: 'render', record, objectsVisibility, quarantinedAt };
  return { kind: 'ready', record, render, missing, objectsVisibility };
}
