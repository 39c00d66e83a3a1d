import type { FaceRedaction } from '@darkroom/core/delivery';
import { isImageSpec, specsForKind, variantSpecHash, type Preset, type VariantSpec } from '@darkroom/core/presets';
import { variantRevisionPrefix } from '@darkroom/core/keys';
import type { AssetBackfillPayload } from '@darkroom/core/queue';
import type { AssetKind } from '@darkroom/core/content-types';
import { completeJob } from '@darkroom/db/queries/jobs';
import { getAsset, lockAsset, transitionAsset } from '@darkroom/db/queries/assets';
import type { Asset, Job, Variant } from '@darkroom/db/schema';
import type { AssetQueue } from '@darkroom/queue';
import type { Job as QueueJob } from 'bullmq';
import { feedBackfill } from '../backfill-feed.js';
import type { WorkerDeps } from '../deps.js';
import { describeVariants, processedOf } from '../records.js';
import type { ChunkFlow } from '../render/video/chunk-objects.js';
import type { ChunkMode, ChunksQueued } from '../render/context.js';
import { fetchOriginal } from '../render/fetch-original.js';
import { renderAudio } from '../render/render-audio.js';
import { renderImageVariants } from '../render/render-image.js';
import { renderVideo } from '../render/video/index.js';
import { stageTimer, type StageTimer } from '../render/stage-timer.js';
import { currentVariants, deleteSupersededObjects, replaceVariantRows } from '../render/store-variants.js';
import type { StoredVariant } from '../render/usage.js';
import { presetOfAsset } from './asset-preset.js';
import { backfillFaces, facesOwed } from './faces-backfill.js';
import { redactionPurgeList, settleRedaction } from './redaction-backfill.js';
import { redactionOf, tenantRedaction, type TenantRedaction } from '../render/redaction.js';
import { runAttempt, type Skipped } from './attempt.js';

/**
 * `chunked`: a long video's ladders were planned and their parts queued; the job's join step records the render.
 * `faces`: whether the job searched the asset's faces and recorded them (the faces backfill).
 */
export type AssetBackfillResult =
  | { outcome: 'backfilled'; rendered: number; removed: number; faces?: boolean }
  | { outcome: 'up-to-date'; faces?: boolean }
  | { outcome: 'chunked' }
  | Skipped;

export interface BackfillPlan {
  /** Specs whose row is missing or records another spec hash (or, for an image variant, another redaction). */
  render: VariantSpec[];
  /** Names of rows the preset no longer has. */
  remove: string[];
  /** Whether an image variant is among `render` for its redaction alone: the tenant's `enforceFaceRedaction` changed. */
  redaction: boolean;
}

/**
 * What is stale about an asset's variants now (the same rule as @darkroom/db's findStaleAssets): an
 * image has no video renditions to be stale.
 */
export function planBackfill(
  preset: Preset,
  rows: readonly Variant[],
  kind: AssetKind = 'image',
  options: { revisionPrefix?: string | undefined; redaction?: FaceRedaction | null | undefined } = {},
): BackfillPlan {
  const { revisionPrefix, redaction } = options;
  const byName = new Map(rows.map((r) => [r.name, r]));
  const names = new Set(preset.variants.map((s) => s.name));
  // With `revisionPrefix` (where an image's variants of its current crop live), a variant of an older crop is stale too.
  const stale = (spec: VariantSpec, row: Variant | undefined) =>
    row?.specHash !== variantSpecHash(spec) || (revisionPrefix !== undefined && !row.key.startsWith(revisionPrefix));
  // With `redaction` (what the tenant's policy wants of this asset's image variants), one that carries another is stale too.
  const unredacted = (spec: VariantSpec, row: Variant | undefined) =>
    redaction !== undefined && isImageSpec(spec) && row !== undefined && (row.redaction ?? null) !== redaction;
  const specs = specsForKind(preset.variants, kind);
  return {
    render: specs.filter((spec) => stale(spec, byName.get(spec.name)) || unredacted(spec, byName.get(spec.name))),
    remove: rows.filter((r) => !names.has(r.name)).map((r) => r.name),
    redaction: specs.some((spec) => unredacted(spec, byName.get(spec.name))),
  };
}

/**
 * AssetBackfill: re-renders only the stale variants of a `ready` asset after its preset changed.
 * The asset stays `ready` throughout, serving its old variants until the new rows are committed;
 * the objects they replace are deleted only after that. Idempotent: the plan is computed when the
 * job runs, so a redelivered job (or one whose work another already did) finds nothing to do.
 * A failed backfill leaves the asset ready with its old variants: nothing to mark on it. Once the
 * attempt is over, the backfill that queued the job tops its window up (`feedBackfill`).
 */
export async function assetBackfill(deps: WorkerDeps, job: QueueJob<AssetBackfillPayload>, queue: AssetQueue): Promise<AssetBackfillResult> {
  return runAttempt(deps, job, {
    skipReason: (asset) => (asset?.status === 'ready' ? null : asset ? `asset is ${asset.status}` : 'asset deleted'),
    run: (asset, row) => backfill(deps, asset, { jobId: job.data.jobId, chunks: deps.chunkQueue ? { mode: 'plan', row } : undefined }),
    settled: async (row) => {
      if (row.backfillId) await feedBackfill(deps, queue, row.backfillId);
    },
  });
}

/** The join step of a backfill in chunks: its stale variants as the job's entry would have made them, from the stored parts, recorded. */
export async function recordJoinedBackfill(deps: WorkerDeps, asset: Asset, row: Job, flow: ChunkFlow): Promise<AssetBackfillResult> {
  if (asset.status !== 'ready') {
    await completeJob(deps.db, { id: row.id });
    return { outcome: 'skipped', reason: `asset is ${asset.status}` };
  }
  return backfill(deps, asset, { jobId: row.id, chunks: { mode: 'join', row, flow } });
}

