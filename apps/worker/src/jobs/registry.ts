import {
  ASSET_BACKFILL_QUEUE,
  ASSET_CHUNK_QUEUE,
  ASSET_QUEUE,
  IMPORT_QUEUE,
  JobName,
  WEBHOOK_QUEUE,
  type AssetProcessPayload,
  type ChunkRenderPayload,
  type ImportSlicePayload,
  type WebhookDeliverPayload,
} from '@darkroom/core/queue';
import { JOB_KINDS } from '@darkroom/core/contract/job';
import { getJob } from '@darkroom/db/queries/jobs';
import type { SliceEnd } from '@darkroom/intake/imports';
import type { AssetQueue } from '@darkroom/queue';
import type { Job as QueueJob } from 'bullmq';
import type { WorkerDeps } from '../deps.js';
import type { JobRow } from '../lanes.js';
import { queueNextSlice } from '../imports/imports.js';
import { webhookDeliver } from '../webhooks/deliver.js';
import { assetBackfill } from './asset-backfill.js';
import { assetProcess } from './asset-process.js';
import { assetRescan } from '../moderation/rescan.js';
import { chunkRender, settlePart } from './chunk-render.js';
import { chunkStep } from './chunk-steps.js';

/**
 * Every job the worker runs: its name, its queue, the setting that gives it slots, and its handler.
 * A lane is one row: fresh uploads (WORKER_CONCURRENCY), preset backfills and `npm run recover`'s
 * first renders on their own lane (BACKFILL_CONCURRENCY), so however many of those wait an upload
 * never queues behind them; long videos' parts (RENDER_CONCURRENCY), webhook deliveries
 * (WEBHOOK_CONCURRENCY, apart from the render slots), and imports' slices (IMPORT_SLOTS). Every render passes the one render gate
 * (RENDER_CONCURRENCY slots, MAX_INPUT_PIXELS), which is what bounds the cores and memory they use.
 */
export const JOBS = [
  {
    name: JobName.AssetProcess,
    queue: ASSET_QUEUE,
    slots: (config) => config.concurrency,
    rowKinds: ['process', 'reprocess'],
    // A chunked render's steps travel on their job's lane, under its name.
    handle: (deps, job) => (job.data.step ? chunkStep(deps, job) : assetProcess(deps, job)),
  } satisfies JobRow<AssetProcessPayload>,
  {
    name: JobName.AssetBackfill,
    queue: ASSET_BACKFILL_QUEUE,
    slots: (config) => config.backfillConcurrency,
    rowKinds: ['backfill', 'process', 'rescan'],
    handle: (deps, job, queues) => backfillLaneJob(deps, job, queues.assets),
  } satisfies JobRow<AssetProcessPayload>,
  {
    name: JobName.ChunkRender,
    queue: ASSET_CHUNK_QUEUE,
    // As many parts at once as there are render slots: the render gate bounds them with the rest,
    // and a part never holds a process's last slot against another render (RenderGate's `part`).
    slots: (config) => config.renderConcurrency,
    handle: chunkRender,
    // A part that ended releases its tenant's next one; one failed for good fails its job's render.
    settle: settlePart,
  } satisfies JobRow<ChunkRenderPayload, Awaited<ReturnType<typeof chunkRender>>>,
  {
    name: JobName.WebhookDeliver,
    queue: WEBHOOK_QUEUE,
    slots: (config) => config.webhooks.concurrency,
    handle: (deps, job, queues) => webhookDeliver(deps, queues.webhooks, job.data.deliveryId),
  } satisfies JobRow<WebhookDeliverPayload>,
  {
    name: JobName.ImportSlice,
    queue: IMPORT_QUEUE,
    // Ranked as the backfill lane: slots of their own, so an import never takes a render's slot,
    // and the renders of its files go on the backfill lane (the intake queues them there).
    slots: (config) => config.imports.slots,
    handle: (deps, job) => sliceOf(deps).run(job.data.importId),
    // The import's next slice goes to the back of the queue once this one's entry is gone.
    settle: (deps, job, ended) => queueNextSlice(deps, deps.importQueue!, job.data.importId, ended),
  } satisfies JobRow<ImportSlicePayload, SliceEnd>,
] as const;

/**
 * The backfill lane's entries: re-renders of stale variants, rescans of originals after a signature
 * update (`POST /v1/admin/moderation/rescan`), and the first renders of imported
 * assets and of those `npm run recover` rebuilt without one (their row says `process`), which go on
 * this lane so that however many there are, fresh uploads never wait behind them; and the steps of
 * their chunked renders.
 */
async function backfillLaneJob(deps: WorkerDeps, job: QueueJob<AssetProcessPayload>, queue: AssetQueue) {
  if (job.data.step) return chunkStep(deps, job);
  const row = await getJob(deps.db, { id: job.data.jobId });
  if (row?.kind === 'rescan') return assetRescan(deps, job);
  return row?.kind === 'process' ? assetProcess(deps, job) : assetBackfill(deps, job, queue);
}

/** The process's import slices: startWorker makes them whenever IMPORT_SLOTS gives the lane slots. */
function sliceOf(deps: WorkerDeps) {
  if (!deps.importSlices) throw new Error('an import slice reached a worker that runs no imports');
  return deps.importSlices;
}

/**
 * Why the worker must not boot with this table, in one line (null: it may): a job name or a job
 * row kind that no row handles, whose entries would wait forever, or a name with two rows.
 */
export function jobTableRefusal(
  rows: readonly Pick<JobRow, 'name' | 'rowKinds'>[],
  known: { names: readonly string[]; rowKinds: readonly string[] } = { names: Object.values(JobName), rowKinds: JOB_KINDS },
): string | null {
  const fix = 'add its row to JOBS in apps/worker/src/jobs/registry.ts';
  const names = rows.map((row) => row.name as string);
  const name = known.names.find((n) => !names.includes(n));
  if (name) return `darkroom worker: no handler for job kind ${name}: ${fix}`;
  const kind = known.rowKinds.find((k) => !rows.some((row) => row.rowKinds?.includes(k)));
  if (kind) return `darkroom worker: no handler for job kind ${kind} (a jobs row's kind): ${fix}`;
  const twice = names.find((n, i) => names.indexOf(n) !== i);
  return twice ? `darkroom worker: job kind ${twice} has two rows in JOBS (apps/worker/src/jobs/registry.ts): keep one` : null;
}

/** Throws the refusal's line (startWorker's first step; start.ts ends the process with it, as it does for a bad setting). */
export function checkJobTable(rows: readonly Pick<JobRow, 'name' | 'rowKinds'>[] = JOBS): void {
  const refusal = jobTableRefusal(rows);
  if (refusal) throw new Error(refusal);
}
