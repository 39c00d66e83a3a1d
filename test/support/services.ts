import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
export const root = fileURLToPath(new URL('../../', import.meta.url));

/** Stops the Redis every test uses, without saving (the queue's contents are lost, as in a crash). */
export async function stopRedis(): Promise<void> {
  await run('redis-cli', ['-h', '127.0.0.1', '-p', '6379', 'shutdown', 'nosave']).catch(() => {});
}

/**
 * Restarts the Redis at `url` without saving, as a crash would: the shared one (6379) as
 * `stopRedis` and `startServices` do, or a Redis of the test's own on another port (TEST_REDIS_URL),
 * so that a test of an outage can run on a machine whose Redis others are using.
 */
export async function restartRedis(url: string): Promise<void> {
  const port = new URL(url).port || '6379';
  if (port === '6379') {
    await stopRedis();
    await startServices();
    return;
  }
  await run('redis-cli', ['-h', '127.0.0.1', '-p', port, 'shutdown', 'nosave']).catch(() => {});
  await run('redis-server', ['--daemonize', 'yes', '--bind', '127.0.0.1', '--port', port, '--save', '', '--appendonly', 'no']);
  await waitFor(`Redis on port ${port}`, async () =>
    (await run('redis-cli', ['-h', '127.0.0.1', '-p', port, 'ping']).catch(() => null))?.stdout.includes('PONG'),
  );
}

/** Starts whatever of Postgres, Redis and the S3 gateway is down, as `npm run services:up` does. */
export async function startServices(): Promise<void> {
  await run('bash', [`${root}scripts/services-up.sh`], { cwd: root });
}

/** Stops only the S3 gateway (radosgw): an outage that keeps the stored objects. */
export async function stopS3Gateway(): Promise<void> {
  await run('bash', [`${root}scripts/s3-server.sh`, 'stop-gateway'], { cwd: root });
}

export interface WorkerProcess {
  child: ChildProcess;
  /** Resolves with the exit code (or the signal's name). */
  exited: Promise<number | string>;
  output(): string;
}

function newestSourceMs(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSourceMs(path));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

/**
 * Workspaces whose `dist/` is older than their sources. A test that runs the built apps against an
 * old build would test old code, so it refuses to start instead (`npm test` builds first).
 */
export function staleBuilds(): string[] {
  const workspaces = ['apps', 'packages'].flatMap((group) => readdirSync(join(root, group)).map((name) => join(root, group, name)));
  return workspaces.filter((dir) => {
    const built = builtFiles(dir);
    return built.length === 0 || built.some((file) => !existsSync(file) || statSync(file).mtimeMs < newestSourceMs(join(dir, 'src')));
  });
}

/** What a workspace's build writes: its entry point, or (core, db: no index) every module its package.json exports. */
function builtFiles(dir: string): string[] {
  const entry = ['dist/main.js', 'dist/index.js', 'dist/index.html'].map((f) => join(dir, f)).find((f) => existsSync(f));
  if (entry) return [entry];
  const { exports } = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { exports?: Record<string, { default?: string }> };
  return Object.values(exports ?? {}).flatMap((target) => (target.default ? [join(dir, target.default)] : []));
}

/** Runs a built app (`apps/<app>/dist/main.js`) as its own process, as `npm run start:<app>` does. */
export function spawnApp(app: 'api' | 'worker', env: Record<string, string>): WorkerProcess {
  const stale = staleBuilds();
  if (stale.length > 0) throw new Error(`run \`npm run build\` first: dist/ is older than src/ in ${stale.join(', ')}`);
  const child = spawn(process.execPath, [`${root}apps/${app}/dist/main.js`], {
    cwd: root,
    env: { ...process.env, LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | string>((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  return { child, exited, output: () => output };
}

export const spawnWorker = (env: Record<string, string>) => spawnApp('worker', env);

/** A loopback port nothing listens on right now (the OS picks it). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export interface ApiProcess extends WorkerProcess {
  baseUrl: string;
  /** SIGTERM, then the exit code. */
  stop(): Promise<number | string>;
}

/**
 * The built API as an OS process of its own (`spawnApp`) on `port` (a free one by default),
 * returned once it answers `/healthz`. It shares the test's Postgres, Redis and bucket through the
 * environment; pass the harness's `QUEUE_PREFIX` to make it part of the harness's deployment.
 */
export async function spawnApi(env: Record<string, string>, port?: number): Promise<ApiProcess> {
  const listening = port ?? (await freePort());
  const api = spawnApp('api', { ...env, PORT: String(listening) });
  const baseUrl = `http://127.0.0.1:${listening}`;
  const stop = () => {
    api.child.kill('SIGTERM');
    return api.exited;
  };
  try {
    await waitFor(
      'the API process to answer',
      async () => {
        if (api.child.exitCode !== null) throw new Error(`the API process exited: ${api.output()}`);
        return (await fetch(`${baseUrl}/healthz`).catch(() => null))?.ok;
      },
      30_000,
      100,
    );
  } catch (error) {
    await stop();
    throw error;
  }
  return { ...api, baseUrl, stop };
}

/** Polls `probe` until it returns a truthy value, or throws after `timeoutMs`. */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined | null | false>, timeoutMs = 30_000, everyMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

/**
 * Asks `probe` again (every 50 ms) until it answers `wanted`, failing once `withinMs` have passed
 * since `since` (when the change was made); returns how long after `since` the request that got it
 * was sent. For the contract's promises of the kind "within a second".
 */
export async function answersWithin(what: string, probe: () => Promise<string>, wanted: string, withinMs: number, since: number): Promise<number> {
  for (;;) {
    const sent = Date.now();
    const answer = await probe();
    if (answer === wanted) return sent - since;
    if (Date.now() - since > withinMs) throw new Error(`${what}: still ${answer} ${Date.now() - since} ms on, not ${wanted} within ${withinMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
