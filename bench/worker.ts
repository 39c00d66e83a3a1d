import { availableParallelism } from 'node:os';
import { readFile } from 'node:fs/promises';
import { combineCpu, cpuSecondsOf, freePort, mb, memoryOf } from './support.js';
import { ratio, type BenchRow } from './table.js';
import { variantBytes, variantBytesRows } from './worker-bytes.js';
import { midSizeThroughput } from './worker-mid.js';
import { bareRenderMs, bareSharpLoop, cameraPhotos, hundredMegapixel, midSizePhotos, type BenchInput } from './worker-inputs.js';
import { addTimed, finishedJobs, pipelinePass, type Rig, startRig, type Timed, upload, waitForFinished } from './worker-rig.js';
import { median } from '../test/support/flood.js';

const CORES = availableParallelism();
/** Jobs of the memory run, and the point where its first half ends. */
const MEMORY_JOBS = 200;
const LATENCY_SAMPLES = 7;

async function pipelineMs(inputs: readonly BenchInput[], workers: number): Promise<Timed> {
  const rig = await startRig(workers);
  try {
    return await pipelinePass(rig, inputs);
  } finally {
    await rig.close();
  }
}

/** The bare loop, in this process (the loop is all it does meanwhile), with the same CPU split as the worker's. */
async function bareWithSplit(photos: readonly BenchInput[]): Promise<Timed> {
  const before = cpuSecondsOf(process.pid);
  const ms = await bareSharpLoop(photos, CORES);
  return { ms, cpu: combineCpu(cpuSecondsOf(process.pid), before, -1) };
}

/**
 * Worker throughput against the bare sharp loop, in the order bare, pipeline, pipeline, bare (as
 * the API bench does): the VM's speed drifts over minutes, and a single bare run followed by a
 * single pipeline run put that drift straight into the ratio
 * (docs/performance.md#how-far-to-trust-a-run). Each side's figure is the sum of its two runs.
 */
async function throughput(photos: readonly BenchInput[]): Promise<{ bare: Timed; pipeline: Timed }> {
  const rig = await startRig(1);
  try {
    const bareFirst = await bareWithSplit(photos);
    const pipeline = addTimed(await pipelinePass(rig, photos), await pipelinePass(rig, photos));
    const bare = addTimed(bareFirst, await bareWithSplit(photos));
    return { bare, pipeline };
  } finally {
    await rig.close();
  }
}

export interface LatencyFigures {
  p50: number;
  renderP50: number;
  /** Medians of the parts: the complete call, complete answered → job started, job started → finished. */
  parts: { complete: number; pickup: number; job: number };
  /** Mean ms per job of each stage the worker records (darkroom_asset_job_stage_seconds). */
  stages: Record<string, number>;
}

/** The labels of one exposition line's `{a="x",b="y"}`, in whatever order the library wrote them. */
const labelsOf = (set: string) => Object.fromEntries([...set.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1]!, m[2]!]));

/** Seconds summed and jobs counted of each image job stage so far, from the worker's /metrics. */
export async function stageTotals(metricsPort: number): Promise<{ sums: Map<string, number>; counts: Map<string, number> }> {
  const text = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
  const read = (suffix: string) => {
    const byStage = new Map<string, number>();
    for (const m of text.matchAll(new RegExp(`^darkroom_asset_job_stage_seconds_${suffix}\\{([^}]*)\\} (\\S+)$`, 'gm'))) {
      const labels = labelsOf(m[1]!);
      if (labels.kind === 'image' && (labels.job ?? 'process') === 'process' && labels.stage) byStage.set(labels.stage, Number(m[2]));
    }
    return byStage;
  };
  return { sums: read('sum'), counts: read('count') };
}

/** Mean ms of each image job stage (histogram sum / count). */
async function stageMeans(metricsPort: number): Promise<Record<string, number>> {
  const { sums, counts } = await stageTotals(metricsPort);
  return Object.fromEntries([...sums].map(([stage, sum]) => [stage, (sum / counts.get(stage)!) * 1000]));
}

