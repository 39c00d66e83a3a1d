/**
 * Decode-once rendering vs decoding the original once per variant.
 *
 *   npx tsx packages/media/bench/render.bench.ts [--rounds 5] [--iterations 3] [--concurrency N]
 *
 * Each (approach, image) pair runs in its own child process, because peak RSS (`maxRSS`) only
 * ever grows within a process: sharing one would credit every approach with the worst peak seen
 * so far. A child does one warm-up render and then `iterations` timed renders; the parent runs
 * `rounds` children per pair, alternating which approach goes first, and reports medians.
 * libvips' operation cache is off, as in the worker, so repeated renders of the same file can't
 * be served from cache (that would flatter the naive approach, which decodes the same file 4x).
 * CPU time (user + system, all threads) is reported next to wall time: a worker running several
 * jobs at once is limited by CPU, not by how fast one job finishes on an idle machine.
 * --concurrency defaults to sharp's own default, which is 1 on glibc Linux unless
 * MALLOC_ARENA_MAX is set or jemalloc is in use.
 */
import { fork } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isImageSpec, PRESETS, type ImageVariantSpec } from '@darkroom/core/presets';
import sharp from 'sharp';
import { encode, fileInput, resizeTo, toVariant } from '../src/encode.js';
import { configureSharp, probeImage, renderVariants, type ImageProbe, type RenderedVariant } from '../src/index.js';
import { decodeStill } from '../src/render.js';

const FIXTURES = fileURLToPath(new URL('../../../fixtures/images/', import.meta.url));
const IMAGES = ['HMD_Nokia_8.3_5G.jpg', 'jolla.jpg'].map((name) => FIXTURES + name);
/**
 * Extra case: jolla.jpg re-encoded as PNG. PNG has no shrink-on-load, so every per-variant decode
 * is a full decode; it shows what decode-once saves for non-JPEG uploads.
 */
const PNG_COPY = join(tmpdir(), 'darkroom-bench-jolla.png');
const OPTIONS = { maxInputPixels: 100_000_000 };
const SPECS = PRESETS.default!.variants.filter(isImageSpec);

type Render = (path: string, probe: ImageProbe, specs: readonly ImageVariantSpec[]) => Promise<RenderedVariant[]>;

/** Baseline: every variant is its own file → resize → WebP pipeline (shrink-on-load still applies). */
async function naiveVariant(path: string, probe: ImageProbe, spec: ImageVariantSpec): Promise<RenderedVariant> {
  const input = sharp(path, fileInput(OPTIONS, { autoOrient: true }));
  const { data, info } = await encode(resizeTo(input, spec, probe), spec).toBuffer({ resolveWithObject: true });
  return toVariant(spec, probe, data, info);
}

/** Decode once, then every variant at the same time (Promise.all) instead of one after another. */
async function onceParallel(path: string, probe: ImageProbe, specs: readonly ImageVariantSpec[]): Promise<RenderedVariant[]> {
  const pixels = await decodeStill(path, probe, specs, OPTIONS);
  const raw = { raw: { width: pixels.width, height: pixels.height, channels: pixels.channels }, limitInputPixels: false } as const;
  return Promise.all(
    specs.map(async (spec) => {
      const { data, info } = await encode(resizeTo(sharp(pixels.data, raw), spec, probe), spec).toBuffer({ resolveWithObject: true });
      return toVariant(spec, probe, data, info);
    }),
  );
}

const APPROACHES: Record<string, Render> = {
  naive: async (path, probe, specs) => {
    const out: RenderedVariant[] = [];
    for (const spec of specs) out.push(await naiveVariant(path, probe, spec));
    return out;
  },
  'naive-parallel': (path, probe, specs) => Promise.all(specs.map((spec) => naiveVariant(path, probe, spec))),
  'decode-once': (path, probe, specs) => renderVariants(path, probe, specs, OPTIONS),
  'decode-once-parallel': onceParallel,
};
const CHOSEN = 'decode-once';

interface ChildResult {
  timesMs: number[];
  cpuMs: number[];
  peakRssMb: number;
  startRssMb: number;
}

