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
import { pipelinePass, startRig, upload, waitForFinished } from './worker-rig.js';
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
async function workerPass(side: Side, photos: readonly BenchInput[]): Promise<number> {
  const rig = await startRig(1, DETECTION(side));
  try {
    await upload(rig, photos[0]!);
    await waitForFinished(rig, 1);
    return (await pipelinePass(rig, photos)).ms;
  } finally {
    await rig.close();
  }
}

/** Each side's passes summed, in rounds that give each side each place in turn. */
async function inTurn(photos: readonly BenchInput[]): Promise<Record<Side, number>> {
  const total = { on: 0, off: 0 };
  for (let round = 0; round < ROUNDS; round++) {
    for (const side of roundOrder(round)) total[side] += await workerPass(side, photos);
  }
  return total;
}

const labelledInputs = async (): Promise<BenchInput[]> =>
  Promise.all((await facePhotos()).map(async (p) => ({ path: p.path, bytes: (await stat(p.path)).size, megapixels: (p.width * p.height) / 1e6 })));

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

export async function faceWorkerRows(): Promise<BenchRow[]> {
  const camera = await inTurn(await cameraPhotos(PHOTOS));
  const labelled = await inTurn(await labelledInputs());
  const passes = 2 * ROUNDS;
  return [
    row(
      `faces: worker throughput, ${PHOTOS} camera photos × ${passes}, detection on vs off (time)`,
      seconds(camera.on),
      seconds(camera.off),
      camera.off / camera.on,
      `≥ ${THROUGHPUT_GOAL.toFixed(2)}×`,
      camera.off / camera.on >= THROUGHPUT_GOAL,
    ),
    row(
      `faces: worker throughput, the labelled photos × ${passes}, detection on vs off (time)`,
      seconds(labelled.on),
      seconds(labelled.off),
      labelled.off / labelled.on,
      '—',
      null,
    ),
  ];
}