/** Idle worker: complete → ready for single uploads, one at a time; and sharp alone on the same file. */
async function latency(input: BenchInput): Promise<LatencyFigures> {
  const metricsPort = await freePort();
  const rig = await startRig(1, { METRICS_HOST: '127.0.0.1', METRICS_PORT: String(metricsPort) });
  try {
    const samples: number[] = [];
    const parts = { complete: [] as number[], pickup: [] as number[], job: [] as number[] };
    for (let i = 0; i < LATENCY_SAMPLES; i++) {
      const { asset, parts: uploadParts } = await rig.tenant.upload(new Uint8Array(await readFile(input.path)), {
        filename: 'latency.jpg',
        contentType: 'image/jpeg',
      });
      const before = await finishedJobs(rig);
      const started = performance.now();
      const startedAt = Date.now();
      const res = await rig.tenant.request('POST', `/v1/uploads/${asset.id}/complete`, uploadParts ? { parts: uploadParts } : {});
      const answered = performance.now();
      await waitForFinished(rig, before + 1);
      samples.push(performance.now() - started);
      const job = await rig.db.query.jobs.findFirst({ where: (j, { eq: equals }) => equals(j.id, res.body.job.id) });
      parts.complete.push(answered - started);
      parts.pickup.push(job!.startedAt!.getTime() - startedAt - (answered - started));
      parts.job.push(job!.finishedAt!.getTime() - job!.startedAt!.getTime());
    }
    const stages = await stageMeans(metricsPort);
    const renders: number[] = [];
    for (let i = 0; i < LATENCY_SAMPLES; i++) renders.push(await bareRenderMs(input.path));
    return {
      p50: median(samples),
      renderP50: median(renders),
      parts: { complete: median(parts.complete), pickup: median(parts.pickup), job: median(parts.job) },
      stages,
    };
  } finally {
    await rig.close();
  }
}

/** `+29 ms`, `−116 ms`: how far the pipeline's latency is over sharp's render, or under it. */
const signedMs = (ms: number) => `${ms < 0 ? '−' : '+'}${Math.abs(Math.round(ms))} ms`;

const latencyRow = (lat: LatencyFigures, photo = 'camera photo'): BenchRow => ({
  metric: `latency p50 complete→ready (idle, ${photo})`,
  darkroom: `${Math.round(lat.p50)} ms`,
  baseline: `${Math.round(lat.renderP50)} ms render`,
  ratio: signedMs(lat.p50 - lat.renderP50),
  goal: '≤ render + 150 ms',
  met: lat.p50 <= lat.renderP50 + 150 ? 'yes' : 'no',
});

const JOB_STAGES = ['download', 'render_wait', 'render', 'upload', 'record'] as const;

const latencyPartsRows = (lat: LatencyFigures): BenchRow[] => [
  {
    metric: 'latency parts: complete call, pickup, job',
    darkroom: `${Math.round(lat.parts.complete)} + ${Math.round(lat.parts.pickup)} + ${Math.round(lat.parts.job)} ms`,
    baseline: '—',
    ratio: '—',
    goal: '—',
    met: '—',
  },
  {
    metric: `job stages (means): ${JOB_STAGES.join(', ')}`,
    darkroom: `${JOB_STAGES.map((stage) => Math.round(lat.stages[stage] ?? Number.NaN)).join(' + ')} ms`,
    baseline: '—',
    ratio: '—',
    goal: '—',
    met: '—',
  },
];

/**
 * The worker's memory once a wave has settled: its last job's commit is not the end of its work
 * (superseded objects, events), and jemalloc hands freed pages back after a second (start.sh). So
 * both points measure what the process keeps, not what one of them happened to catch in flight.
 */
async function settledMemory(rig: Rig) {
  await new Promise((resolve) => setTimeout(resolve, 2000));
  return memoryOf(rig.workers[0]!.pid!);
}

/** The memory run's inputs: the camera photos with a 100 MP JPEG after the first 12 and a 100 MP PNG last. */
export const memoryMix = (photos: readonly BenchInput[], huge: readonly BenchInput[]): BenchInput[] => [
  ...photos.slice(0, 12),
  huge[0]!,
  ...photos.slice(12),
  huge[1]!,
];

/** What a memory run's rig runs with besides the bench's own: worker settings, and a step on the fresh rig before any upload. */
export interface MemorySetup {
  workerEnv?: Record<string, string>;
  prepare?: (rig: Rig) => Promise<void>;
}