async function child(approach: string, path: string, iterations: number): Promise<ChildResult> {
  configureSharp({ concurrency: arg('concurrency', sharp.concurrency()), cacheMemoryMb: 0 });
  const render = APPROACHES[approach]!;
  const probe = await probeImage(path, OPTIONS);
  const startRssMb = process.memoryUsage().rss / 2 ** 20;
  await render(path, probe, SPECS); // warm-up: thread pool, codec tables
  const timesMs: number[] = [];
  const cpuMs: number[] = [];
  for (let i = 0; i < iterations; i++) {
    const cpu = process.cpuUsage();
    const start = performance.now();
    await render(path, probe, SPECS);
    timesMs.push(performance.now() - start);
    const used = process.cpuUsage(cpu);
    cpuMs.push((used.user + used.system) / 1000);
  }
  // maxRSS is in kilobytes on Linux.
  return { timesMs, cpuMs, peakRssMb: process.resourceUsage().maxRSS / 1024, startRssMb };
}

function runChild(approach: string, image: string, iterations: number): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const args = ['--child', approach, image, String(iterations), '--concurrency', String(arg('concurrency', sharp.concurrency()))];
    const proc = fork(fileURLToPath(import.meta.url), args, {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    proc.once('message', (message) => resolve(message as ChildResult));
    proc.once('error', reject);
    proc.once('exit', (code) => code !== 0 && reject(new Error(`${approach} ${image}: child exited with ${code}`)));
  });
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function arg(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  return at > 0 ? Number(process.argv[at + 1]) : fallback;
}

async function parent(): Promise<void> {
  const rounds = arg('rounds', 5);
  const iterations = arg('iterations', 3);
  const names = Object.keys(APPROACHES);
  console.log(
    `sharp ${sharp.versions.sharp}, libvips ${sharp.versions.vips}, ${availableParallelism()} CPUs, libvips concurrency ${arg('concurrency', sharp.concurrency())}`,
  );
  console.log(`${rounds} rounds x ${iterations} timed renders per approach and image (medians)`);
  console.log(`preset default: ${SPECS.map((s) => `${s.name} ${s.fit} ${s.width}`).join(', ')}; chosen approach: ${CHOSEN}\n`);
  await sharp(IMAGES[1]!, { autoOrient: true }).png().toFile(PNG_COPY);
  for (const image of [...IMAGES, PNG_COPY]) {
    const results = new Map<string, ChildResult[]>(names.map((n) => [n, []]));
    for (let round = 0; round < rounds; round++) {
      const order = round % 2 ? [...names].reverse() : names;
      for (const name of order) results.get(name)!.push(await runChild(name, image, iterations));
    }
    report(image, results);
  }
  await rm(PNG_COPY, { force: true });
}

function report(image: string, results: Map<string, ChildResult[]>): void {
  const summary = [...results].map(([name, runs]) => ({
    name,
    wallMs: median(runs.flatMap((r) => r.timesMs)),
    cpuMs: median(runs.flatMap((r) => r.cpuMs)),
    peakRssMb: median(runs.map((r) => r.peakRssMb)),
    aboveStartMb: median(runs.map((r) => r.peakRssMb - r.startRssMb)),
  }));
  const base = summary.find((s) => s.name === 'naive')!;
  console.log(basename(image));
  console.log('  approach                wall ms  vs naive    CPU ms  vs naive   peak RSS MB  vs naive   peak above start MB');
  const cell = (value: number, ratio: number, width: number) => `${value.toFixed(0).padStart(width)}  ${ratio.toFixed(2).padStart(8)}`;
  for (const s of summary) {
    const name = (s.name + (s.name === CHOSEN ? ' *' : '')).padEnd(22);
    console.log(
      `  ${name} ${cell(s.wallMs, s.wallMs / base.wallMs, 8)}  ${cell(s.cpuMs, s.cpuMs / base.cpuMs, 8)}` +
        `  ${cell(s.peakRssMb, s.peakRssMb / base.peakRssMb, 12)}   ${s.aboveStartMb.toFixed(0).padStart(19)}`,
    );
  }
  console.log();
}

if (process.argv[2] === '--child') {
  const [approach, image, iterations] = process.argv.slice(3);
  const result = await child(approach!, image!, Number(iterations));
  // Disconnecting closes the IPC channel, which is all that keeps the child alive.
  process.send!(result, () => process.disconnect());
} else {
  await parent();
}
