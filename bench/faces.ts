/**
 * `npx tsx bench/faces.ts` (or `npm run bench -- --only faces`), two pieces (BENCH_FACES=<piece> runs one):
 *
 *   search  face detection (face-api's SSD MobileNet v1, each candidate confirmed by TinyFaceDetector,
 *           on TensorFlow.js's WebAssembly backend) on one core, in a child pinned with `taskset -c 0`,
 *           as a worker's render slot gives it: per labelled photo (fixtures/images/photos) the whole
 *           path (decode to 640 px, the search) against sharp's decode of the same photo alone; the
 *           first load; the process's RSS with the face models, then with the explicit classifier
 *           beside them, and after the searches
 *   worker  worker throughput with detection on against FACE_DETECTION=off (bench/faces-worker.ts)
 *
 * Needs a build (`npx turbo run build`); the worker piece, the services too.
 */
import { fileURLToPath } from 'node:url';
import { ms, percentile, runPinnedChild } from './classifier.js';
import type { FacesChildFigures } from './faces-child.js';
import { faceWorkerRows } from './faces-worker.js';
import { mb } from './support.js';
import { printTable, row, type BenchRow } from './table.js';

/** Issue 61's goal for a search: its p95 on one core. */
const P95_GOAL_MS = 300;

const PIECES: Record<string, () => Promise<BenchRow[]>> = { search: searchRows, worker: faceWorkerRows };

export async function runFacesBench(): Promise<BenchRow[]> {
  const only = process.env.BENCH_FACES;
  if (only && !(only in PIECES)) throw new Error(`BENCH_FACES=${only}: one of ${Object.keys(PIECES).join(', ')}`);
  const rows: BenchRow[] = [];
  for (const [name, piece] of Object.entries(PIECES)) if (!only || only === name) rows.push(...(await piece()));
  return rows;
}

async function searchRows(): Promise<BenchRow[]> {
  const f = await runPinnedChild<FacesChildFigures>('./faces-child.ts');
  const p95 = percentile(f.wholePathMs, 95);
  const baselineP95 = percentile(f.baselineMs, 95);
  return [
    row(
      `faces p50 per photo, one core (decode + search; ${f.photos} photos)`,
      ms(percentile(f.wholePathMs, 50)),
      ms(percentile(f.baselineMs, 50)),
      null,
      '—',
      null,
    ),
    row('faces p95 per photo, one core (decode + search)', ms(p95), ms(baselineP95), p95 / baselineP95, `≤ ${P95_GOAL_MS} ms`, p95 <= P95_GOAL_MS),
    row('faces first load (backend + both face models)', ms(f.loadMs), '—', null, '—', null),
    row(
      'faces RSS: before load → face models → and the classifier',
      `${mb(f.rssBeforeLoadMb)} → ${mb(f.rssAfterFacesMb)} → ${mb(f.rssAfterBothMb)}`,
      '—',
      null,
      '—',
      null,
    ),
    // Printed only: the child runs under tsx, whose loader raises its RSS well above a worker's (plain
    // Node, from dist). The memory goal is the worker's, judged in its memory run (bench/moderation.ts).
    row('faces RSS after the searches (peak), under tsx', `${mb(f.rssAfterRunMb)} (${mb(f.peakRssMb)})`, '—', null, '—', null),
  ];
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  printTable(await runFacesBench());
}
