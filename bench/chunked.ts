/**
 * `npm run bench -- --only chunked`: a long video's ladder rendered in chunks across worker
 * processes. On a 1080p clip of BENCH_CHUNKED_SECONDS (the streaming bench's testsrc2 with motion
 * and a tone, made once and kept in tmp/bench-chunked/), cut into four chunks, side by side in one
 * run: two worker processes pinned to one core each against one pinned to one core (time from
 * `complete` to `asset.ready`), the single one against bare ffmpeg making the same outputs on that
 * core (bench/chunked-bare.ts), and `complete` → `asset.playable` as a share of `complete` →
 * `asset.ready` with two; then the same for a 30 s clip, which is not chunked, beside one pinned
 * worker from before chunked ladders (BENCH_CHUNKED_BEFORE). Then, with BENCH_CHUNKED=fair alone or by
 * default, long videos fair across tenants (bench/chunked-fair.ts).
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { join } from 'node:path';
import { planHlsChunks, probeVideo } from '@darkroom/media';
import { bareOnOneCore, FIRST_CORE } from './chunked-bare.js';
import { clipFile } from './chunked-clips.js';
import { runChunkedFairBench } from './chunked-fair.js';
import { type LadderSync, ladderSync } from './chunked-sync.js';
import { type BenchRow, row } from './table.js';
import { type Rig, startRig, watchEvents } from './worker-rig.js';

/** Seconds of the long clip; BENCH_CHUNKED_SECONDS overrides (a shorter run on a loaded machine). */
const SECONDS = Number(process.env.BENCH_CHUNKED_SECONDS ?? 240);
/** Seconds of the short clip, below VIDEO_CHUNK_SECONDS: one ladder, as every video was before chunks (BENCH_CHUNKED_SHORT_SECONDS). */
const SHORT_SECONDS = Number(process.env.BENCH_CHUNKED_SHORT_SECONDS ?? 30);
/** A quarter of the long clip (four chunks), never so short that the short clip would be chunked too. */
const CHUNK_SECONDS = Math.max(SHORT_SECONDS + 2, Math.round(SECONDS / 4));
/** BENCH_CHUNKED_RUNS: each figure is the sum of this many runs, their order reversed every other run. */
const RUNS = Number(process.env.BENCH_CHUNKED_RUNS ?? 1);
/** BENCH_CHUNKED: `speed` (the clips through one and two workers), `fair` (bench/chunked-fair.ts) or both (the default). */
const PIECES = process.env.BENCH_CHUNKED ?? 'both';
/** BENCH_CHUNKED_CLIPS: the clips that run, `long`, `short` or both (comma-separated; both by default). */
const CLIPS = (process.env.BENCH_CHUNKED_CLIPS ?? 'long,short').split(',').map((name) => name.trim());
/**
 * BENCH_CHUNKED_BEFORE=<a built checkout from before chunked ladders>: the short clip also goes
 * through one pinned worker of that checkout (the API stays this one's), beside this one's.
 */
const BEFORE_ROOT = process.env.BENCH_CHUNKED_BEFORE;
/** The default preset's `stream` segments: chunks are whole segments. */
const SEGMENT_SECONDS = 4;

/** How long after `asset.ready` an `asset.playable` that has not arrived is still waited for. */
const PLAYABLE_GRACE_MS = 5000;

const workerEnv = {
  VIDEO_CHUNK_SECONDS: String(CHUNK_SECONDS),
  // A loaded machine should give slow figures, not a render_timeout.
  VIDEO_JOB_TIMEOUT: '30x+30m',
  VIDEO_CHUNK_TIMEOUT: '30x+30m',
};

interface Clip {
  path: string;
  seconds: number;
  chunks: number;
}

async function clip(seconds: number): Promise<Clip> {
  const path = await clipFile(seconds);
  const probe = await probeVideo(path, { maxDurationSeconds: 6 * 3600, maxPixels: 4096 * 2160 });
  return { path, seconds: probe.durationSeconds, chunks: planHlsChunks(probe.durationSeconds, SEGMENT_SECONDS, CHUNK_SECONDS).length };
}

interface Timeline {
  playableMs: number;
  readyMs: number;
  /** The ready ladder read back (two workers' runs of a chunked clip only). */
  sync?: LadderSync | undefined;
}

const addTimeline = (a: Timeline, b: Timeline): Timeline => ({
  playableMs: a.playableMs + b.playableMs,
  readyMs: a.readyMs + b.readyMs,
  sync: b.sync ?? a.sync,
});

/**
 * One upload of the clip, then timed from the `complete` call to its `asset.playable` and
 * `asset.ready` lines on the tenant's event stream; a failed render ends the part.
 */
