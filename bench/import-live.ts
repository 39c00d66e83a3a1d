/**
 * Live uploads while an import runs: `POST /v1/uploads` as a steady stream (a quarter of what the
 * idle API takes: the p99 a platform's users see) and at saturation (what the API still takes), and
 * a camera photo's `complete` → its job's commit, on one API process and one worker (which runs the
 * import, and renders its photos on the backfill lane), each against the same measured idle first, and the steady stream also against a bare
 * INSERT server taking it on the idle machine and under the same import (the floor the machine sets). The steady stream is
 * measured twice: flowing before an import starts and on through it (a platform's uploads, and an
 * import started among them), and starting on an import already running at full speed (uploads
 * that begin from nothing beside an import at full speed).
 */
import { FINISHED_IMPORT_STATUSES } from '@darkroom/core/contract/import';
import { createApiKey } from '@darkroom/db/queries/api-keys';
import { createTenant } from '@darkroom/db/queries/tenants';
import { jobs } from '@darkroom/db/schema';
import { and, count, eq, inArray } from 'drizzle-orm';
import type { SourceBucket } from '../scripts/source-bucket.js';
import { UPLOAD } from './api.js';
import { bucketImportBody, emptyQueues, IMPORT_CONCURRENCY, startImport, startImportRig, waitForImport } from './import-support.js';
import { CONNECTIONS, load, type LoadResult, p99Of, rps, steadyStream, WARMUP_SECONDS } from './load.js';
import { photoMs } from './queue-mix.js';
import { median } from '../test/support/flood.js';
import { startBareServer, step, stop } from './support.js';
import { type BenchRow, row } from './table.js';
import { TestApi } from '../test/support/client.js';
import { cameraPhotos, type BenchInput } from './worker-inputs.js';
import type { Rig } from './worker-rig.js';

const SECONDS = Number(process.env.BENCH_IMPORT_LOAD_SECONDS ?? 8);
/** The steady stream's rate as a share of the idle API's saturated rate. */
const STEADY_SHARE = 0.25;
/** Photos timed on the idle worker, and during the import. */
const SAMPLES = 3;
/** How long the stream through an import flows before the import starts: its connections open, the API steady. */
const STREAM_LEAD_MS = 2000;
/**
 * The part of the stream through an import that is counted, from the import's POST (or until it
 * ends, if sooner), and the length of the idle stream it is set against: the same number of
 * uploads made either way, so that what they leave in Postgres (a larger table, its autovacuum)
 * weighs the same on both.
 */
const THROUGH_SECONDS = Number(process.env.BENCH_IMPORT_THROUGH_SECONDS ?? 20);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

type StreamRead = ReturnType<typeof p99Of>;

const uploadsUrl = (rig: Rig) => `${rig.tenant.baseUrl}/v1/uploads`;

const uploadLoad = (rig: Rig, seconds: number, rate?: number) =>
  load(uploadsUrl(rig), { serverPid: rig.api.pid!, method: 'POST', body: UPLOAD, token: rig.tenant.token!, seconds, rate });

/** The steady stream of upload starts at `rate` to `url`, every request's samples kept (steadyStream). */
const uploadStream = (url: string, rate: number, token?: string) =>
  steadyStream(url, rate, { method: 'POST', body: UPLOAD, ...(token === undefined ? {} : { token }) });

/** The backfill jobs of `tenantId` not yet finished: its import's photos the worker still has to render. */
async function backfillLeft(rig: Rig, tenantId: string): Promise<number> {
  const [left] = await rig.db
    .select({ n: count() })
    .from(jobs)
    .where(and(eq(jobs.tenantId, tenantId), eq(jobs.lane, 'backfill'), inArray(jobs.state, ['queued', 'active'])));
  return left!.n;
}

/** The import's status and how many files it has imported. */
async function importNow(tenant: TestApi, id: string): Promise<{ status: string; imported: number }> {
  const { body } = await tenant.raw('GET', `/v1/imports/${id}`);
  return { status: body.import.status, imported: body.import.counts.imported };
}

/** Another tenant on the rig's API: the same source imported again is new to it (identities are a tenant's). */
async function anotherTenant(rig: Rig, name: string): Promise<{ tenant: TestApi; tenantId: string }> {
  const created = await createTenant(rig.db, { name });
  const { apiKey } = await createApiKey(rig.db, { tenantId: created.id, kind: 'tenant' });
  return { tenant: new TestApi(rig.tenant.baseUrl, apiKey), tenantId: created.id };
}

