import { spawn } from 'node:child_process';
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
}

/** autocannon in a process of its own, so the load generator never shares an event loop with a server. */
export async function load(url: string, options: LoadOptions): Promise<LoadResult> {
  const args = ['-c', String(CONNECTIONS), '-d', String(options.seconds), '-j', '-m', options.method ?? 'GET'];
  if (options.body) args.push('-H', 'content-type=application/json', '-b', options.body);
  if (options.token) args.push('-H', `authorization=Bearer ${options.token}`);
  for (const [name, value] of Object.entries(options.headers ?? {})) args.push('-H', `${name}=${value}`);
  const child = spawn(process.execPath, [join(ROOT, 'node_modules/autocannon/autocannon.js'), ...args, url], { stdio: ['ignore', 'pipe', 'ignore'] });
  let out = '';
  child.stdout.on('data', (chunk) => (out += chunk));
  const cpuBefore = cpuSecondsOf(options.serverPid).total;
  await new Promise((resolve) => child.on('exit', resolve));
  const serverCpuSeconds = cpuSecondsOf(options.serverPid).total - cpuBefore;
  const result = JSON.parse(out) as { requests: { average: number; total: number }; latency: { p99: number }; non2xx: number; errors: number };
  if (result.non2xx > 0 || result.errors > 0) throw new Error(`${url}: ${result.non2xx} non-2xx answers and ${result.errors} errors under load`);
  return { rps: result.requests.average, p99: result.latency.p99, requests: result.requests.total, serverCpuSeconds };
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
