import type { ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Visibility } from '@darkroom/core/private-links';
import { createDatabase, type Database } from '@darkroom/db/client';
import { jobs } from '@darkroom/db/schema';
import { and, count, eq, inArray, max } from 'drizzle-orm';
import { TestApi } from '../test/support/client.js';
import {
  benchEnv,
  combineCpu,
  cpuSecondsOf,
  freePort,
  prepareBench,
  type ProcessCpu,
  ROOT,
  spawnNode,
  spawnProgram,
  stop,
  waitForHttp,
} from './support.js';
import type { BenchInput } from './worker-inputs.js';

/**
 * The checkout whose worker the rigs start. BENCH_WORKER_ROOT=<another built checkout> runs that
 * checkout's worker instead (the API stays this one's): a before/after of a worker change, each run
 * against its own bare loop.
 */
const WORKER_ROOT = process.env.BENCH_WORKER_ROOT ?? ROOT;
/** A checkout's worker start script, as `npm run start:worker` runs it. */
const workerStart = (root: string) => join(root, 'apps/worker/bin/start.sh');

export interface Rig {
  api: ChildProcess;
  workers: ChildProcess[];
  admin: TestApi;
  tenant: TestApi;
  tenantId: string;
  db: Database;
  close(): Promise<void>;
}

const workerEnv = { ...benchEnv, MAX_UPLOAD_BYTES: String(1024 ** 3), LOG_LEVEL: 'warn' };
/** BENCH_WORKER_CPU_PROF=<dir>: each worker process writes a V8 CPU profile of its life there (open it in Chrome's DevTools). */
const profileEnv: Record<string, string> = process.env.BENCH_WORKER_CPU_PROF
  ? { NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${process.env.BENCH_WORKER_CPU_PROF}` }
  : {};
/** BENCH_API_CPU_PROF=<dir>: the API process writes a V8 CPU profile of its life there. */
const apiProfileArgs = process.env.BENCH_API_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_API_CPU_PROF}`] : [];

/** One worker process of the rig's kind (the bench's worker settings, `env` over them), from `root`'s checkout. */
export const spawnRigWorker = (env: Record<string, string>, root = WORKER_ROOT): ChildProcess =>
  spawnProgram(workerStart(root), { ...workerEnv, ...profileEnv, ...env });

export interface WorkerPlacement {
  /** `cpus[i]` pins worker i (and the ffmpeg it starts) to those CPUs (`taskset -c`): it then sees that many cores, as a machine of that size would. */
  cpus?: readonly string[];
  /** A built checkout whose worker runs instead of WORKER_ROOT's (the API stays this one's). */
  root?: string | undefined;
}

/**
 * The built API and `workers` worker processes on the bench database and buckets, and a fresh
 * tenant; `apiEnv` is added to the API's settings alone.
 */
export async function startRig(
  workers: number,
  extraWorkerEnv: Record<string, string> = {},
  apiEnv: Record<string, string> = {},
  { cpus = [], root = WORKER_ROOT }: WorkerPlacement = {},
): Promise<Rig> {
  const start = workerStart(root);
  const { apiKey, tenantId } = await prepareBench('bench-worker');
  const port = await freePort();
  const api = spawnNode([...apiProfileArgs, 'apps/api/dist/main.js'], { ...workerEnv, ...apiEnv, HOST: '127.0.0.1', PORT: String(port) });
  const env = { ...workerEnv, ...profileEnv, ...extraWorkerEnv };
  const started = Array.from({ length: workers }, (_, i) =>
    cpus[i] === undefined ? spawnProgram(start, env) : spawnProgram('taskset', env, ['-c', cpus[i], start]),
  );
  const baseUrl = `http://127.0.0.1:${port}`;
  // A loaded machine can take a while to start the API.
  await waitForHttp(`${baseUrl}/healthz`, 120_000);
  const handle = createDatabase({ url: benchEnv.DATABASE_URL!, maxConnections: 2 });
  return {
    api,
    workers: started,
    admin: new TestApi(baseUrl, benchEnv.ADMIN_TOKEN),
    tenant: new TestApi(baseUrl, apiKey),
    tenantId,
    db: handle.db,
    async close() {
      await Promise.all([stop(api), ...started.map(stop)]);
      await handle.close();
    },
  };
}

export async function finishedJobs(rig: Rig): Promise<number> {
  const [row] = await rig.db
    .select({ n: count() })
    .from(jobs)
    .where(and(eq(jobs.tenantId, rig.tenantId), inArray(jobs.state, ['completed', 'failed'])));
  return row!.n;
}