/**
 * The steady stream to `url` flowing from STREAM_LEAD_MS before an import (by `importer`) to
 * THROUGH_SECONDS after its POST: the p99 of the requests due in that time (the import's end, if
 * sooner) and the files the import made meanwhile. The import is then waited for, and its photos'
 * renders, so that none weighs on what is measured next.
 */
async function streamThroughImport(
  rig: Rig,
  source: SourceBucket,
  stream: { url: string; rate: number; token?: string | undefined },
  importer: { tenant: TestApi; tenantId: string },
) {
  const flowing = uploadStream(stream.url, stream.rate, stream.token);
  await sleep(STREAM_LEAD_MS);
  const started = Date.now();
  const id = await startImport(importer.tenant, bucketImportBody(source));
  let now = await importNow(importer.tenant, id);
  while (!(FINISHED_IMPORT_STATUSES as readonly string[]).includes(now.status) && Date.now() < started + THROUGH_SECONDS * 1000) {
    await sleep(100);
    now = await importNow(importer.tenant, id);
  }
  const ended = Date.now();
  const samples = await flowing.stop();
  await waitForImport(importer.tenant, id, source.photoKeys.length);
  while ((await backfillLeft(rig, importer.tenantId)) > 0) await sleep(250);
  return { ...p99Of(samples, started, ended), seconds: (ended - started) / 1000, imported: now.imported };
}

/** The stream to the API through the rig's tenant's import. */
const throughImport = (rig: Rig, source: SourceBucket, rate: number) =>
  streamThroughImport(rig, source, { url: uploadsUrl(rig), rate, token: rig.tenant.token! }, { tenant: rig.tenant, tenantId: rig.tenantId });

/**
 * The same stream to a bare INSERT server while another tenant imports the same files on the same
 * worker: the floor this machine sets for the stream under that import (Postgres's WAL and the
 * cores are shared with it either way).
 */
async function bareThroughImport(rig: Rig, source: SourceBucket, rate: number) {
  const importer = await anotherTenant(rig, 'bench-import-bare');
  const bare = await startBareServer();
  return streamThroughImport(rig, source, { url: `${bare.url}/baseline/uploads`, rate }, importer).finally(() => stop(bare.child));
}

/**
 * The steady stream to `url` on the idle machine for THROUGH_SECONDS, read as the one through an
 * import: to the idle API, and to a bare INSERT server (the floor this machine sets for the stream).
 */
async function quietStreamRead(url: string, rate: number, token?: string): Promise<StreamRead> {
  const stream = uploadStream(url, rate, token);
  await sleep(STREAM_LEAD_MS + THROUGH_SECONDS * 1000);
  const samples = await stream.stop();
  const from = samples[0]![0] + STREAM_LEAD_MS;
  return p99Of(samples, from, from + THROUGH_SECONDS * 1000);
}

interface Live {
  idleLoad: LoadResult;
  busyLoad: LoadResult;
  /** The steady stream's rate, and its latencies idle, through an import, and starting on one. */
  rate: number;
  idleStream: StreamRead;
  /** The same stream to a bare INSERT server (bench/baseline-server.ts) on the idle machine. */
  bareStream: StreamRead;
  through: StreamRead & { seconds: number; imported: number };
  /** The same stream to the bare INSERT server while the same files are imported. */
  bareThrough: StreamRead & { seconds: number; imported: number };
  onset: LoadResult;
  /** Whether the second import was still running when the loads on it ended. */
  loadWithinImport: boolean;
  idle: number[];
  busy: number[];
  importMs: number;
}

/**
 * Idle photos (after one that is not counted) and load; the stream through an import; then a
 * second tenant's import of the same files, and once its first are queued (the worker has backfill
 * jobs), the stream starting on it, the load at saturation and photos, each counted only while the
 * worker still had the import's photos to render when it finished.
 */
