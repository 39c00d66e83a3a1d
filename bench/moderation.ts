/**
 * `npm run bench -- --only moderation`, or alone: `npx tsx bench/moderation.ts` (after a build). The
 * moderation goals of issue 59, each beside its baseline measured in the same run:
 *
 *   cost       worker throughput on the camera photos, every check on against every check off
 *   scan       a 10 MB photo's clamd scan against its complete → ready with the scan on
 *   classifier the classifier's p95 per image on one core (bench/classifier.ts's row)
 *   requests   the worker's bucket requests per clean public photo, checks on against off
 *   memory     the worker's memory run (bench/worker.ts) with every check on against off
 *   restarts   clamd stopped and started while uploads flow: nothing unscanned published
 *
 * BENCH_MODERATION=<piece> runs one piece. Every piece scans with a clamd of the bench's own
 * (scripts/clamd.sh on a directory and port of its own, the tests' signature set: EICAR, a YARA rule,
 * a hash file), so its restarts and load never reach the clamd the tests use; it is stopped at the end.
 */
import { runClassifierBench } from './classifier.js';
import type { ModerationPolicyPatch } from '@darkroom/core/contract/moderation';
import {
  ALL_OFF,
  ALL_ON,
  addStageDelta,
  type BenchClamd,
  expectAllReady,
  loadDeploymentBlocklist,
  noStages,
  setPolicy,
  type StageSums,
  stageMeansText,
  startBenchClamd,
} from './moderation-support.js';
import { restartRows } from './moderation-restarts.js';
import { requestRows, scanShareRows } from './moderation-scan.js';
import { startRun, writeResults } from './results.js';
import { freePort, mb, step } from './support.js';
import { printTable, row, type BenchRow } from './table.js';
import { cameraPhotos, hundredMegapixel, type BenchInput } from './worker-inputs.js';
import { addTimed, pipelinePass, startRig, type Timed, upload, waitForFinished } from './worker-rig.js';
import { memory, memoryMix, stageTotals } from './worker.js';

/** Random entries in the deployment's blocklist while the checks run: a deployment's list, not an empty one. */
const BLOCKLIST_ENTRIES = 10_000;
const MEMORY_GOAL_MB = 400;

/** One side of the cost comparison: its passes' time and CPU summed, and the stages its jobs recorded. */
interface CostSide {
  timed: Timed;
  stages: StageSums;
}

/**
 * Throughput with every check on against every check off, on one worker process, in the order off,
 * on, on, off (docs/performance.md#how-far-to-trust-a-run), each side the sum of its two passes;
 * after one photo with the checks on, so the classifier's first load is not in a pass.
 */