export async function waitForFinished(rig: Rig, target: number, pollMs = 25, timeoutMs = 600_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while ((await finishedJobs(rig)) < target) {
    if (Date.now() > deadline) throw new Error(`only ${await finishedJobs(rig)} of ${target} jobs finished in time`);
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}

/** When the tenant's last job was recorded finished (its commit's transaction start, a few ms before it shows). */
export async function lastFinishedAt(rig: Rig): Promise<number> {
  const [row] = await rig.db
    .select({ at: max(jobs.finishedAt) })
    .from(jobs)
    .where(eq(jobs.tenantId, rig.tenantId));
  return row!.at!.getTime();
}

const CONTENT_TYPES: Record<string, string> = { png: 'image/png', mp4: 'video/mp4' };
const contentType = (path: string) => CONTENT_TYPES[path.slice(path.lastIndexOf('.') + 1)] ?? 'image/jpeg';
/** A file uploaded and completed through the API; `visibility` as `POST /v1/uploads` takes it (else the tenant's default). */
export const upload = async (rig: Rig, input: Pick<BenchInput, 'path'>, visibility?: Visibility) =>
  rig.tenant.uploadAndComplete(new Uint8Array(await readFile(input.path)), {
    filename: input.path.split('/').pop()!,
    contentType: contentType(input.path),
    ...(visibility ? { visibility } : {}),
  });

export interface Timed {
  ms: number;
  /** CPU used meanwhile: all of it, libvips' threads and the main (JS) thread; the rest is V8's and libuv's helpers. */
  cpu: ProcessCpu;
}

export const addTimed = (a: Timed, b: Timed): Timed => ({ ms: a.ms + b.ms, cpu: combineCpu(a.cpu, b.cpu) });

/** The worker processes' CPU so far, summed. */
export function workersCpu(rig: Rig): ProcessCpu {
  return rig.workers.map((w) => cpuSecondsOf(w.pid!)).reduce((a, b) => combineCpu(a, b));
}

/**
 * One pass on a running rig: queue paused, every photo uploaded and completed, then resumed; timed
 * until all are finished, and the worker processes' CPU time meanwhile.
 */
export async function pipelinePass(rig: Rig, inputs: readonly BenchInput[]): Promise<Timed> {
  await rig.admin.request('POST', '/v1/admin/queues/pause');
  const finishedBefore = await finishedJobs(rig);
  for (const input of inputs) await upload(rig, input);
  const cpuBefore = workersCpu(rig);
  const started = Date.now();
  await rig.admin.request('POST', '/v1/admin/queues/resume');
  // Timed to the last job's commit, not to the poll that sees it: fast polling took CPU (this
  // process and Postgres) from the cores the worker renders on
  // (docs/performance.md#how-far-to-trust-a-run).
  await waitForFinished(rig, finishedBefore + inputs.length, 500);
  const cpu = combineCpu(workersCpu(rig), cpuBefore, -1);
  return { ms: (await lastFinishedAt(rig)) - started, cpu };
}

export interface EventWatch {
  /** Resolves with the time (Date.now()) the `count`-th event of `type` arrived since the watch opened. */
  arrivedAt(type: string, count?: number): Promise<number>;
  close(): void;
}

/**
 * The tenant's `/v1/events/stream`, as a client of the API sees it: when each event's line
 * arrives. Read from the byte stream itself, so nothing is timed to a poll.
 */
export async function watchEvents(rig: Rig): Promise<EventWatch> {
  const abort = new AbortController();
  const response = await fetch(`${rig.tenant.baseUrl}/v1/events/stream`, {
    headers: { authorization: `Bearer ${rig.tenant.token}`, accept: 'text/event-stream' },
    signal: abort.signal,
  });
  if (response.status !== 200) throw new Error(`events stream: ${response.status}`);
  const arrivals = new Map<string, number[]>();
  const waiters: { type: string; count: number; resolve: (at: number) => void }[] = [];
  const reading = (async () => {
    let buffered = '';
    for await (const chunk of response.body!.pipeThrough(new TextDecoderStream())) {
      const at = Date.now();
      const lines = (buffered + chunk).split('\n');
      buffered = lines.pop()!;
      for (const line of lines) {
        const type = line.startsWith('event: ') ? line.slice('event: '.length) : undefined;
        if (type) arrivals.set(type, [...(arrivals.get(type) ?? []), at]);
      }
      for (const w of waiters) {
        const times = arrivals.get(w.type) ?? [];
        if (times.length >= w.count) w.resolve(times[w.count - 1]!);
      }
    }
  })().catch(() => {});
  return {
    arrivedAt: (type, count = 1) =>
      new Promise((resolve) => {
        const times = arrivals.get(type) ?? [];
        if (times.length >= count) resolve(times[count - 1]!);
        else waiters.push({ type, count, resolve });
      }),
    close: () => {
      abort.abort();
      void reading;
    },
  };
}
