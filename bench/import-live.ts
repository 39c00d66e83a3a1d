/**
 * Live uploads while an import runs: `POST /v1/uploads` as a steady stream (a quarter of what the
 * idle API takes: the p99 a platform's users see) and at saturation (what the API still takes), and
 * a camera photo's `complete` → its job's commit, on one API process (which also runs the import,
 * on its runner thread) and one worker (which also renders the import's photos on the backfill
 * lane), each against the same measured idle first.
 */
import { jobs } from '@darkroom/db';
import { and, count, eq, inArray } from 'drizzle-orm';
import type { SourceBucket } from '../scripts/source-bucket.js';
import { UPLOAD } from './api.js';
import { bucketImportBody, emptyQueues, IMPORT_CONCURRENCY, startImport, startImportRig, waitForImport } from './import-support.js';
import { CONNECTIONS, load, type LoadResult, rps, WARMUP_SECONDS } from './load.js';
import { median, photoMs } from './queue-mix.js';
import { step } from './support.js';
import { type BenchRow, row } from './table.js';
import { cameraPhotos, type BenchInput } from './worker-inputs.js';
import type { Rig } from './worker-rig.js';

const SECONDS = Number(process.env.BENCH_IMPORT_LOAD_SECONDS ?? 8);
/** The steady stream's rate as a share of the idle API's saturated rate. */
const STEADY_SHARE = 0.25;
/** Photos timed on the idle worker, and during the import. */
const SAMPLES = 3;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const uploadLoad = (rig: Rig, seconds: number, rate?: number) =>
  load(`${rig.tenant.baseUrl}/v1/uploads`, { serverPid: rig.api.pid!, method: 'POST', body: UPLOAD, token: rig.tenant.token!, seconds, rate });

/** The tenant's backfill jobs not yet finished: the import's photos the worker still has to render. */
async function backfillLeft(rig: Rig): Promise<number> {
  const [left] = await rig.db
    .select({ n: count() })
    .from(jobs)
    .where(and(eq(jobs.tenantId, rig.tenantId), eq(jobs.lane, 'backfill'), inArray(jobs.state, ['queued', 'active'])));
  return left!.n;
}

/** The import's status and how many files it has imported. */
async function importNow(rig: Rig, id: string): Promise<{ status: string; imported: number }> {
  const { body } = await rig.tenant.raw('GET', `/v1/imports/${id}`);
  return { status: body.import.status, imported: body.import.counts.imported };
}

interface Live {
  idleLoad: LoadResult;
  busyLoad: LoadResult;
  /** The steady stream's rate, and its latencies idle and during the import. */
  rate: number;
  idleSteady: LoadResult;
  busySteady: LoadResult;
  /** Whether the import was still running when the load under it ended. */
  loadWithinImport: boolean;
  idle: number[];
  busy: number[];
  importMs: number;
}

/**
 * Idle photos (after one that is not counted) and load; then the import, and once its first files are queued (the worker has
 * backfill jobs), the load again and photos, each counted only while the worker still had the
 * import's photos to render when it finished.
 */
async function measure(rig: Rig, photo: BenchInput, source: SourceBucket): Promise<Live> {
  // A first photo warms the worker up (its first render, its connections), not counted.
  await photoMs(rig, photo);
  const idle: number[] = [];
  for (let i = 0; i < SAMPLES; i++) idle.push(await photoMs(rig, photo));
  await uploadLoad(rig, WARMUP_SECONDS);
  const idleLoad = await uploadLoad(rig, SECONDS);
  const rate = STEADY_SHARE * idleLoad.rps;
  const idleSteady = await uploadLoad(rig, SECONDS, rate);
  const started = performance.now();
  const id = await startImport(rig.tenant, bucketImportBody(source));
  while ((await importNow(rig, id)).imported < 2 * IMPORT_CONCURRENCY) await sleep(100);
  const busySteady = await uploadLoad(rig, SECONDS, rate);
  const busyLoad = await uploadLoad(rig, SECONDS);
  const loadWithinImport = (await importNow(rig, id)).status === 'running';
  const busy: number[] = [];
  for (let tries = 0; busy.length < SAMPLES && tries < 2 * SAMPLES; tries++) {
    const ms = await photoMs(rig, photo);
    if ((await backfillLeft(rig)) > 0) busy.push(ms);
  }
  await waitForImport(rig.tenant, id, source.photoKeys.length);
  return { idleLoad, busyLoad, rate, idleSteady, busySteady, loadWithinImport, idle, busy, importMs: performance.now() - started };
}

function rows(live: Live, files: number): BenchRow[] {
  const [idle, busy] = [median(live.idle), median(live.busy)];
  const during = live.loadWithinImport ? `while an import of ${files} runs` : `while an import of ${files} runs (it ended before the load did)`;
  const steady = `${Math.round(live.rate)} req/s steady`;
  return [
    row(
      `POST /v1/uploads p99, ${steady}, ${during}`,
      `${live.busySteady.p99} ms`,
      `${live.idleSteady.p99} ms idle`,
      null,
      '< 25 ms',
      live.busySteady.p99 < 25,
    ),
    row(
      `POST /v1/uploads p99 at saturation (${CONNECTIONS} connections) ${during}`,
      `${live.busyLoad.p99} ms`,
      `${live.idleLoad.p99} ms idle`,
      null,
      '—',
      null,
    ),
    row(`POST /v1/uploads at saturation ${during} vs idle`, rps(live.busyLoad), rps(live.idleLoad), live.busyLoad.rps / live.idleLoad.rps, '—', null),
    row(
      `photo complete→ready during an import of ${files}, backfill lane busy (p50 of ${live.busy.length})`,
      `${Math.round(busy)} ms`,
      `${Math.round(idle)} ms idle`,
      busy / idle,
      '≤ 2.00×',
      busy <= 2 * idle,
    ),
    row(`the import meanwhile: POST → done, ${files} files`, `${(live.importMs / 1000).toFixed(1)} s`, '—', null, '—', null),
  ];
}

export async function liveUploadRows(source: SourceBucket): Promise<BenchRow[]> {
  const [photo] = await cameraPhotos(1);
  console.log(`live uploads during an import: ${CONNECTIONS} connections, ${SECONDS} s a side; a ${photo!.megapixels.toFixed(0)} MP photo`);
  const rig = await startImportRig(1);
  try {
    const live = await step(`idle, then an import of ${source.photoKeys.length} with uploads beside it`, () => measure(rig, photo!, source));
    console.log(`  photo idle: ${live.idle.map(Math.round).join(', ')} ms; during the import: ${live.busy.map(Math.round).join(', ')} ms`);
    if (live.busy.length === 0) throw new Error("every photo finished after the import's last backfill job: no sample during the import");
    return rows(live, source.photoKeys.length);
  } finally {
    await rig.close();
    await emptyQueues();
  }
}