async function throughRig(rig: Rig, input: Clip, readBack: boolean): Promise<Timeline> {
  const bytes = new Uint8Array(await readFile(input.path));
  const { asset, parts } = await rig.tenant.upload(bytes, { filename: input.path.split('/').pop()!, contentType: 'video/mp4' });
  const watch = await watchEvents(rig);
  try {
    const started = Date.now();
    const completed = await rig.tenant.request('POST', `/v1/uploads/${asset.id}/complete`, parts ? { parts } : {});
    if (completed.status !== 202) throw new Error(`complete: ${completed.status} ${JSON.stringify(completed.body)}`);
    const failed = watch.arrivedAt('asset.failed').then(async () => {
      const view = await rig.tenant.request('GET', `/v1/assets/${asset.id}`);
      throw new Error(`the clip did not render: ${JSON.stringify(view.body.error)}`);
    });
    const readyAt = await Promise.race([watch.arrivedAt('asset.ready'), failed]);
    // A worker from before `playable` (BENCH_WORKER_ROOT) never sends it: its figure is then missing, not awaited forever.
    const playableAt = await Promise.race([watch.arrivedAt('asset.playable'), sleep(PLAYABLE_GRACE_MS).then(() => Number.NaN)]);
    const view = await rig.tenant.request('GET', `/v1/assets/${asset.id}`);
    const names = (view.body.variants as { name: string }[]).map((v) => v.name);
    for (const name of ['thumb', 'stream', '720p', 'storyboard']) if (!names.includes(name)) throw new Error(`the ready clip has no ${name} variant`);
    const stream = (view.body.variants as { name: string; url: string }[]).find((v) => v.name === 'stream')!;
    const sync = readBack ? await ladderSync(stream.url) : undefined;
    return { playableMs: playableAt - started, readyMs: readyAt - started, sync };
  } finally {
    watch.close();
  }
}

interface Figures {
  one: Timeline;
  two: Timeline;
  bareMs: number;
  /** One pinned worker from BEFORE_ROOT (the short clip, when it is set). */
  before?: Timeline;
}

/** The clips through `workers` worker processes, each pinned to its own core; `root` a checkout whose worker runs instead. */
async function pipeline(workers: number, clips: readonly Clip[], root?: string): Promise<Timeline[]> {
  const cpus = Array.from({ length: workers }, (_, i) => String(Number(FIRST_CORE) + i));
  const rig = await startRig(workers, workerEnv, {}, { cpus, root });
  try {
    const timelines: Timeline[] = [];
    for (const input of clips) {
      // The joined ladder is read back once, from the two workers' run: after the timing, outside it.
      timelines.push(await throughRig(rig, input, workers === 2 && input.chunks > 1));
      const whose = root ? ` from ${root}` : '';
      console.log(`  ${workers} pinned worker(s)${whose}, ${Math.round(input.seconds)} s clip: ${JSON.stringify(timelines.at(-1))}`);
    }
    return timelines;
  } finally {
    await rig.close();
  }
}

async function bare(clips: readonly Clip[]): Promise<number[]> {
  const seconds: number[] = [];
  for (const input of clips) {
    seconds.push((await bareOnOneCore(input.path, input.seconds)) * 1000);
    console.log(`  bare ffmpeg on one core, ${Math.round(input.seconds)} s clip: ${Math.round(seconds.at(-1)!)} ms`);
  }
  return seconds;
}

/**
 * RUNS runs of bare, one worker, two workers and one worker from BEFORE_ROOT (reversed every other
 * run: the VM's speed drifts over minutes), summed per clip.
 */
async function measure(clips: readonly Clip[]): Promise<Figures[]> {
  const zero: Timeline = { playableMs: 0, readyMs: 0 };
  const figures: Figures[] = clips.map(() => ({ one: zero, two: zero, bareMs: 0 }));
  const unchunked = clips.filter((input) => input.chunks === 1);
  for (let run = 0; run < RUNS; run++) {
    const steps = [
      async () => {
        for (const [i, ms] of (await bare(clips)).entries()) figures[i]!.bareMs += ms;
      },
      async () => {
        for (const [i, t] of (await pipeline(1, clips)).entries()) figures[i]!.one = addTimeline(figures[i]!.one, t);
      },
      // Beside this checkout's one worker, so that the two meet the VM at the same speed.
      ...(BEFORE_ROOT && unchunked.length > 0
        ? [
            async () => {
              for (const [i, t] of (await pipeline(1, unchunked, BEFORE_ROOT)).entries()) {
                const figure = figures[clips.indexOf(unchunked[i]!)]!;
                figure.before = addTimeline(figure.before ?? zero, t);
              }
            },
          ]
        : []),
      async () => {
        for (const [i, t] of (await pipeline(2, clips)).entries()) figures[i]!.two = addTimeline(figures[i]!.two, t);
      },
    ];
    for (const step of run % 2 === 0 ? steps : steps.reverse()) await step();
  }
  return figures;
}

const seconds = (ms: number) => (Number.isNaN(ms) ? 'none' : `${(ms / 1000 / RUNS).toFixed(1)} s`);

