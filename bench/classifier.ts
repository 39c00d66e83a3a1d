/**
 * `npx tsx bench/classifier.ts` (or `npm run bench -- --only classifier`): the explicit-content
 * classifier (nsfwjs MobileNetV2 on TensorFlow.js's WebAssembly backend) on one core, in a child
 * pinned with `taskset -c 0`, as a worker's render slot would give it. Per image: the whole path
 * (decode, orient, squeeze to 224×224, the model) and the model alone, against sharp's decode and
 * resize of the same photos; the first load's time; the process's RSS after the load and after 100
 * classifications. Needs a build (`npx turbo run build`): it runs @darkroom/media's dist.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ChildFigures } from './classifier-child.js';
import { mb } from './support.js';
import { printTable, row, type BenchRow } from './table.js';

/** Runs a bench child (a file beside this one) pinned to core 0, and reads its figures from its last line. */
export function runPinnedChild<T>(child: string): Promise<T> {
  const argv = [process.execPath, ...process.execArgv, fileURLToPath(new URL(child, import.meta.url))];
  return new Promise((resolve, reject) => {
    const child = spawn('taskset', ['-c', '0', ...argv], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`the pinned bench child ${child} exited ${code}: ${out.slice(-2000)}`));
      resolve(JSON.parse(out.trim().split('\n').at(-1)!) as T);
    });
  });
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

export const ms = (value: number) => `${value.toFixed(1)} ms`;

export async function runClassifierBench(): Promise<BenchRow[]> {
  const f = await runPinnedChild<ChildFigures>('./classifier-child.ts');
  const p95 = percentile(f.wholePathMs, 95);
  const baselineP95 = percentile(f.baselineMs, 95);
  return [
    row('classifier p50 per image, one core (decode + model)', ms(percentile(f.wholePathMs, 50)), ms(percentile(f.baselineMs, 50)), null, '—', null),
    row('classifier p95 per image, one core (decode + model)', ms(p95), ms(baselineP95), p95 / baselineP95, '≤ 250 ms', p95 <= 250),
    row(
      'classifier p50 / p95, model alone (224×224 in)',
      `${ms(percentile(f.modelMs, 50))} / ${ms(percentile(f.modelMs, 95))}`,
      '—',
      null,
      '—',
      null,
    ),
    row('classifier first load (backend + MobileNetV2)', ms(f.loadMs), '—', null, '—', null),
    row('classifier RSS: before load → after load', `${mb(f.rssBeforeLoadMb)} → ${mb(f.rssAfterLoadMb)}`, '—', null, '—', null),
    row(
      `classifier RSS after ${f.classifications} classifications (peak)`,
      `${mb(f.rssAfterRunMb)} (${mb(f.peakRssMb)})`,
      `${mb(f.rssAfterBaselineMb)} after ${f.classifications} decodes`,
      null,
      '—',
      null,
    ),
  ];
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  printTable(await runClassifierBench());
}
