import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { DELIVERY_PREFIX, ORIGINALS_PREFIX, PRIVATE_OBJECTS_PREFIX, STAGING_PREFIX } from '@darkroom/core/keys';
import { createApiKey } from '@darkroom/db/queries/api-keys';
import { createDatabase } from '@darkroom/db/client';
import { createTenant } from '@darkroom/db/queries/tenants';
import { migrateDatabase } from '@darkroom/db/migrate';
import { createS3Storage, parseStorageConfig, setupBuckets } from '@darkroom/storage';
import { sql } from 'drizzle-orm';
import postgres from 'postgres';

export const ROOT = fileURLToPath(new URL('../', import.meta.url));
const ADMIN_URL = process.env.BENCH_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
/** The URL of a database on the bench's Postgres. */
export const databaseUrl = (name: string): string => ADMIN_URL.replace(/\/[^/]*$/, `/${name}`);
/**
 * BENCH_ID=x gives a run its own database, queue prefix and buckets (`darkroom_bench_x`…), so two
 * benches on one machine never truncate each other's tables or empty each other's buckets.
 */
const BENCH_ID = process.env.BENCH_ID ? `_${process.env.BENCH_ID.replace(/[^a-z0-9]/gi, '').toLowerCase()}` : '';
const BENCH_DATABASE = `darkroom_bench${BENCH_ID}`;
const bucketName = (role: string) => `darkroom-bench${BENCH_ID.replace('_', '-')}-${role}`;

/** Settings of the apps under bench: their own database and buckets on the local services. */
export const benchEnv: Record<string, string> = {
  DATABASE_URL: databaseUrl(BENCH_DATABASE),
  REDIS_URL: process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379',
  QUEUE_PREFIX: `{darkroom-bench${BENCH_ID}}`,
  S3_ENDPOINT: process.env.BENCH_S3_ENDPOINT ?? 'http://127.0.0.1:7480',
  S3_REGION: 'us-east-1',
  S3_ACCESS_KEY_ID: process.env.BENCH_S3_ACCESS_KEY_ID ?? 'darkroom',
  S3_SECRET_ACCESS_KEY: process.env.BENCH_S3_SECRET_ACCESS_KEY ?? 'darkroom-secret',
  S3_BUCKET: bucketName('originals'),
  S3_PUBLIC_BUCKET: bucketName('variants'),
  CORS_ORIGINS: 'http://localhost:5173',
  ADMIN_TOKEN: 'bench-admin-token-0123456789abcdef',
  WEBHOOK_SECRET_KEY: 'bench-webhook-sealing-key-0123456789abcdef',
  RECONCILE_INTERVAL: 'off',
  LOG_LEVEL: 'info',
  // The load generator is one key at thousands of requests a second: it measures the limit's
  // counting (one Redis round trip shared with the auth epoch read), never its refusals.
  RATE_LIMIT_PER_MINUTE: '1000000',
};

/** A database on the bench's Postgres, created when missing (dropped first with `rebuild`) and migrated; returns its URL. */
export async function migratedDatabase(name: string, options: { rebuild?: boolean } = {}): Promise<string> {
  const admin = postgres(ADMIN_URL, { max: 1, onnotice: () => {} });
  try {
    if (options.rebuild) await admin.unsafe(`drop database if exists ${name}`);
    const [exists] = await admin`select 1 from pg_database where datname = ${name}`;
    if (!exists) await admin.unsafe(`create database ${name}`);
  } finally {
    await admin.end();
  }
  const url = databaseUrl(name);
  await migrateDatabase(url);
  return url;
}

/** A migrated bench database (created when missing) and the bench buckets; returns a tenant key. */
export async function prepareBench(tenantName: string): Promise<{ tenantId: string; apiKey: string }> {
  await migratedDatabase(BENCH_DATABASE);
  const storageConfig = parseStorageConfig(benchEnv);
  await setupBuckets(storageConfig, { corsOrigins: [benchEnv.CORS_ORIGINS!] });
  const handle = createDatabase({ url: benchEnv.DATABASE_URL!, maxConnections: 1 });
  try {
    // Every part starts from empty tables and buckets, so one run's leftovers (bigger indexes,
    // autovacuum, the S3 server's memory) never weigh on the next part's figures.
    await handle.db.execute(sql`truncate tenants, assets, jobs, events, quota_counters, quota_holds cascade`);
    await handle.db.execute(sql`drop table if exists bench_baseline_assets`);
    await emptyBenchBuckets();
    const tenant = await createTenant(handle.db, { name: tenantName });
    const { apiKey } = await createApiKey(handle.db, { tenantId: tenant.id, kind: 'tenant' });
    return { tenantId: tenant.id, apiKey };
  } finally {
    await handle.close();
  }
}