function rowsOf(input: Clip, { one, two, bareMs, before }: Figures): BenchRow[] {
  const chunked = input.chunks > 1;
  const what = `${Math.round(input.seconds)} s 1080p, ${chunked ? `${input.chunks} chunks` : 'one ladder'}`;
  const speedup = one.readyMs / two.readyMs;
  const throughput = bareMs / one.readyMs;
  const early = two.playableMs / two.readyMs;
  // Not chunked, the asset turns playable with `asset.ready`: `asset.playable` comes just before it.
  const atReady = two.readyMs - two.playableMs <= 1000 * RUNS && two.playableMs <= two.readyMs;
  return [
    row(
      `chunked, ${what}: complete→ready, 2 pinned workers vs 1`,
      seconds(two.readyMs),
      seconds(one.readyMs),
      speedup,
      chunked ? '≥ 1.70×' : '—',
      chunked ? speedup >= 1.7 : null,
    ),
    row(
      `chunked, ${what}: 1 pinned worker vs bare ffmpeg on 1 core (throughput)`,
      seconds(one.readyMs),
      seconds(bareMs),
      throughput,
      '≥ 0.85×',
      throughput >= 0.85,
    ),
    ...syncRows(what, two.sync),
    row(
      `chunked, ${what}: complete→playable (share of →ready), 2 workers`,
      seconds(two.playableMs),
      seconds(two.readyMs),
      early,
      chunked ? '≤ 0.30×' : 'at ready',
      chunked ? early <= 0.3 : atReady,
    ),
    ...(before ? [beforeRow(what, one, before)] : []),
  ];
}

/** One pinned worker of this checkout against one from before chunked ladders, on a clip that is one ladder either way. */
function beforeRow(what: string, one: Timeline, before: Timeline): BenchRow {
  const ratio = before.readyMs / one.readyMs;
  return row(
    `chunked, ${what}: complete→ready, 1 pinned worker vs one from before chunked ladders`,
    seconds(one.readyMs),
    seconds(before.readyMs),
    ratio,
    '≥ 1.00×',
    ratio >= 1,
  );
}

/** The joined ladder as a player reads it: audio ending with the video, and segments meeting, within one frame in every rung. */
function syncRows(what: string, sync: LadderSync | undefined): BenchRow[] {
  if (!sync) return [];
  const frames = (n: number) => `${n.toFixed(2)} frames`;
  return [
    row(
      `chunked, ${what}: audio end vs video end, worst of ${sync.rungs} rungs`,
      frames(sync.driftFrames),
      '—',
      null,
      '≤ 1 frame',
      sync.driftFrames <= 1,
    ),
    row(
      `chunked, ${what}: gap or overlap at a segment seam, worst of ${sync.rungs} rungs`,
      frames(sync.seamFrames),
      '—',
      null,
      '< 0.5 frame',
      sync.seamFrames < 0.5,
    ),
  ];
}

export async function runChunkedBench(): Promise<BenchRow[]> {
  if (availableParallelism() < 2) throw new Error('the chunked part pins two workers to a core each: it needs at least two cores');
  if (!['speed', 'fair', 'both'].includes(PIECES)) throw new Error(`BENCH_CHUNKED takes speed, fair or both, not "${PIECES}"`);
  return [...(PIECES === 'fair' ? [] : await runSpeedBench()), ...(PIECES === 'speed' ? [] : await runChunkedFairBench())];
}

/** Two workers against one and bare ffmpeg, on the long and the short clip. */
async function runSpeedBench(): Promise<BenchRow[]> {
  const unknown = CLIPS.filter((name) => name !== 'long' && name !== 'short');
  if (unknown.length > 0) throw new Error(`BENCH_CHUNKED_CLIPS takes long, short or both, not "${unknown.join(',')}"`);
  if (BEFORE_ROOT && !existsSync(join(BEFORE_ROOT, 'apps/worker/dist'))) {
    throw new Error(`BENCH_CHUNKED_BEFORE=${BEFORE_ROOT} has no built worker: run npm ci && npm run build there`);
  }
  const clips: Clip[] = [];
  if (CLIPS.includes('long')) {
    const long = await clip(SECONDS);
    console.log(`chunked: ${Math.round(long.seconds)} s clip in ${long.chunks} chunks (VIDEO_CHUNK_SECONDS=${CHUNK_SECONDS})`);
    clips.push(long);
  }
  if (CLIPS.includes('short')) {
    const short = await clip(SHORT_SECONDS);
    if (short.chunks !== 1) throw new Error(`the ${SHORT_SECONDS} s clip would be chunked at VIDEO_CHUNK_SECONDS=${CHUNK_SECONDS}`);
    clips.push(short);
  }
  console.log(`chunked: ${RUNS} run(s)${BEFORE_ROOT ? `, the short clip also on the worker of ${BEFORE_ROOT}` : ''}`);
  const figures = await measure(clips);
  return clips.flatMap((input, i) => rowsOf(input, figures[i]!));
}
