/**
 * An iPhone HEIC (12 MP, Display P3, a grid of 48 tiles) through processImageFile with the default
 * preset, against the same photo as a JPEG (made from our own decode, 3024x4032, quality 92).
 *
 *   npx tsx packages/media/bench/heic.bench.ts [--rounds 3]
 *
 * Each render runs in a fresh child process (peak RSS only grows within a process), libvips with
 * one thread and no cache as in the worker. Reported per case, medians over the rounds: wall time,
 * peak RSS, RSS after the render and a GC (memory given back), and the longest the child's main
 * thread was blocked (event-loop delay) while it rendered. Figures go to docs/media.md.
 */
import { fork } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { PRESETS } from '@darkroom/core/presets';
import { configureSharp, probeImage, processImageFile } from '../src/index.js';
import { openHeif } from '../src/heif/decode.js';

const HEIC = fileURLToPath(new URL('../../../fixtures/images/iphone_13_pro_max.HEIC', import.meta.url));
const JPEG = join(tmpdir(), 'darkroom-bench-iphone.jpg');
const OPTIONS = { maxInputPixels: 100_000_000 };

interface Sample {
  ms: number;
  peakRssMb: number;
  afterRssMb: number;
  maxStallMs: number;
}

async function child(path: string): Promise<Sample> {
  configureSharp({ concurrency: 1, cacheMemoryMb: 0 });
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  const started = performance.now();
  await processImageFile(path, PRESETS.default!, OPTIONS);
  const ms = performance.now() - started;
  loop.disable();
  (globalThis as { gc?: () => void }).gc?.();
  await new Promise((resolve) => setTimeout(resolve, 200));
  return {
    ms,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
    afterRssMb: process.memoryUsage().rss / 1024 / 1024,
    maxStallMs: loop.max / 1e6,
  };
}

function runChild(path: string): Promise<Sample> {
  return new Promise((resolve, reject) => {
    const proc = fork(fileURLToPath(import.meta.url), ['--child', path], { execArgv: [...process.execArgv, '--expose-gc'] });
    proc.once('message', (sample) => resolve(sample as Sample));
    proc.once('exit', (code) => code !== 0 && reject(new Error(`child exited with ${code}`)));
  });
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

async function main(): Promise<void> {
  const roundsAt = process.argv.indexOf('--rounds');
  const rounds = roundsAt > 0 ? Number(process.argv[roundsAt + 1]) : 3;
  const decoded = await openHeif(HEIC, await probeImage(HEIC, OPTIONS), OPTIONS);
  await writeFile(JPEG, await decoded.toColourspace('srgb').jpeg({ quality: 92 }).toBuffer());
  const samples: Record<string, Sample[]> = { 'HEIC (WASM thread)': [], 'same photo as JPEG': [] };
  for (let round = 0; round < rounds; round++) {
    samples['HEIC (WASM thread)']!.push(await runChild(HEIC));
    samples['same photo as JPEG']!.push(await runChild(JPEG));
  }
  console.log('| case | ms | peak RSS MB | RSS after MB | longest main-thread stall ms |\n|---|---|---|---|---|');
  for (const [name, list] of Object.entries(samples)) {
    const m = (key: keyof Sample) => median(list.map((s) => s[key])).toFixed(0);
    console.log(`| ${name} | ${m('ms')} | ${m('peakRssMb')} | ${m('afterRssMb')} | ${m('maxStallMs')} |`);
  }
}

if (process.argv[2] === '--child') {
  process.send!(await child(process.argv[3]!));
} else {
  await main();
}
