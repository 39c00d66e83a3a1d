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
  /** Requests answered, and the CPU the server process used meanwhile: its cost per request, steadier than req/s on a shared machine. */
  requests: number;
  serverCpuSeconds: number;
}

export interface LoadOptions {
  serverPid: number;
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
}

/** The load generator in a process of its own, so it never shares an event loop with a server. */
export async function load(url: string, options: LoadOptions): Promise<LoadResult> {
  const cpuBefore = cpuSecondsOf(options.serverPid).total;
  const result = await (options.generator === 'wrk' ? runWrk(url, options) : runAutocannon(url, options));
  const serverCpuSeconds = cpuSecondsOf(options.serverPid).total - cpuBefore;
  if (result.non2xx > 0 || result.errors > 0) throw new Error(`${url}: ${result.non2xx} non-2xx answers and ${result.errors} errors under load`);
  return { rps: result.rps, p99: result.p99, requests: result.requests, serverCpuSeconds };
}

interface GeneratorResult {
  rps: number;
  p99: number;
  requests: number;
  non2xx: number;
  errors: number;
}

async function output(command: string, args: string[]): Promise<string> {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'ignore'] });
  let out = '';
  child.stdout.on('data', (chunk) => (out += chunk));
  await new Promise((resolve) => child.on('exit', resolve));
  return out;
}

async function runAutocannon(url: string, options: LoadOptions): Promise<GeneratorResult> {
  const args = ['-c', String(CONNECTIONS), '-d', String(options.seconds), '-j', '-m', options.method ?? 'GET'];
  if (options.body) args.push('-H', 'content-type=application/json', '-b', options.body);
  if (options.token) args.push('-H', `authorization=Bearer ${options.token}`);
  for (const [name, value] of Object.entries(options.headers ?? {})) args.push('-H', `${name}=${value}`);
  const out = await output(process.execPath, [join(ROOT, 'node_modules/autocannon/autocannon.js'), ...args, url]);
  const result = JSON.parse(out) as { requests: { average: number; total: number }; latency: { p99: number }; non2xx: number; errors: number };
  return { rps: result.requests.average, p99: result.latency.p99, requests: result.requests.total, non2xx: result.non2xx, errors: result.errors };
}

/** wrk's summary as one JSON line (its latencies are in µs). Only GETs: the delivery bench needs no more. */
const WRK_REPORT = `done = function(s, latency)
  local e = s.errors
  io.write(string.format('{"requests":%d,"us":%d,"p99":%d,"non2xx":%d,"errors":%d}\\n',
    s.requests, s.duration, latency:percentile(99), e.status, e.connect + e.read + e.write + e.timeout))
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
  const result = JSON.parse(line) as { requests: number; us: number; p99: number; non2xx: number; errors: number };
  return {
    rps: result.requests / (result.us / 1e6),
    p99: result.p99 / 1000,
    requests: result.requests,
    non2xx: result.non2xx,
    errors: result.errors,
  };
}

/** Two measurements of one side: mean throughput, the worse p99, requests and CPU summed. */
export const both = (a: LoadResult, b: LoadResult): LoadResult => ({
  rps: (a.rps + b.rps) / 2,
  p99: Math.max(a.p99, b.p99),
  requests: a.requests + b.requests,
  serverCpuSeconds: a.serverCpuSeconds + b.serverCpuSeconds,
});

/** Server CPU per request in µs. */
export const cpuPerRequest = (r: LoadResult) => (r.serverCpuSeconds * 1e6) / r.requests;
