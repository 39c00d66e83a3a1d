/**
 * The worker piece of bench/faces.ts: worker throughput with face detection on against
 * `FACE_DETECTION=off`, one rig of each side in turn (off, on, on, off, then on, off, off, on, …),
 * as bench/usage.ts's worker piece compares metering. On the camera photos (the worker bench's) for
 * the goal, and on the labelled photos (small web photos, most with faces, where the search's fixed
 * cost weighs most) beside it.
 */
import { FACE_MIN_CONFIDENCE } from '@darkroom/media';
import { facePhotos } from '../test/support/face-photos.js';
import { type BenchInput, cameraPhotos } from './worker-inputs.js';
import { pipelinePass, startRig, type Timed, upload, waitForFinished } from './worker-rig.js';
import { row, type BenchRow } from './table.js';
import { stat } from 'node:fs/promises';

type Side = 'on' | 'off';

const PHOTOS = Number(process.env.BENCH_FACES_PHOTOS ?? 24);
/** Rounds of four passes (two a side); more narrow the spread of a busy machine. */
const ROUNDS = Number(process.env.BENCH_FACES_WORKER_ROUNDS ?? 2);
const THROUGHPUT_GOAL = 0.85;

const DETECTION = (side: Side) => ({ FACE_DETECTION: side === 'on' ? String(FACE_MIN_CONFIDENCE) : 'off' });
const roundOrder = (round: number): Side[] => (round % 2 === 0 ? ['off', 'on', 'on', 'off'] : ['on', 'off', 'off', 'on']);

/** One pass of `photos` on a rig of one side, after one photo to warm it up (the models' first load). */
async function workerPass(side: Side, photos: readonly BenchInput[]): Promise<Timed> {
  const rig = await startRig(1, DETECTION(side));
  try {
    await upload(rig, photos[0]!);
    await waitForFinished(rig, 1);
    return await pipelinePass(rig, photos);
  } finally {
    await rig.close();
  }
}

/** A side's passes summed: the time, and the worker's CPU seconds (every thread) meanwhile. */
interface SideTotal {
  ms: number;
  cpuSeconds: number;
}

/** Each side's passes summed, in rounds that give each side each place in turn. */
async function inTurn(photos: readonly BenchInput[]): Promise<Record<Side, SideTotal>> {
  const total = { on: { ms: 0, cpuSeconds: 0 }, off: { ms: 0, cpuSeconds: 0 } };
  for (let round = 0; round < ROUNDS; round++) {
    for (const side of roundOrder(round)) {
      const pass = await workerPass(side, photos);
      total[side].ms += pass.ms;
      total[side].cpuSeconds += pass.cpu.total;
    }
  }
  return total;
}

const labelledInputs = async (): Promise<BenchInput[]> =>
  Promise.all((await facePhotos()).map(async (p) => ({ path: p.path, bytes: (await stat(p.path)).size, megapixels: (p.width * p.height) / 1e6 })));

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

const perPhoto = (cpuSeconds: number, photos: number) => `${Math.round((cpuSeconds / photos) * 1000)} ms`;

export async function faceWorkerRows(): Promise<BenchRow[]> {
  const cameraPhotosUsed = await cameraPhotos(PHOTOS);
  const camera = await inTurn(cameraPhotosUsed);
  const labelledPhotos = await labelledInputs();
  const labelled = await inTurn(labelledPhotos);
  const passes = 2 * ROUNDS;
  const cameraPasses = cameraPhotosUsed.length * passes;
  return [
    row(
      `faces: worker throughput, ${PHOTOS} camera photos × ${passes}, detection on vs off (time)`,
      seconds(camera.on.ms),
      seconds(camera.off.ms),
      camera.off.ms / camera.on.ms,
      `≥ ${THROUGHPUT_GOAL.toFixed(2)}×`,
      camera.off.ms / camera.on.ms >= THROUGHPUT_GOAL,
    ),
    // With every core busy, throughput cannot beat the CPU each photo takes: this ratio bounds the one above.
    row(
      'faces: worker CPU per camera photo (every thread), detection on vs off',
      perPhoto(camera.on.cpuSeconds, cameraPasses),
      perPhoto(camera.off.cpuSeconds, cameraPasses),
      camera.off.cpuSeconds / camera.on.cpuSeconds,
      '—',
      null,
    ),
    row(
      `faces: worker throughput, the labelled photos × ${passes}, detection on vs off (time)`,
      seconds(labelled.on.ms),
      seconds(labelled.off.ms),
      labelled.off.ms / labelled.on.ms,
      '—',
      null,
    ),
    row(
      'faces: worker CPU per labelled photo (every thread), detection on vs off',
      perPhoto(labelled.on.cpuSeconds, labelledPhotos.length * passes),
      perPhoto(labelled.off.cpuSeconds, labelledPhotos.length * passes),
      labelled.off.cpuSeconds / labelled.on.cpuSeconds,
      '—',
      null,
    ),
  ];
}
