import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cpuSecondsOf, ROOT } from './support.js';

/** The same load for every side of a comparison: connections, and a warm-up before each measurement. */
export const CONNECTIONS = 20;
export const WARMUP_SECONDS = 3;

export interface LoadResult {
  rps: number;
  p99: number;
  /** Body and header bytes read a second: what a server of large objects is measured by. */
  bytesPerSecond: number;
  /**
   * Requests answered, and the CPU the server process used meanwhile: its cost per request, steadier
   * than req/s on a shared machine (NaN when no `serverPid` was given).
   */
  requests: number;
  serverCpuSeconds: number;
}

export interface LoadOptions {
  /** The process that answers, whose CPU is read; none for a server the bench does not own (the S3 server). */
  serverPid?: number | undefined;
  seconds: number;
  method?: string;
  body?: string;
  token?: string;
  headers?: Record<string, string>;
  /**
   * autocannon (the default) turns every answer's body into a string, which costs it more CPU per
   * image than the server spends sending it; wrk (C, from Debian's packages) reads bodies without
   * keeping them, so a server of images is measured rather than the load generator.
   */
  generator?: 'autocannon' | 'wrk';
  /**
   * Requests a second, sent at evenly spaced times on up to CONNECTIONS connections
   * (bench/steady-load.mjs): a steady stream the server keeps up with, whose latency is the
   * server's own rather than the queue that CONNECTIONS at saturation build; none: as fast as the
   * server answers, with the generator.
   */
  rate?: number | undefined;
}

/** The load generator in a process of its own, so it never shares an event loop with a server. */
export async function load(url: string, options: LoadOptions): Promise<LoadResult> {
  const cpuOf = (pid: number | undefined) => (pid === undefined ? Number.NaN : cpuSecondsOf(pid).total);
  const cpuBefore = cpuOf(options.serverPid);
  const result = await (options.rate !== undefined
    ? runSteady(url, options.rate, options)
    : options.generator === 'wrk'
      ? runWrk(url, options)
      : runAutocannon(url, options));
  const serverCpuSeconds = cpuOf(options.serverPid) - cpuBefore;
  if (result.non2xx > 0 || result.errors > 0) throw new Error(`${url}: ${result.non2xx} non-2xx answers and ${result.errors} errors under load`);
  return { rps: result.rps, p99: result.p99, bytesPerSecond: result.bytesPerSecond, requests: result.requests, serverCpuSeconds };
}

interface GeneratorResult {
  rps: number;
  p99: number;
  bytesPerSecond: number;
  requests: number;
  non2xx: number;
  errors: number;
}

/** A generator's process and its output once it ends ('close', not 'exit': the output can be more than one read of the pipe). */
function spawnOutput(command: string, args: string[]) {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'ignore'] });
  let out = '';
  child.stdout.on('data', (chunk) => (out += chunk));
  const exited = new Promise<string>((resolve) => child.on('close', () => resolve(out)));
  return { child, exited };
}

const output = (command: string, args: string[]): Promise<string> => spawnOutput(command, args).exited;

async function runAutocannon(url: string, options: LoadOptions): Promise<GeneratorResult> {
  const args = ['-c', String(CONNECTIONS), '-d', String(options.seconds), '-j', '-m', options.method ?? 'GET'];
  if (options.body) args.push('-H', 'content-type=application/json', '-b', options.body);
  if (options.token) args.push('-H', `authorization=Bearer ${options.token}`);
  for (const [name, value] of Object.entries(options.headers ?? {})) args.push('-H', `${name}=${value}`);
  const out = await output(process.execPath, [join(ROOT, 'node_modules/autocannon/autocannon.js'), ...args, url]);
  const result = JSON.parse(out) as {
    requests: { average: number; total: number };
    latency: { p99: number };
    throughput: { average: number };
    non2xx: number;
    errors: number;
  };
  return {
    rps: result.requests.average,
    p99: result.latency.p99,
    bytesPerSecond: result.throughput.average,
    requests: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors,
  };
}

/** bench/steady-load.mjs with `options`' request at `rate` a second, for `options.seconds` or until SIGTERM. */
function spawnSteady(url: string, rate: number, options: LoadOptions, samples: boolean) {
  const headers: Record<string, string> = { ...options.headers };
  if (options.body) headers['content-type'] = 'application/json';
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  const spec = {
    url,
    rate,
    seconds: options.seconds,
    connections: CONNECTIONS,
    method: options.method ?? 'GET',
    body: options.body,
    headers,
    samples,
  };
  return spawnOutput(process.execPath, [join(ROOT, 'bench/steady-load.mjs'), JSON.stringify(spec)]);
}

interface SteadyOutput {
  requests: number;
  rps: number;
  p99: number;
  non2xx: number;
  errors: number;
  errorCodes: Record<string, number>;
  samples?: StreamSample[];
}

/** An open-loop stream of `rate` requests a second (bench/steady-load.mjs). */
async function runSteady(url: string, rate: number, options: LoadOptions): Promise<GeneratorResult> {
  const result = JSON.parse(await spawnSteady(url, rate, options, false).exited) as SteadyOutput;
  return { rps: result.rps, p99: result.p99, bytesPerSecond: Number.NaN, requests: result.requests, non2xx: result.non2xx, errors: result.errors };
}

/** A request of a steady stream: when it was due (ms since the epoch), its latency from then, and how late the generator sent it (ms). */
export type StreamSample = [due: number, ms: number, late: number];

/**
 * A steady stream of `rate` requests a second (bench/steady-load.mjs) that runs until `stop` (at
 * most `maxSeconds`), for a measurement whose length is not known at its start: `stop` resolves
 * with every request's due time and latency, so that the part due while something else ran can be
 * read apart (`p99Of`). Any answer other than a 2xx is an error, as under `load`.
 */