async function backfill(deps: WorkerDeps, first: Asset, run: { jobId: string; chunks?: ChunkMode | undefined }): Promise<AssetBackfillResult> {
  const { jobId } = run;
  // First, and alone of the job when its variants are up to date: the faces backfill queues jobs for assets whose faces are owed.
  const faces = facesOwed(deps, first) ? await backfillFaces(deps, first, { jobId, stages: stageTimer(deps, first.kind, 'backfill') }) : undefined;
  const found = faces === undefined ? {} : { faces };
  // Faces just found: the redaction the policy wants follows them.
  const asset = faces ? ((await getAsset(deps.db, { id: first.id })) ?? first) : first;
  const policy = await tenantRedaction(deps, asset.tenantId);
  const plan = await planOf(deps, asset, policy);
  const { previous } = plan;
  // Listed before the variants change, so it names the objects a CDN may hold.
  const purge = await redactionPurgeList(deps, asset, plan.redaction);
  if (plan.render.length === 0 && plan.remove.length === 0) {
    await settleRedaction(deps, asset, policy, purge);
    await completeJob(deps.db, { id: jobId });
    return { outcome: 'up-to-date', ...found };
  }
  const stages = stageTimer(deps, asset.kind, 'backfill');
  const stored = new Set(previous.map((v) => v.key));
  // The rows of the revision this backfill leaves as they are: the new objects' render record lists them too.
  const kept = previous.filter((v) => !plan.remove.includes(v.name));
  const records = plan.render.length > 0 ? await renderStale(deps, asset, plan.render, { jobId, stored, kept, stages, chunks: run.chunks }) : [];
  if ('chunksQueued' in records) return { outcome: 'chunked' };
  await stages.time('record', () => record(deps, { asset, jobId, records, plan, previous }));
  await settleRedaction(deps, asset, policy, purge);
  return { outcome: 'backfilled', rendered: records.length, removed: plan.remove.length, ...found };
}

/** What is stale about the asset's variants now: its preset's specs, its crop, and the redaction its tenant's policy wants. */
async function planOf(deps: WorkerDeps, asset: Asset, policy: TenantRedaction): Promise<BackfillPlan & { previous: Variant[] }> {
  const preset = await presetOfAsset(deps, asset);
  const previous = await currentVariants(deps, asset.id);
  // Revision 1's variants may predate revision prefixes (`{name}-{specHash}` keys): only a new crop makes them stale.
  const reframed = asset.kind === 'image' && asset.revision > 1;
  const revisionPrefix = reframed ? variantRevisionPrefix(asset.tenantId, asset.id, asset.revision) : undefined;
  const redaction = redactionOf(policy.enforced, asset.faces);
  return { ...planBackfill(preset, previous, asset.kind, { revisionPrefix, redaction }), previous };
}

/** Commits the new rows (the asset stays ready), then deletes the objects no row points at any more. */
async function record(
  deps: WorkerDeps,
  { asset, jobId, records, plan, previous }: { asset: Asset; jobId: string; records: StoredVariant[]; plan: BackfillPlan; previous: Variant[] },
): Promise<void> {
  await deps.db.transaction(async (tx) => {
    // A new crop meanwhile: these renders are of the old one; the retry plans again from the new.
    const current = await lockAsset(tx, { id: asset.id });
    if (current && current.revision !== asset.revision) throw new Error('the asset was cropped while its variants were re-rendered');
    // The rows first: the transition writes the asset.updated event, which reads the variants in
    // this transaction, so it must see the new ones (not those whose objects are deleted below).
    await replaceVariantRows(tx, deps, { asset, jobId, records, removedNames: plan.remove });
    // Still ready (not deleted meanwhile), else all of it rolls back; updatedAt moves, as the variants changed.
    const still = await transitionAsset(tx, { id: asset.id, from: ['ready'], to: 'ready' });
    if (!still) throw new Error('the asset changed while its variants were re-rendered');
    await completeJob(tx, { id: jobId });
  });
  const replaced = new Set([...plan.render.map((s) => s.name), ...plan.remove]);
  const kept = [...previous.filter((v) => !replaced.has(v.name)).map((v) => v.key), ...records.map((r) => r.key)];
  await deleteSupersededObjects(deps, asset, previous, kept);
}

/**
 * Streams the original to a temp file, renders the stale specs from it, and uploads the results,
 * but for outputs already `stored` under a current row's key (a changed spec that renders the same
 * bytes for this photo, such as a larger box than the photo): those keep their object as it is.
 */
async function renderStale(
  deps: WorkerDeps,
  asset: Asset,
  specs: VariantSpec[],
  options: { jobId: string; stored: ReadonlySet<string>; kept: readonly Variant[]; stages: StageTimer; chunks: ChunkMode | undefined },
): Promise<StoredVariant[] | ChunksQueued> {
  const { jobId, stored, kept, stages, chunks } = options;
  const original = await stages.time('download', () => fetchOriginal(deps, asset));
  try {
    const ctx = { deps, asset, original, jobId, stages, chunks };
    if (asset.kind === 'video') {
      const rendered = await stages.time('render', () => renderVideo(ctx, specs, { poster: false }));
      return 'chunksQueued' in rendered ? rendered : rendered.records;
    }
    if (asset.kind === 'audio') return (await stages.time('render', () => renderAudio(ctx, specs, { firstRender: false }))).records;
    // Cut as every other variant of the asset is.
    const describe = () => describeVariants(deps, asset, processedOf(asset), kept);
    return (await renderImageVariants(ctx, { specs, framed: true, stored, describe })).records;
  } finally {
    await original.cleanup();
  }
}