/** Every object a bench run leaves in the bench buckets (the local S3 server may keep them in memory). */
export async function emptyBenchBuckets(): Promise<void> {
  const storageConfig = parseStorageConfig(benchEnv);
  const storage = createS3Storage(storageConfig);
  for (const prefix of [ORIGINALS_PREFIX, STAGING_PREFIX, PRIVATE_OBJECTS_PREFIX])
    await storage.deletePrefix({ bucket: storageConfig.bucket, prefix });
  for (const prefix of ['variants/', DELIVERY_PREFIX]) await storage.deletePrefix({ bucket: storageConfig.publicBucket, prefix });
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

/** Every child a bench starts; all are killed on exit, however the bench ends. */
const children = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of children) child.kill('SIGKILL');
});

/** Runs a node script as its own process, its output discarded (as a service's logs would be shipped). */
export function spawnNode(args: string[], env: Record<string, string>): ChildProcess {
  const child = spawn(process.execPath, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'inherit'] });
  children.add(child);
  child.on('exit', () => children.delete(child));
  return child;
}

/** Runs an executable (a start script) as its own process, its output discarded. */
export function spawnProgram(path: string, env: Record<string, string>, args: readonly string[] = []): ChildProcess {
  const child = spawn(path, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'inherit'] });
  children.add(child);
  child.on('exit', () => children.delete(child));
  return child;
}

/**
 * The API bench's baseline server (bench/baseline-server.ts: Fastify and one INSERT per upload start
 * on the same Postgres), started and answering: the floor an upload start could reach on this machine.
 */
export async function startBareServer(): Promise<{ child: ChildProcess; url: string }> {
  const port = await freePort();
  const child = spawnNode(['--import', 'tsx', 'bench/baseline-server.ts'], { DATABASE_URL: benchEnv.DATABASE_URL!, PORT: String(port) });
  const url = `http://127.0.0.1:${port}`;
  await waitForHttp(`${url}/baseline/ids`);
  return { child, url };
}

export async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

/** Waits until `url` answers (any status): a process starting on a heavily shared machine can take over half a minute. */
export async function waitForHttp(url: string, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await fetch(url);
      return;
    } catch {
      if (Date.now() > deadline) throw new Error(`${url} did not answer within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

/** A process's memory from /proc: resident now (VmRSS) and its peak (VmHWM), in MB. */
export function memoryOf(pid: number): { rssMb: number; hwmMb: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0);
  return { rssMb: kb('VmRSS') / 1024, hwmMb: kb('VmHWM') / 1024 };
}

/** `work`'s result and the largest VmRSS of `pid` read every `everyMs` while it ran (0 if it ended before the first reading). */
export async function sampleRss<T>(pid: number, work: Promise<T>, everyMs = 200): Promise<{ result: T; peakRssMb: number }> {
  let peak = 0;
  const timer = setInterval(() => (peak = Math.max(peak, memoryOf(pid).rssMb)), everyMs);
  try {
    return { result: await work, peakRssMb: peak };
  } finally {
    clearInterval(timer);
  }
}

/** CPU seconds (user + system) in a /proc stat line (clock ticks are 1/100 s on Linux). */
function statCpuSeconds(stat: string): number {
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** CPU seconds a process has used so far: all of it, libvips' threads, and its main (JS) thread. */
export interface ProcessCpu {
  total: number;
  libvips: number;
  main: number;
}

export function cpuSecondsOf(pid: number): ProcessCpu {
  const cpu = { total: statCpuSeconds(readFileSync(`/proc/${pid}/stat`, 'utf8')), libvips: 0, main: 0 };
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    let stat: string;
    try {
      stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
    } catch {
      continue; // the thread ended meanwhile
    }
    if (tid === String(pid)) cpu.main = statCpuSeconds(stat);
    else if (stat.includes('(libvips worker)')) cpu.libvips += statCpuSeconds(stat);
  }
  return cpu;
}

/** `a + sign × b`, field by field: CPU summed over processes, or the CPU used between two readings. */
export function combineCpu(a: ProcessCpu, b: ProcessCpu, sign: 1 | -1 = 1): ProcessCpu {
  return { total: a.total + sign * b.total, libvips: a.libvips + sign * b.libvips, main: a.main + sign * b.main };
}

// A context made after --expose-gc is set holds `gc`, whatever flags this process started with.
setFlagsFromString('--expose-gc');
const fullCollection = runInNewContext('gc') as () => void;

/**
 * A full collection in this process, before a step that is timed: on two cores, the bench's own
 * collection of the buffers it read (a photo, its GET) ran its helper threads beside whatever
 * request it landed in, and made that one markedly slower (docs/design/delivery.md#a-first-requests-path).
 */
export function settleBench(): void {
  fullCollection();
}

export const mb = (value: number) => `${Math.round(value)} MB`;

/** Runs one step of a bench part, printing how long it took. */
export async function step<T>(what: string, run: () => Promise<T>): Promise<T> {
  const started = performance.now();
  const result = await run();
  console.log(`  ${what}: ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return result;
}