export function steadyStream(url: string, rate: number, options: Omit<LoadOptions, 'rate' | 'seconds' | 'generator'>, maxSeconds = 900) {
  const { child, exited } = spawnSteady(url, rate, { ...options, seconds: maxSeconds }, true);
  return {
    async stop(): Promise<StreamSample[]> {
      child.kill('SIGTERM');
      const result = JSON.parse(await exited) as SteadyOutput;
      if (result.non2xx > 0 || result.errors > 0)
        throw new Error(
          `${url}: ${result.non2xx} non-2xx answers and ${result.errors} errors in a steady stream ${JSON.stringify(result.errorCodes)}`,
        );
      return result.samples!;
    },
  };
}

/** The 99th percentile of `values`, to a tenth, as steady-load.mjs reads its own. */
function p99Within(values: number[]): number {
  const sorted = values.sort((a, b) => a - b);
  return Math.round((sorted[Math.min(sorted.length - 1, Math.floor(0.99 * sorted.length))] ?? Number.NaN) * 10) / 10;
}

/**
 * The 99th percentile of the latencies of `samples` due from `from` to `to` (ms since the epoch);
 * beside it, the same counted from when each request was sent, and the generator's own lateness:
 * what of the latency is the load generator's share of a busy machine, not the server's.
 */
export function p99Of(
  samples: readonly StreamSample[],
  from: number,
  to: number,
): { p99: number; requests: number; p99FromSent: number; lateP99: number } {
  const within = samples.filter(([due]) => due >= from && due <= to);
  return {
    p99: p99Within(within.map(([, ms]) => ms)),
    requests: within.length,
    p99FromSent: p99Within(within.map(([, ms, late]) => ms - late)),
    lateP99: p99Within(within.map(([, , late]) => late)),
  };
}

/** wrk's summary as one JSON line (its latencies are in µs). Only GETs: the delivery bench needs no more. */
const WRK_REPORT = `done = function(s, latency)
  local e = s.errors
  io.write(string.format('{"requests":%d,"bytes":%d,"us":%d,"p99":%d,"non2xx":%d,"errors":%d}\\n',
    s.requests, s.bytes, s.duration, latency:percentile(99), e.status, e.connect + e.read + e.write + e.timeout))
end`;

async function runWrk(url: string, options: LoadOptions): Promise<GeneratorResult> {
  if (options.method && options.method !== 'GET') throw new Error('the wrk generator sends GETs only');
  const script = join(tmpdir(), `darkroom-wrk-${process.pid}.lua`);
  await writeFile(script, WRK_REPORT);
  const args = ['-t', '1', '-c', String(CONNECTIONS), '-d', `${options.seconds}s`, '-s', script];
  if (options.token) args.push('-H', `authorization: Bearer ${options.token}`);
  for (const [name, value] of Object.entries(options.headers ?? {})) args.push('-H', `${name}: ${value}`);
  const out = await output('wrk', [...args, url]);
  const line = out.trim().split('\n').at(-1) ?? '';
  const result = JSON.parse(line) as { requests: number; bytes: number; us: number; p99: number; non2xx: number; errors: number };
  return {
    rps: result.requests / (result.us / 1e6),
    p99: result.p99 / 1000,
    bytesPerSecond: result.bytes / (result.us / 1e6),
    requests: result.requests,
    non2xx: result.non2xx,
    errors: result.errors,
  };
}

/** Measurements of one side: the mean throughput, the worst p99, requests and CPU summed. */
export const meanOf = (runs: readonly LoadResult[]): LoadResult => ({
  rps: runs.reduce((sum, r) => sum + r.rps, 0) / runs.length,
  p99: Math.max(...runs.map((r) => r.p99)),
  bytesPerSecond: runs.reduce((sum, r) => sum + r.bytesPerSecond, 0) / runs.length,
  requests: runs.reduce((sum, r) => sum + r.requests, 0),
  serverCpuSeconds: runs.reduce((sum, r) => sum + r.serverCpuSeconds, 0),
});

/** Two measurements of one side, as `meanOf` combines them. */
export const both = (a: LoadResult, b: LoadResult): LoadResult => meanOf([a, b]);

/** Server CPU per request in µs. */
export const cpuPerRequest = (r: LoadResult) => (r.serverCpuSeconds * 1e6) / r.requests;

export const rps = (r: LoadResult) => `${Math.round(r.rps)} req/s`;

/** One side of a comparison under wrk: its URL, and the process that answers it where the bench owns one. */
export interface LoadTarget {
  name: string;
  url: string;
  serverPid?: number | undefined;
  headers?: Record<string, string> | undefined;
}

/**
 * Every target under wrk after a warm-up each, then measured in the order A, B, C, C, B, A so that
 * none always runs last (the machine's speed drifts over minutes); each target's two runs combined
 * by `both`, by name.
 */
export async function loadInTurn(targets: readonly LoadTarget[], seconds: number): Promise<Map<string, LoadResult>> {
  const run = (target: LoadTarget, forSeconds: number) =>
    load(target.url, { serverPid: target.serverPid, seconds: forSeconds, headers: target.headers, generator: 'wrk' });
  for (const target of targets) await run(target, WARMUP_SECONDS);
  const first = new Map<string, LoadResult>();
  for (const target of targets) first.set(target.name, await run(target, seconds));
  const results = new Map<string, LoadResult>();
  for (const target of [...targets].reverse()) results.set(target.name, both(first.get(target.name)!, await run(target, seconds)));
  return results;
}
