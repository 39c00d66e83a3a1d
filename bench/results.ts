/**
 * Each bench run's record: its table and the facts of the machine it ran on, written to
 * `bench/results/<UTC time>-<bench>.json` (git-ignored: a run's figures belong to its machine; the
 * latest table that counts is copied into docs/performance.md by hand).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { ROOT } from './support.js';
import type { BenchRow } from './table.js';

const ADMIN_URL = process.env.BENCH_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** Taken when a run starts, so the record can say how busy the machine was before and after. */
export interface RunStart {
  startedAt: Date;
  loadAverage: number[];
}

export const startRun = (): RunStart => ({ startedAt: new Date(), loadAverage: os.loadavg() });

function git(args: string[]): string | null {
  try {
    return execFileSync('git', args, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return null;
  }
}

function distribution(): string | null {
  try {
    return /^PRETTY_NAME="?([^"\n]*)"?$/m.exec(readFileSync('/etc/os-release', 'utf8'))?.[1] ?? null;
  } catch {
    return null;
  }
}

async function postgresVersion(): Promise<string | null> {
  const admin = postgres(ADMIN_URL, { max: 1, onnotice: () => {} });
  try {
    const [row] = await admin<{ server_version: string }[]>`show server_version`;
    return row?.server_version ?? null;
  } catch {
    return null;
  } finally {
    await admin.end();
  }
}

/** The machine and the code a run measured: what a figure needs beside it to mean something. */
async function machineFacts() {
  const cpus = os.cpus();
  return {
    cpus: cpus.length,
    cpuModel: cpus[0]?.model ?? null,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    os: distribution() ?? `${os.type()} ${os.release()}`,
    kernel: os.release(),
    node: process.version,
    postgres: await postgresVersion(),
  };
}

/** The settings that change what a run measures: its arguments and every `BENCH_*` variable. */
function settings(): Record<string, unknown> {
  const bench = Object.entries(process.env).filter(([name]) => name.startsWith('BENCH_') && !name.includes('SECRET'));
  return { args: process.argv.slice(2), env: Object.fromEntries(bench) };
}

/** Writes the run's record and returns its path. */
export async function writeResults(bench: string, start: RunStart, rows: BenchRow[]): Promise<string> {
  const finishedAt = new Date();
  const record = {
    bench,
    startedAt: start.startedAt.toISOString(),
    finishedAt: finishedAt.toISOString(),
    commit: git(['rev-parse', 'HEAD']),
    uncommittedChanges: (git(['status', '--porcelain', '--untracked-files=no']) ?? '') !== '',
    machine: await machineFacts(),
    loadAverage: { start: start.loadAverage, end: os.loadavg() },
    settings: settings(),
    rows,
  };
  const dir = join(ROOT, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const stamp = start.startedAt.toISOString().replace(/[:.]/g, '-');
  const path = join(dir, `${stamp}-${bench}.json`);
  writeFileSync(path, `${JSON.stringify(record, null, 2)}\n`);
  return path;
}
