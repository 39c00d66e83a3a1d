/**
 * `npm run bench -- --only audio`: a 30-minute podcast through the worker (its loudness-normalised
 * `podcast` rendition and its waveform, as the default preset asks) against bare ffmpeg doing the
 * same two loudnorm passes plus an audiowaveform-equivalent peaks pass (a mono 16-bit decode and a
 * min/max loop), in the order bare, worker, worker, bare (the VM's speed drifts over minutes).
 */
import { spawn } from 'node:child_process';
import { mkdir, rename, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { DEFAULT_WAVEFORM_POINTS } from '@darkroom/core/presets';
import { ROOT } from './support.js';
import { ratio, type BenchRow } from './table.js';
import { finishedJobs, lastFinishedAt, type Rig, startRig, waitForFinished } from './worker-rig.js';

/** Minutes of the podcast; BENCH_AUDIO_MINUTES overrides (a short run to try the bench out). */
const MINUTES = Number(process.env.BENCH_AUDIO_MINUTES ?? 30);
const CACHE = join(ROOT, 'tmp', 'bench-audio');
/** The default preset's `podcast`. */
const PODCAST = { bitrate: 96, loudness: -16 };

/** Runs ffmpeg, its stdout handed to `onStdout` (or dropped); resolves with its stderr's tail. */
function ffmpeg(args: string[], onStdout?: (chunk: Buffer) => void): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('ffmpeg', ['-hide_banner', '-nostdin', '-nostats', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => onStdout?.(chunk));
    child.stderr.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-8192);
    });
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(stderr) : reject(new Error(`ffmpeg exited ${code}: ${stderr}`))));
  });
}

/** A stereo 128 kbit/s MP3 at 44.1 kHz, speech-like (pink noise whose level moves), made once and kept. */
async function podcast(): Promise<string> {
  const path = join(CACHE, `podcast-${MINUTES}min.mp3`);
  if ((await stat(path).catch(() => undefined))?.size) return path;
  await mkdir(CACHE, { recursive: true });
  const source = `anoisesrc=color=pink:amplitude=0.2:duration=${MINUTES * 60}:sample_rate=44100,volume='0.4+0.3*sin(2*PI*t/3)':eval=frame,aformat=channel_layouts=stereo`;
  console.log(`audio: making a ${MINUTES}-minute podcast (once, kept in ${CACHE})`);
  await ffmpeg(['-v', 'error', '-f', 'lavfi', '-i', source, '-c:a', 'libmp3lame', '-b:a', '128k', '-y', `${path}.part.mp3`]);
  await rename(`${path}.part.mp3`, path);
  return path;
}

/** What a script without Darkroom runs: loudnorm's measuring pass, its linear second pass to AAC, and the peaks. */
async function bare(input: string): Promise<number> {
  const started = performance.now();
  const stderr = await ffmpeg(['-i', input, '-map', '0:a:0', '-af', 'loudnorm=print_format=json', '-f', 'null', '-']);
  const m = JSON.parse(stderr.slice(stderr.lastIndexOf('{'), stderr.lastIndexOf('}') + 1)) as Record<string, string>;
  const measured = `measured_I=${m.input_i}:measured_TP=${m.input_tp}:measured_LRA=${m.input_lra}:measured_thresh=${m.input_thresh}`;
  const normalise = `loudnorm=I=${PODCAST.loudness}:TP=-1:LRA=50:${measured}:linear=true,aresample=44100`;
  const out = join(CACHE, 'bare.m4a');
  await ffmpeg([
    '-v',
    'error',
    '-i',
    input,
    '-map',
    '0:a:0',
    '-af',
    normalise,
    '-ac',
    '2',
    '-c:a',
    'aac',
    '-b:a',
    `${PODCAST.bitrate}k`,
    '-f',
    'ipod',
    '-y',
    out,
  ]);
  await peaks(input, 44_100 / DEFAULT_WAVEFORM_POINTS);
  return performance.now() - started;
}

/** audiowaveform's work: decode to mono 16-bit, then the min and max of each pixel's samples. */
async function peaks(input: string, samplesPerPixel: number): Promise<number[]> {
  const data: number[] = [];
  let min = 0;
  let max = 0;
  let count = 0;
  let odd: Buffer | undefined;
  await ffmpeg(['-v', 'error', '-i', input, '-map', '0:a:0', '-ac', '1', '-f', 's16le', 'pipe:1'], (chunk) => {
    const bytes = odd ? Buffer.concat([odd, chunk]) : chunk;
    const whole = bytes.length & ~1;
    odd = whole < bytes.length ? bytes.subarray(whole) : undefined;
    for (let at = 0; at < whole; at += 2) {
      const v = bytes.readInt16LE(at);
      if (count === 0 || v < min) min = v;
      if (count === 0 || v > max) max = v;
      if (++count === samplesPerPixel) {
        data.push(min >> 8, max >> 8);
        count = 0;
      }
    }
  });
  return data;
}

/** The worker's time for one podcast: uploaded with the queue paused, timed from resume to the job's commit. */
async function throughWorker(rig: Rig, input: string): Promise<number> {
  await rig.admin.request('POST', '/v1/admin/queues/pause');
  const before = await finishedJobs(rig);
  const { asset } = await rig.tenant.uploadFile(input, 'audio/mpeg');
  const started = Date.now();
  await rig.admin.request('POST', '/v1/admin/queues/resume');
  await waitForFinished(rig, before + 1, 500, 3_600_000);
  const ready = await rig.tenant.request('GET', `/v1/assets/${asset.id}`);
  const names = (ready.body.variants as { name: string }[]).map((v) => v.name);
  if (ready.body.status !== 'ready' || !names.includes('podcast') || !names.includes('waveform')) {
    throw new Error(`the podcast did not render: ${JSON.stringify(ready.body.error ?? ready.body.status)}`);
  }
  return (await lastFinishedAt(rig)) - started;
}

export async function runAudioBench(): Promise<BenchRow[]> {
  const input = await podcast();
  const rig = await startRig(1);
  try {
    const bareFirst = await bare(input);
    const worker = (await throughWorker(rig, input)) + (await throughWorker(rig, input));
    const bareMs = bareFirst + (await bare(input));
    const seconds = (ms: number) => `${(ms / 2000).toFixed(1)} s`;
    console.log(`audio: ${MINUTES}-minute podcast, worker ${seconds(worker)} per run, bare ffmpeg ${seconds(bareMs)} (two runs each)`);
    return [
      {
        metric: `audio: a ${MINUTES}-minute podcast's normalised rendition + waveform (baseline: bare ffmpeg's two passes + peaks)`,
        darkroom: seconds(worker),
        baseline: seconds(bareMs),
        ratio: ratio(bareMs / worker),
        goal: '≥ 0.90×',
        met: bareMs / worker >= 0.9 ? 'yes' : 'no',
      },
    ];
  } finally {
    await rig.close();
  }
}
