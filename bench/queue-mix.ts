/**
 * "The rest of the queue keeps moving while a long video renders": a photo queued behind a long
 * video, on a worker with free render slots, is ready within 2× its own time on an idle worker.
 * One worker process (the default slots: one per core, one job more in flight); the photo's
 * complete→ready is measured idle, then while the video's renditions and storyboard render, then
 * idle again, and each side's figure is the median of its samples.
 *
 *   npm run bench -- --only queue-mix      (BENCH_QUEUE_VIDEO_SECONDS: the video's length, default 60)
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ffmpeg } from '../packages/media/src/video/test-clips.js';
import { ratio, type BenchRow } from './table.js';
import { cameraPhotos, type BenchInput } from './worker-inputs.js';
import { startRig, type Rig } from './worker-rig.js';
import { median } from '../test/support/flood.js';

const VIDEO_SECONDS = Number(process.env.BENCH_QUEUE_VIDEO_SECONDS ?? 60);
const IDLE_SAMPLES = 3;
const BUSY_SAMPLES = 3;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A 1080p phone-like clip of `VIDEO_SECONDS` with sound, made once and kept in the temp dir for later runs. */
async function longVideo(): Promise<string> {
  const dir = join(tmpdir(), 'darkroom-bench-inputs');
  await mkdir(dir, { recursive: true });
  const path = join(dir, `long-${VIDEO_SECONDS}s-1080p.mp4`);
  if (existsSync(path)) return path;
  const picture = ['-f', 'lavfi', '-i', `testsrc2=size=1920x1080:rate=30:duration=${VIDEO_SECONDS}`];
  const sound = ['-f', 'lavfi', '-i', `sine=frequency=440:duration=${VIDEO_SECONDS}`];
  await ffmpeg([...picture, ...sound, '-c:v', 'libx264', '-preset', 'ultrafast', '-crf', '26', '-pix_fmt', 'yuv420p', '-c:a', 'aac', path]);
  return path;
}

/** The job row of `jobId` once it has finished: when it did (ms since the epoch), and its state. */
async function finished(rig: Rig, jobId: string): Promise<{ at: number; state: string } | null> {
  const job = await rig.db.query.jobs.findFirst({ where: (j, { eq }) => eq(j.id, jobId) });
  return job?.finishedAt ? { at: job.finishedAt.getTime(), state: job.state } : null;
}

/** One photo: uploaded, then complete → its job's commit, in ms. */
export async function photoMs(rig: Rig, photo: BenchInput): Promise<number> {
  const { asset, parts } = await rig.tenant.upload(new Uint8Array(await readFile(photo.path)), {
    filename: 'queued-photo.jpg',
    contentType: 'image/jpeg',
  });
  const startedAt = Date.now();
  const res = await rig.tenant.request('POST', `/v1/uploads/${asset.id}/complete`, parts ? { parts } : {});
  if (res.status !== 202) throw new Error(`complete: ${res.status}`);
  for (;;) {
    const done = await finished(rig, res.body.job.id);
    if (done) {
      if (done.state !== 'completed') throw new Error(`the photo's job ended ${done.state}`);
      return done.at - startedAt;
    }
    await sleep(25);
  }
}

interface QueueMix {
  idle: number[];
  busy: number[];
  videoMs: number;
  videoState: string;
}

/** Idle samples, the video completed and seen rendering, photos while it does (those that end after it are not counted), idle again. */
async function measure(rig: Rig, photo: BenchInput, video: string): Promise<QueueMix> {
  const idle: number[] = [];
  const busy: number[] = [];
  for (let i = 0; i < IDLE_SAMPLES - 1; i++) idle.push(await photoMs(rig, photo));
  const { job } = await rig.tenant.uploadAndComplete(new Uint8Array(await readFile(video)), { filename: 'long.mp4', contentType: 'video/mp4' });
  const queuedAt = Date.now();
  // Behind it in the queue only once it holds a slot and ffmpeg runs (its progress moves).
  for (;;) {
    const row = await rig.db.query.jobs.findFirst({ where: (j, { eq }) => eq(j.id, job.id) });
    if ((row?.progress ?? 0) > 0 || row?.finishedAt) break;
    await sleep(100);
  }
  while (busy.length < BUSY_SAMPLES && !(await finished(rig, job.id))) {
    const ms = await photoMs(rig, photo);
    if (!(await finished(rig, job.id))) busy.push(ms);
  }
  let videoDone = await finished(rig, job.id);
  while (!videoDone) {
    await sleep(500);
    videoDone = await finished(rig, job.id);
  }
  idle.push(await photoMs(rig, photo));
  // A video that ran out of time (a loaded machine) still had the photos queued behind it while it rendered.
  return { idle, busy, videoMs: videoDone.at - queuedAt, videoState: videoDone.state };
}

export async function runQueueMixBench(): Promise<BenchRow[]> {
  const [photo] = await cameraPhotos(1);
  const video = await longVideo();
  console.log(
    `queue-mix bench: a ${photo!.megapixels.toFixed(0)} MP photo behind a ${VIDEO_SECONDS} s 1080p video (default preset), 1 worker process`,
  );
  const rig = await startRig(1);
  let mix: QueueMix;
  try {
    mix = await measure(rig, photo!, video);
  } finally {
    await rig.close();
  }
  const [idle, busy] = [median(mix.idle), median(mix.busy)];
  console.log(
    `  idle: ${mix.idle.map(Math.round).join(', ')} ms; behind the video: ${mix.busy.map(Math.round).join(', ')} ms; video ${Math.round(mix.videoMs)} ms`,
  );
  if (mix.busy.length === 0) throw new Error('the video finished before a photo behind it did: raise BENCH_QUEUE_VIDEO_SECONDS');
  return [
    {
      metric: `photo complete→ready behind a ${VIDEO_SECONDS} s video (p50 of ${mix.busy.length})`,
      darkroom: `${Math.round(busy)} ms`,
      baseline: `${Math.round(idle)} ms idle`,
      ratio: ratio(busy / idle),
      goal: '≤ 2.00×',
      met: busy <= 2 * idle ? 'yes' : 'no',
    },
    {
      metric: `the ${VIDEO_SECONDS} s 1080p video meanwhile: complete→${mix.videoState === 'completed' ? 'ready' : mix.videoState}`,
      darkroom: `${(mix.videoMs / 1000).toFixed(1)} s`,
      baseline: '—',
      ratio: '—',
      goal: '—',
      met: '—',
    },
  ];
}