async function measure(rig: Rig, photo: BenchInput, source: SourceBucket): Promise<Live> {
  // A first photo warms the worker up (its first render, its connections), not counted.
  await photoMs(rig, photo);
  const idle: number[] = [];
  for (let i = 0; i < SAMPLES; i++) idle.push(await photoMs(rig, photo));
  await uploadLoad(rig, WARMUP_SECONDS);
  const idleLoad = await uploadLoad(rig, SECONDS);
  const rate = STEADY_SHARE * idleLoad.rps;
  const idleStream = await quietStreamRead(uploadsUrl(rig), rate, rig.tenant.token!);
  const bare = await startBareServer();
  const bareStream = await quietStreamRead(`${bare.url}/baseline/uploads`, rate).finally(() => stop(bare.child));
  const through = await throughImport(rig, source, rate);
  const bareThrough = await bareThroughImport(rig, source, rate);
  const second = await anotherTenant(rig, 'bench-import-second');
  const started = performance.now();
  const id = await startImport(second.tenant, bucketImportBody(source));
  while ((await importNow(second.tenant, id)).imported < 2 * IMPORT_CONCURRENCY) await sleep(100);
  const onset = await uploadLoad(rig, SECONDS, rate);
  const busyLoad = await uploadLoad(rig, SECONDS);
  const loadWithinImport = (await importNow(second.tenant, id)).status === 'running';
  const busy: number[] = [];
  for (let tries = 0; busy.length < SAMPLES && tries < 2 * SAMPLES; tries++) {
    const ms = await photoMs(rig, photo);
    if ((await backfillLeft(rig, second.tenantId)) > 0) busy.push(ms);
  }
  await waitForImport(second.tenant, id, source.photoKeys.length);
  return {
    idleLoad,
    busyLoad,
    rate,
    idleStream,
    bareStream,
    through,
    bareThrough,
    onset,
    loadWithinImport,
    idle,
    busy,
    importMs: performance.now() - started,
  };
}

function rows(live: Live, files: number): BenchRow[] {
  const [idle, busy] = [median(live.idle), median(live.busy)];
  const during = live.loadWithinImport ? `while an import of ${files} runs` : `while an import of ${files} runs (it ended before the load did)`;
  const steady = `${Math.round(live.rate)} req/s steady`;
  const { through } = live;
  return [
    row(
      `POST /v1/uploads p99, ${steady}, flowing as an import of ${files} starts: the ${through.seconds.toFixed(0)} s from its POST (${through.requests} requests)`,
      `${through.p99} ms`,
      `${live.idleStream.p99} ms idle (${THROUGH_SECONDS} s)`,
      null,
      '< 25 ms',
      through.p99 < 25,
    ),
    row(
      `the same ${through.seconds.toFixed(0)} s against a bare INSERT server (Fastify and one INSERT, no auth, checks or signing) taking the stream on the idle machine: the floor this machine sets`,
      `${through.p99} ms`,
      `${live.bareStream.p99} ms bare`,
      through.p99 / live.bareStream.p99,
      '—',
      null,
    ),
    row(
      `the same stream to the bare INSERT server while the same ${files} files are imported (another tenant's import; ${live.bareThrough.requests} requests in ${live.bareThrough.seconds.toFixed(0)} s): the floor under that import`,
      `${through.p99} ms`,
      `${live.bareThrough.p99} ms bare`,
      through.p99 / live.bareThrough.p99,
      '—',
      null,
    ),
    row(
      `the same, counted from when each request was sent (the load generator's own lateness on the shared cores left out; its p99 ${through.lateP99} ms, idle ${live.idleStream.lateP99} ms)`,
      `${through.p99FromSent} ms`,
      `${live.idleStream.p99FromSent} ms idle`,
      null,
      '—',
      null,
    ),
    row(
      `the import under that stream: files imported in those ${through.seconds.toFixed(0)} s`,
      `${through.imported} (${Math.round(through.imported / through.seconds)} files/s)`,
      '—',
      null,
      '—',
      null,
    ),
    row(
      `POST /v1/uploads p99, ${steady}, starting on an import of ${files} running (${SECONDS} s)`,
      `${live.onset.p99} ms`,
      `${live.idleStream.p99} ms idle (${THROUGH_SECONDS} s)`,
      null,
      '—',
      null,
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
    const live = await step(`idle, then two imports of ${source.photoKeys.length} with uploads beside them`, () => measure(rig, photo!, source));
    console.log(`  photo idle: ${live.idle.map(Math.round).join(', ')} ms; during the import: ${live.busy.map(Math.round).join(', ')} ms`);
    if (live.busy.length === 0) throw new Error("every photo finished after the import's last backfill job: no sample during the import");
    return rows(live, source.photoKeys.length);
  } finally {
    await rig.close();
    await emptyQueues();
  }
}
