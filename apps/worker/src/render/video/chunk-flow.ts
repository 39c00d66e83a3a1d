import { isHlsSpec, type HlsVariantSpec, type VariantSpec } from '@darkroom/core/presets';
import type { ChunkPart, ChunkRenderPayload } from '@darkroom/core/queue';
import { recordJobProgress } from '@darkroom/db/queries/jobs';
import type { Asset, Job } from '@darkroom/db/schema';
import { halveHlsChunks, lowestRung, piecesDecodeNearTheirRange, planHlsChunks, planHlsLadder, type VideoProbe } from '@darkroom/media';
import { chunkEntryId, isLiveState, type ChunkFlowRef, type ChunkStepRef } from '@darkroom/queue';
import type { WorkerDeps } from '../../deps.js';
import { chunkObjects, partKey, planHashOf, rangesOf, type ChunkFlow, type ChunkPlan, type LadderObjects } from './chunk-objects.js';
import type { RenderContext } from '../context.js';
import { ladderSpecOf } from './hls.js';
import { ladderShare } from './weights.js';

/**
 * Whether this video's ladders are rendered in chunks: longer than VIDEO_CHUNK_SECONDS, where a
 * chunk queue runs, and with keyframes near enough that no piece of any ladder decodes far outside
 * its range (media's piecesDecodeNearTheirRange); else in one pass, which decodes it once.
 */
export async function rendersInChunks(ctx: RenderContext, probe: VideoProbe, specs: readonly VariantSpec[], signal: AbortSignal): Promise<boolean> {
  if (ctx.deps.chunkQueue === undefined || probe.durationSeconds <= ctx.deps.config.video.chunkSeconds) return false;
  for (const spec of specs.filter(isHlsSpec)) {
    const pieces = rangesOf(planOf(ctx, probe, spec), 'upper');
    if (!(await piecesDecodeNearTheirRange(ctx.original.path, probe, pieces, { signal }))) return false;
  }
  return true;
}

/**
 * A long video's ladders across the workers, planned by the job's own entry, which then ends: each
 * ladder's plan is stored beside its chunks (under its hash), then the flow naming them, and the
 * parts not stored yet wait in the tenant's line (`ChunkPartQueue`): the audio and the lowest rung
 * first, then the other rungs from one decode, every rung in pieces of half a chunk. A retry finds
 * the parts of the same plan stored and renders only the others; a plan that changed (the preset)
 * has another hash, so its parts never meet the old ones. The job's row stays `active` until its
 * join step records the render (or the job fails): the parts' ends queue the interim and join steps
 * (`advanceFlow`), and the reconciler queues again whatever Redis lost (`reconcileChunkFlow`).
 */
export async function queueChunkedRender(ctx: RenderContext, row: Job, probe: VideoProbe, specs: readonly VariantSpec[]): Promise<void> {
  const { deps, asset } = ctx;
  const objects = chunkObjects(deps, asset, row.id);
  const previous = await objects.readFlow();
  const plans = specs.filter(isHlsSpec).map((spec) => planOf(ctx, probe, spec));
  const flow: ChunkFlow = {
    ladders: plans.map((plan) => ({ name: plan.variant.name, planHash: planHashOf(plan) })),
    // A retry's flow keeps its first attempt's choice: an interim stream it published is this job's to take down.
    interim: previous?.interim ?? !asset.playable,
    progressShare: ladderShare(probe, specs),
  };
  for (const [i, plan] of plans.entries()) await objects.ladder(plan.variant.name, flow.ladders[i]!.planHash).writePlan(plan);
  await objects.writeFlow(flow);
  const state = await readFlowState(deps, asset, row.id, flow);
  await trackParts(deps, flowRef(asset, row), state, 'again');
  await advanceFlow(deps, asset, row, flow, state);
}

export const flowRef = (asset: Pick<Asset, 'tenantId'>, row: Pick<Job, 'id' | 'lane'>): ChunkFlowRef => ({
  jobId: row.id,
  tenantId: asset.tenantId,
  lane: row.lane,
});

function planOf(ctx: RenderContext, probe: VideoProbe, variant: HlsVariantSpec): ChunkPlan {
  const spec = ladderSpecOf(variant);
  const chunks = planHlsChunks(probe.durationSeconds, spec.segmentSeconds, ctx.deps.config.video.chunkSeconds);
  const rungs = planHlsLadder(variant, probe).map((_, index) => index);
  const pieces = halveHlsChunks(chunks, spec.segmentSeconds);
  return { variant, probe, spec, chunks, lowestPieces: pieces, upperPieces: pieces, lowest: lowestRung(spec, probe), rungs };
}

export interface FlowPart {
  payload: ChunkRenderPayload;
  /** Its share of its ladder's encoding (pixels × seconds). */
  weight: number;
  done: boolean;
}

export interface FlowLadder {
  name: string;
  plan: ChunkPlan;
  objects: LadderObjects;
  parts: FlowPart[];
}

/** Where a flow stands: each ladder's plan and parts, done when their marker is stored (whatever the queue says). */
export interface FlowState {
  ladders: FlowLadder[];
}

export const partsOfState = (state: FlowState) => state.ladders.flatMap((l) => l.parts);