/**
 * 200 jobs through one worker process, two of them 100 MP (a JPEG and a PNG): the camera photos and
 * the big ones are uploaded once, then reprocessed in waves. VmHWM and RSS after about 100 and 200.
 */
export async function memory(inputs: readonly BenchInput[], setup: MemorySetup = {}) {
  const rig = await startRig(1, setup.workerEnv);
  try {
    await setup.prepare?.(rig);
    const assetIds: string[] = [];
    for (const input of inputs) assetIds.push((await upload(rig, input)).asset.id);
    await waitForFinished(rig, inputs.length);
    const points: { jobs: number; hwmMb: number; rssMb: number }[] = [];
    let done = inputs.length;
    while (done < MEMORY_JOBS) {
      for (const id of assetIds) await rig.admin.request('POST', `/v1/admin/assets/${id}/reprocess`);
      done += assetIds.length;
      await waitForFinished(rig, done);
      if (points.length === 0 && done >= MEMORY_JOBS / 2) points.push({ jobs: done, ...(await settledMemory(rig)) });
    }
    points.push({ jobs: done, ...(await settledMemory(rig)) });
    return points;
  } finally {
    await rig.close();
  }
}

/** BENCH_WORKER=throughput runs the throughput part alone (one worker process). */
async function throughputOnly(photos: BenchInput[]): Promise<BenchRow[]> {
  const { bare, pipeline } = await throughput(photos);
  return [throughputRow(photos.length, pipeline, bare), ...cpuPerPhotoRows(photos.length * 2, pipeline, bare)];
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

const throughputRow = (photos: number, pipeline: Timed, bare: Timed, what = 'photos'): BenchRow => ({
  metric: `worker throughput, ${photos} ${what} × 2 (time)`,
  darkroom: seconds(pipeline.ms),
  baseline: seconds(bare.ms),
  ratio: ratio(bare.ms / pipeline.ms),
  goal: '≥ 0.90×',
  met: bare.ms / pipeline.ms >= 0.9 ? 'yes' : 'no',
});

/** BENCH_WORKER=memory runs the memory part alone (to compare allocators, DARKROOM_MALLOC=…). */
async function memoryOnly(photos: BenchInput[], huge: BenchInput[]): Promise<BenchRow[]> {
  const mem = await memory(memoryMix(photos, huge));
  return mem.map((p) => ({
    metric: `after ${p.jobs} jobs (${process.env.DARKROOM_MALLOC ?? 'jemalloc'})`,
    darkroom: `RSS ${mb(p.rssMb)}`,
    baseline: `VmHWM ${mb(p.hwmMb)}`,
    ratio: '—',
    goal: '≤ 350 MB',
    met: p.hwmMb <= 350 ? 'yes' : 'no',
  }));
}

const perPhoto = (seconds: number, photos: number) => `${Math.round((seconds / photos) * 1000)} ms`;
const cpuSplit = ({ cpu }: Timed, photos: number) =>
  `${perPhoto(cpu.libvips, photos)}, ${perPhoto(cpu.main, photos)}, ${perPhoto(cpu.total - cpu.libvips - cpu.main, photos)}`;

/**
 * The worker process's CPU time per photo against the bare loop's, and how the worker's splits
 * between libvips (the render) and the rest: where a throughput gap that is not idle time comes from.
 */
function cpuPerPhotoRows(photos: number, pipeline: Timed, bare: Timed, what = 'photo'): BenchRow[] {
  return [
    {
      metric: `worker CPU per ${what} vs bare loop`,
      darkroom: perPhoto(pipeline.cpu.total, photos),
      baseline: perPhoto(bare.cpu.total, photos),
      ratio: ratio(bare.cpu.total / pipeline.cpu.total),
      goal: '—',
      met: '—',
    },
    {
      metric: `worker CPU per ${what}: libvips, JS thread, rest`,
      darkroom: cpuSplit(pipeline, photos),
      baseline: cpuSplit(bare, photos),
      ratio: '—',
      goal: '—',
      met: '—',
    },
  ];
}

/**
 * Mid-size photos (3–8 MP), where a job's fixed cost shows: throughput timed from outside (resume →
 * the last `asset.ready` on the event stream) against the bare loop with the same bucket GET and
 * four PUTs, and idle latency on one of them.
 */
async function midSizeRows(mid: readonly BenchInput[]): Promise<BenchRow[]> {
  const { bare, pipeline } = await midSizeThroughput(mid, CORES);
  const lat = await latency(mid[3]!);
  const what = 'mid-size photos (3–8 MP), to asset.ready';
  return [
    throughputRow(mid.length, pipeline, bare, what),
    ...cpuPerPhotoRows(mid.length * 2, pipeline, bare, 'mid-size photo'),
    latencyRow(lat, `${Math.round(mid[3]!.megapixels)} MP`),
    ...latencyPartsRows(lat),
  ];
}

export async function runWorkerBench(): Promise<BenchRow[]> {
  const photos = await cameraPhotos();
  const huge = await hundredMegapixel();
  const mid = await midSizePhotos();
  if (process.env.BENCH_WORKER === 'mid') return midSizeRows(mid);
  if (process.env.BENCH_WORKER === 'memory') return memoryOnly(photos, huge);
  if (process.env.BENCH_WORKER === 'throughput') return throughputOnly(photos);
  if (process.env.BENCH_WORKER === 'bytes') return variantBytesRows(await variantBytes(photos));
  if (process.env.BENCH_WORKER === 'latency') {
    const lat = await latency(photos[4]!);
    return [latencyRow(lat), ...latencyPartsRows(lat)];
  }
  console.log(`worker bench: ${photos.length} camera JPEGs (8–24 MP), ${mid.length} mid-size JPEGs (3–8 MP), ${CORES} cores`);

  const step = async <T>(what: string, run: () => Promise<T>): Promise<T> => {
    const started = performance.now();
    const result = await run();
    console.log(`  ${what}: ${((performance.now() - started) / 1000).toFixed(1)} s`);
    return result;
  };
  const { bare, pipeline } = await step('bare loop, pipeline ×2, bare loop (1 worker process)', () => throughput(photos));
  const two = await step('pipeline, 2 worker processes', () => pipelineMs(photos, 2));
  const lat = await step('latency', () => latency(photos[4]!));
  const midRows = await step('mid-size photos: bare loop, pipeline ×2, bare loop; latency', () => midSizeRows(mid));
  const mem = await step(`memory, ${MEMORY_JOBS} jobs`, () => memory(memoryMix(photos, huge)));
  const bytes = await step('variant bytes', () => variantBytes(photos));

  // One pass of the two above, on average: what one process takes for the photos once.
  const onePass = pipeline.ms / 2;
  const perCoreHour = ((photos.length / (onePass / 1000)) * 3600) / CORES;
  const [half, full] = [mem[0]!, mem.at(-1)!];
  const growth = full.rssMb - half.rssMb;
  return [
    throughputRow(photos.length, pipeline, bare),
    ...cpuPerPhotoRows(photos.length * 2, pipeline, bare),
    latencyRow(lat),
    ...latencyPartsRows(lat),
    ...midRows,
    {
      metric: `worker VmHWM over ${full.jobs} jobs (2 × 100 MP)`,
      darkroom: mb(full.hwmMb),
      baseline: '—',
      ratio: '—',
      goal: '≤ 350 MB',
      met: full.hwmMb <= 350 ? 'yes' : 'no',
    },
    {
      metric: `worker RSS after job ${half.jobs} → ${full.jobs}`,
      darkroom: `${mb(half.rssMb)} → ${mb(full.rssMb)}`,
      baseline: `VmHWM ${mb(half.hwmMb)} → ${mb(full.hwmMb)}`,
      ratio: '—',
      goal: 'no growth',
      met: growth <= 16 ? 'yes' : 'no',
    },
    ...variantBytesRows(bytes),
    {
      metric: '2 worker processes vs 1 (time, one pass)',
      darkroom: seconds(two.ms),
      baseline: seconds(onePass),
      ratio: ratio(onePass / two.ms),
      goal: '—',
      met: '—',
    },
    { metric: 'photos per hour per core (1 process)', darkroom: String(Math.round(perCoreHour)), baseline: '—', ratio: '—', goal: '—', met: '—' },
  ];
}
