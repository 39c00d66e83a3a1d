/**
 * The measuring half of bench/faces.ts, run by it in a child pinned to one core. It imports only
 * what it measures (@darkroom/media, sharp), so its RSS is the two models' and a decode's. Prints
 * its figures as one JSON line.
 */
import { readFileSync } from 'node:fs';
import { detectFacesOfFile, FACE_INPUT_LONG_SIDE, loadExplicitClassifier, loadFaceDetector } from '@darkroom/media';
import sharp from 'sharp';
import { facePhotos } from '../test/support/face-photos.js';

const SAFETY = { maxInputPixels: 100_000_000 };
/** Passes over the labelled photos: each photo's time is its median over them. */
const PASSES = 3;

export interface FacesChildFigures {
  photos: number;
  loadMs: number;
  rssBeforeLoadMb: number;
  rssAfterFacesMb: number;
  rssAfterBothMb: number;
  rssAfterRunMb: number;
  peakRssMb: number;
  /** Per photo: decode to 640 px and the search (SSD, then each candidate confirmed). */
  wholePathMs: number[];
  /** Per photo: sharp's decode to 640 px alone. */
  baselineMs: number[];
}

function self(): { rssMb: number; hwmMb: number } {
  const status = readFileSync('/proc/self/status', 'utf8');
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0);
  return { rssMb: kb('VmRSS') / 1024, hwmMb: kb('VmHWM') / 1024 };
}

async function medianTime(work: () => Promise<unknown>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < PASSES; i++) {
    const started = performance.now();
    await work();
    times.push(performance.now() - started);
  }
  return times.sort((a, b) => a - b)[PASSES >> 1]!;
}

const decode = (path: string) =>
  sharp(path, { autoOrient: true }).resize(FACE_INPUT_LONG_SIDE, FACE_INPUT_LONG_SIDE, { fit: 'inside', withoutEnlargement: true }).raw().toBuffer();

async function measure(): Promise<FacesChildFigures> {
  const rssBeforeLoadMb = self().rssMb;
  const started = performance.now();
  await loadFaceDetector();
  const loadMs = performance.now() - started;
  const rssAfterFacesMb = self().rssMb;
  // Both models, as a worker holds them when its tenants' policies classify too.
  await loadExplicitClassifier();
  const rssAfterBothMb = self().rssMb;
  const photos = (await facePhotos()).map((p) => p.path);
  // One pass first: the backend compiles its kernels on the first inference.
  for (const path of photos) await detectFacesOfFile(path, SAFETY);
  const wholePathMs: number[] = [];
  const baselineMs: number[] = [];
  for (const path of photos) {
    baselineMs.push(await medianTime(() => decode(path)));
    wholePathMs.push(await medianTime(() => detectFacesOfFile(path, SAFETY)));
  }
  const after = self();
  return {
    photos: photos.length,
    loadMs,
    rssBeforeLoadMb,
    rssAfterFacesMb,
    rssAfterBothMb,
    rssAfterRunMb: after.rssMb,
    peakRssMb: after.hwmMb,
    wholePathMs,
    baselineMs,
  };
}

console.info = (...args: unknown[]) => console.error(...args);
console.log(JSON.stringify(await measure()));