async function cost(clamd: BenchClamd, photos: readonly BenchInput[]): Promise<{ on: CostSide; off: CostSide }> {
  const metricsPort = await freePort();
  const rig = await startRig(1, { CLAMD_HOST: clamd.host, METRICS_HOST: '127.0.0.1', METRICS_PORT: String(metricsPort) });
  const on: CostSide = { timed: { ms: 0, cpu: { total: 0, libvips: 0, main: 0 } }, stages: noStages() };
  const off: CostSide = { timed: { ms: 0, cpu: { total: 0, libvips: 0, main: 0 } }, stages: noStages() };
  const pass = async (side: CostSide, policy: ModerationPolicyPatch) => {
    await setPolicy(rig, policy);
    const before = await stageTotals(metricsPort);
    side.timed = addTimed(side.timed, await pipelinePass(rig, photos));
    addStageDelta(side.stages, before, await stageTotals(metricsPort));
  };
  try {
    await loadDeploymentBlocklist(rig, BLOCKLIST_ENTRIES);
    await setPolicy(rig, ALL_ON);
    await upload(rig, photos[0]!);
    await waitForFinished(rig, 1);
    for (const [side, policy] of [
      [off, ALL_OFF],
      [on, ALL_ON],
      [on, ALL_ON],
      [off, ALL_OFF],
    ] as const)
      await pass(side, policy);
    await expectAllReady(rig);
    return { on, off };
  } finally {
    await rig.close();
  }
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const perPhoto = (cpuSeconds: number, photos: number) => `${Math.round((cpuSeconds / photos) * 1000)} ms`;
const COST_STAGES = ['download', 'moderate', 'render_wait', 'render', 'upload'];

async function costRows(clamd: BenchClamd): Promise<BenchRow[]> {
  const photos = await cameraPhotos();
  const { on, off } = await cost(clamd, photos);
  const jobs = photos.length * 2;
  const what = `${photos.length} camera photos × 2, all checks on (${BLOCKLIST_ENTRIES / 1000}k blocklist entries) vs all off`;
  const cpu = ({ timed }: CostSide) => `${perPhoto(timed.cpu.total, jobs)} (JS thread ${perPhoto(timed.cpu.main, jobs)})`;
  return [
    row(
      `moderation cost: worker throughput, ${what} (time)`,
      seconds(on.timed.ms),
      seconds(off.timed.ms),
      off.timed.ms / on.timed.ms,
      '≥ 0.80×',
      off.timed.ms / on.timed.ms >= 0.8,
    ),
    row('moderation cost: worker CPU per camera photo, checks on vs off', cpu(on), cpu(off), off.timed.cpu.total / on.timed.cpu.total, '—', null),
    row(
      'moderation cost: job stages (means), checks on vs off',
      stageMeansText(on.stages, COST_STAGES),
      stageMeansText(off.stages, COST_STAGES),
      null,
      '—',
      null,
    ),
  ];
}

/** The classifier's p95 row of bench/classifier.ts (its child pinned to one core), the goal's own figure. */
async function classifierRows(): Promise<BenchRow[]> {
  return (await runClassifierBench()).filter((r) => r.metric.startsWith('classifier p95'));
}

/**
 * The memory run's checks: the classifier and the blocklist, not the scan. Its 100 MP PNG (176 MB)
 * is past CLAMD_MAX_BYTES, so a scan holds it (too_large_to_scan) and a held asset is not reprocessed:
 * the run's waves would never finish.
 */
const CLASSIFIER_ON = { ...ALL_ON, malware: 'off' } as const;

/**
 * bench/worker.ts's memory run (208 jobs, two of them 100 MP) with the classifier and the blocklist
 * on, the classifier loaded by the first wave's checks and resident after (a reprocess does not
 * check again), against the same run with every check off. Face detection is the deployment's
 * (FACE_DETECTION, on by default) in both: its models load with the first wave's searches.
 */
async function memoryRows(): Promise<BenchRow[]> {
  const inputs = memoryMix(await cameraPhotos(), await hundredMegapixel());
  const on = await memory(inputs, { prepare: (rig) => setPolicy(rig, CLASSIFIER_ON) });
  const off = await memory(inputs, { prepare: (rig) => setPolicy(rig, ALL_OFF) });
  const [onEnd, offEnd] = [on.at(-1)!, off.at(-1)!];
  return [
    row(
      `worker VmHWM over ${onEnd.jobs} jobs (2 × 100 MP), classifier and blocklist on vs all checks off (faces on in both)`,
      mb(onEnd.hwmMb),
      mb(offEnd.hwmMb),
      null,
      `≤ ${MEMORY_GOAL_MB} MB`,
      onEnd.hwmMb <= MEMORY_GOAL_MB,
    ),
    row(
      `worker RSS after job ${on[0]!.jobs} → ${onEnd.jobs}, classifier and blocklist on vs off`,
      `${mb(on[0]!.rssMb)} → ${mb(onEnd.rssMb)}`,
      `${mb(off[0]!.rssMb)} → ${mb(offEnd.rssMb)}`,
      null,
      '—',
      null,
    ),
  ];
}

const PIECES: Record<string, (clamd: BenchClamd) => Promise<BenchRow[]>> = {
  cost: costRows,
  scan: scanShareRows,
  classifier: classifierRows,
  requests: async (clamd) => requestRows(clamd, await cameraPhotos()),
  memory: memoryRows,
  restarts: restartRows,
};

export async function runModerationBench(): Promise<BenchRow[]> {
  const only = process.env.BENCH_MODERATION;
  if (only && !(only in PIECES)) throw new Error(`BENCH_MODERATION=${only}: one of ${Object.keys(PIECES).join(', ')}`);
  const clamd = await startBenchClamd();
  try {
    const rows: BenchRow[] = [];
    for (const [name, piece] of Object.entries(PIECES)) {
      if (only && only !== name) continue;
      const pieceRows = await step(name, () => piece(clamd));
      // Each piece's figures as it ends: a later piece that fails or is stopped costs only its own.
      for (const r of pieceRows) console.log(`    ${r.metric}: ${r.darkroom} (baseline ${r.baseline}, ${r.ratio}, goal ${r.goal}: ${r.met})`);
      rows.push(...pieceRows);
    }
    return rows;
  } finally {
    await clamd.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const start = startRun();
  const rows = await runModerationBench();
  printTable(rows);
  console.log(`\nrecorded in ${await writeResults('moderation', start, rows)}`);
}
