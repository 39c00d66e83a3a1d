/**
 * The measuring half of bench/classifier.ts, run by it in a child pinned to one core. It imports
 * only what it measures (@darkroom/media, sharp), so its RSS is the classifier's and a decode's,
 * not the bench's database and bucket clients'. Prints its figures as one JSON line.
 */
import { readFileSync } from 'node:fs';
import { explicitScore, explicitScoreOfFile, loadExplicitClassifier } from '@darkroom/media';
import sharp from 'sharp';
import { CLEAN_PHOTOS, fixture } from '../packages/media/src/test-fixtures.js';

/** The fixture photos of every kind the path decodes (HEIC left out: its decoder's cost is its own). */
const PHOTOS = CLEAN_PHOTOS.map(fixture);
const CLASSIFICATIONS = 100;
const SAFETY = { maxInputPixels: 100_000_000 };

export interface ChildFigures {
  classifications: number;
  loadMs: number;
  rssBeforeLoadMb: number;
  rssAfterLoadMb: number;
  rssAfterBaselineMb: number;
  rssAfterRunMb: number;
  peakRssMb: number;
  wholePathMs: number[];
  modelMs: number[];
  baselineMs: number[];
}

/** VmRSS and VmHWM of this process, in MB (as bench/support.ts's memoryOf, which this child does not import). */
function self(): { rssMb: number; hwmMb: number } {
  const status = readFileSync('/proc/self/status', 'utf8');
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0);
  return { rssMb: kb('VmRSS') / 1024, hwmMb: kb('VmHWM') / 1024 };
}

async function timed(work: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await work();
  return performance.now() - started;
}

/** sharp alone: the same photos decoded as displayed and squeezed to the model's input. */
const baselineDecode = (path: string) =>
  sharp(path, { autoOrient: true }).flatten({ background: '#ffffff' }).resize(224, 224, { fit: 'fill' }).removeAlpha().raw().toBuffer();

/** What the pinned child measures, in this order: the load, the baseline, then the classifications. */
async function measure(): Promise<ChildFigures> {
  // The load first, so its memory is read before any decode grows the heap.
  const rssBeforeLoadMb = self().rssMb;
  const loadMs = await timed(() => loadExplicitClassifier());
  const rssAfterLoadMb = self().rssMb;
  const baselineMs: number[] = [];
  for (let i = 0; i < CLASSIFICATIONS; i++) baselineMs.push(await timed(() => baselineDecode(PHOTOS[i % PHOTOS.length]!)));
  const rssAfterBaselineMb = self().rssMb;
  const inputs = await Promise.all(PHOTOS.map(async (path) => ({ data: await baselineDecode(path), width: 224, height: 224 })));
  // One pass first: the backend compiles its kernels on the first inference.
  for (const path of PHOTOS) await explicitScoreOfFile(path, SAFETY);
  const wholePathMs: number[] = [];
  const modelMs: number[] = [];
  for (let i = 0; i < CLASSIFICATIONS; i++) {
    wholePathMs.push(await timed(() => explicitScoreOfFile(PHOTOS[i % PHOTOS.length]!, SAFETY)));
    modelMs.push(await timed(() => explicitScore(inputs[i % inputs.length]!)));
  }
  const after = self();
  return {
    classifications: CLASSIFICATIONS,
    loadMs,
    rssBeforeLoadMb,
    rssAfterLoadMb,
    rssAfterBaselineMb,
    rssAfterRunMb: after.rssMb,
    peakRssMb: after.hwmMb,
    wholePathMs,
    modelMs,
    baselineMs,
  };
}

// The model's own console.info line goes to stderr, so stdout carries the figures alone.
console.info = (...args: unknown[]) => console.error(...args);
console.log(JSON.stringify(await measure()));