/** The flow's ladders as stored: each plan, and one listing of its markers. */
export async function readFlowState(deps: WorkerDeps, asset: Pick<Asset, 'tenantId' | 'id'>, jobId: string, flow: ChunkFlow): Promise<FlowState> {
  const objects = chunkObjects(deps, asset, jobId);
  const ladders: FlowLadder[] = [];
  for (const { name, planHash } of flow.ladders) {
    const ladder = objects.ladder(name, planHash);
    const plan = await ladder.readPlan();
    if (!plan) throw new Error(`the plan of ladder ${name} is missing`);
    const done = await ladder.listDone();
    const parts = partsOf(plan, { jobId, assetId: asset.id, ladder: name, planHash }).map((p) => ({
      ...p,
      done: done.has(partKey(p.payload.part, p.payload.chunk)),
    }));
    ladders.push({ name, plan, objects: ladder, parts });
  }
  return { ladders };
}

function partsOf(plan: ChunkPlan, base: Omit<ChunkRenderPayload, 'chunk' | 'part'>): Omit<FlowPart, 'done'>[] {
  const frames = planHlsLadder(plan.spec, plan.probe).map((r) => r.output.width * r.output.height);
  const lowestPixels = frames[plan.lowest] ?? 0;
  const upperPixels = frames.reduce((sum, pixels) => sum + pixels, 0) - lowestPixels;
  const part = (chunk: number, kind: ChunkPart, weight: number) => ({ payload: { ...base, chunk, part: kind }, weight });
  const seconds = (c: { startSeconds: number; endSeconds: number }) => c.endSeconds - c.startSeconds;
  // Audio is weighed as a small share: one AAC encode of the whole file is quick beside any rung.
  const audio = part(0, 'audio', (lowestPixels * plan.probe.durationSeconds) / 10);
  const lowest = rangesOf(plan, 'lowest').map((c) => part(c.index, 'lowest', lowestPixels * seconds(c)));
  const upper = upperPixels > 0 ? rangesOf(plan, 'upper').map((c) => part(c.index, 'upper', upperPixels * seconds(c))) : [];
  return [audio, ...lowest, ...upper];
}

/** Whether the ladder's audio and every piece of its lowest rung are stored: its interim stream can be joined. */
export const lowestStored = (ladder: FlowLadder) => ladder.parts.every((p) => p.done || p.payload.part === 'upper');

/**
 * Every part not stored and not on its way (held in the tenant's line, or a live entry) is held
 * again: lost with Redis, or ended without its files. An entry that failed for good is run again
 * (`again`: a new attempt's plan) or reported (`report`: the reconciler fails the job with its reason).
 */
export async function trackParts(
  deps: WorkerDeps,
  ref: ChunkFlowRef,
  state: FlowState,
  failed: 'again' | 'report',
): Promise<{ held: number; failedReason: string | null }> {
  const parts = deps.chunkQueue!;
  const held = await parts.held(ref.jobId);
  const lost: ChunkRenderPayload[] = [];
  for (const { payload, done } of partsOfState(state)) {
    if (done || held.has(chunkEntryId(payload))) continue;
    const entry = await parts.queue.getJob(chunkEntryId(payload));
    const entryState = entry ? await entry.getState() : 'unknown';
    if (isLiveState(entryState)) continue;
    if (entryState === 'failed' && failed === 'report') return { held: 0, failedReason: entry!.failedReason ?? 'a chunk part failed' };
    if (entry) await parts.forget(payload);
    lost.push(payload);
  }
  await parts.hold(ref, lost);
  return { held: lost.length, failedReason: null };
}

/** The steps the flow's markers call for now: each ladder's interim stream once its lowest rung is stored, the join once every part is. */
export async function dueSteps(state: FlowState, flow: ChunkFlow, attempt: number): Promise<ChunkStepRef[]> {
  if (state.ladders.every((l) => l.parts.every((p) => p.done))) return [{ step: 'join', attempt }];
  const steps: ChunkStepRef[] = [];
  for (const ladder of state.ladders) {
    if (flow.interim && lowestStored(ladder) && !(await ladder.objects.readInterim())) steps.push({ step: 'interim', attempt, ladder: ladder.name });
  }
  return steps;
}

/**
 * What a stored part moves on: the job's progress (its ladders' share, by the weight of the parts
 * stored), and the steps now due, queued on the job's lane at its rank (a step already queued stays as it is).
 */
export async function advanceFlow(
  deps: WorkerDeps,
  asset: Pick<Asset, 'tenantId' | 'id'>,
  row: Job,
  flow: ChunkFlow,
  known?: FlowState,
): Promise<void> {
  const state = known ?? (await readFlowState(deps, asset, row.id, flow));
  const parts = partsOfState(state);
  const total = parts.reduce((sum, p) => sum + p.weight, 0) || 1;
  const stored = parts.reduce((sum, p) => sum + (p.done ? p.weight : 0), 0);
  await recordJobProgress(deps.db, { id: row.id, assetId: asset.id, progress: (flow.progressShare * stored) / total });
  for (const step of await dueSteps(state, flow, row.attempts)) await deps.assetQueue!.enqueueStep(row, step);
}

/**
 * The flow's parts taken off the queue: its line in Redis, and its entries that are not running
 * (a running one ends by itself: its job ended, its asset went, or its plan was replaced).
 */
export async function dropFlow(
  deps: WorkerDeps,
  asset: Pick<Asset, 'tenantId' | 'id'>,
  row: Pick<Job, 'id' | 'lane'>,
  flow: ChunkFlow,
): Promise<void> {
  const parts = await readFlowState(deps, asset, row.id, flow).then(partsOfState, () => []);
  await deps.chunkQueue!.drop(
    flowRef(asset, row),
    parts.map((p) => p.payload),
  );
}
