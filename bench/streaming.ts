/**
 * `npm run bench -- --only streaming`: the HLS ladder of a 30 s 1080p clip through Darkroom's media
 * function (bench/streaming-ladder.mjs: probe, one ffmpeg for every rung, playlists measured and
 * written) against bare ffmpeg producing the same rungs with the same settings: one command with
 * the same filter graph (the goal's baseline), and one command per rung (printed only). Runs are
 * interleaved (A B C A B C …); each side's time is the sum of its runs, its memory the largest
 * process any run had (GNU time's maximum resident set size).
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rename, rm } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ROOT } from './support.js';
import { type BenchRow, row } from './table.js';

const run = promisify(execFile);
const RUNS = Number(process.env.BENCH_STREAMING_RUNS ?? 2);
/** BENCH_STREAMING_PER_RUNG=0 leaves out the one-command-per-rung comparison (five more encodes a run). */
const PER_RUNG = process.env.BENCH_STREAMING_PER_RUNG !== '0';
const THREADS = availableParallelism();
/** The rungs of a 1080p original inside 1920×1080 (planHlsLadder), highest first. */
export const RUNGS = ['1920x1080', '1280x720', '852x480', '640x360', '426x240'];
/** What the media function sets for quality 70 (crfFor('mp4', 70)), x264 veryfast High, 4 s segments. */
const CRF = 25;

/**
 * A 1080p 30 fps clip of `seconds` (testsrc2 with light noise, H.264 + a sine in AAC) in `dir`,
 * written under another name first, so a run stopped midway never leaves a clip cut short there.
 * `maxrateMbit` caps its video's bitrate as a camera's or an editor's export is (the noise alone
 * would otherwise make it several times larger than such a file).
 */
export async function makeClip(dir: string, seconds = 30, maxrateMbit?: number): Promise<string> {
  const out = join(dir, `clip-${seconds}s-1080p${maxrateMbit ? `-${maxrateMbit}mbit` : ''}.mp4`);
  const video = `testsrc2=size=1920x1080:rate=30:duration=${seconds},noise=alls=6:allf=t`;
  const args = ['-hide_banner', '-v', 'error', '-f', 'lavfi', '-i', video, '-f', 'lavfi', '-i', `sine=frequency=440:duration=${seconds}`];
  args.push('-c:v', 'libx264', '-preset', 'veryfast', '-crf', '20', '-pix_fmt', 'yuv420p');
  if (maxrateMbit) args.push('-maxrate', `${maxrateMbit}M`, '-bufsize', `${2 * maxrateMbit}M`);
  args.push('-c:a', 'aac', '-shortest', '-y', `${out}.part.mp4`);
  await run('ffmpeg', args);
  await rename(`${out}.part.mp4`, out);
  return out;
}

const x264 = ['-c:v', 'libx264', '-preset', 'veryfast', '-profile:v', 'high', '-pix_fmt', 'yuv420p', '-crf', `${CRF}`];
const x264Threads = (threads: number) => ['-x264-params', `threads=${threads}:lookahead-threads=1`, '-force_key_frames:v', 'expr:gte(t,n_forced*4)'];
const aac = ['-c:a', 'aac', '-b:a', '128k', '-ac', '2'];
const hlsOut = (dir: string, name: string) => [
  ...['-f', 'hls', '-hls_time', '4', '-hls_playlist_type', 'vod', '-hls_segment_type', 'fmp4', '-hls_flags', 'independent_segments'],
  ...['-hls_fmp4_init_filename', `${name}-init.mp4`, '-hls_segment_filename', join(dir, `${name}-%05d.m4s`)],
];
const scale = (size: string) => `scale=${size.replace('x', ':')}:flags=lanczos,setsar=1,format=yuv420p`;

/**
 * The bare ladder: one ffmpeg, the same graph (decode once, split, scale each) and encoder settings;
 * its playlists `r0.m3u8`… (highest first) in `dir`.
 */
export function bareLadder(input: string, dir: string, threads = THREADS): string[] {
  const split = `[0:v]split=${RUNGS.length}${RUNGS.map((_, i) => `[s${i}]`).join('')};`;
  const graph = split + RUNGS.map((size, i) => `[s${i}]${size === '1920x1080' ? 'setsar=1,format=yuv420p' : scale(size)}[v${i}]`).join(';');
  const maps = RUNGS.flatMap((_, i) => ['-map', `[v${i}]`, '-map', '0:a']);
  const streamMap = RUNGS.map((_, i) => `v:${i},a:${i}`).join(' ');
  const head = ['-hide_banner', '-v', 'error', '-threads', `${threads}`, '-i', input, '-filter_complex', graph, ...maps, '-fpsmax', '60'];
  return [...head, ...x264, ...x264Threads(threads), ...aac, ...hlsOut(dir, 'r%v'), '-var_stream_map', streamMap, '-y', join(dir, 'r%v.m3u8')];
}

/** One bare ffmpeg per rung (each decodes the original again). */
function bareRung(input: string, dir: string, i: number): string[] {
  const size = RUNGS[i]!;
  const filter = size === '1920x1080' ? 'setsar=1,format=yuv420p' : scale(size);
  const head = ['-hide_banner', '-v', 'error', '-threads', `${THREADS}`, '-i', input, '-vf', filter, '-fpsmax', '60'];
  return [...head, ...x264, ...x264Threads(THREADS), ...aac, ...hlsOut(dir, `r${i}`), '-y', join(dir, `r${i}.m3u8`)];
}

export interface Measured {
  seconds: number;
  peakMb: number;
}

/** Runs one command under GNU time: wall seconds and the largest resident set of it and its children. */
export async function timed(command: string, args: string[]): Promise<Measured> {
  const dir = await mkdtemp(join(tmpdir(), 'darkroom-bench-time-'));
  const report = join(dir, 'time');
  await run('/usr/bin/time', ['-f', '%e %M', '-o', report, command, ...args], { cwd: ROOT, maxBuffer: 1024 * 1024 });
  const [seconds, kb] = (await readFile(report, 'utf8')).trim().split(/\s+/).slice(-2).map(Number);
  await rm(dir, { recursive: true, force: true });
  return { seconds: seconds!, peakMb: kb! / 1024 };
}

export async function inFreshDir<T>(work: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'darkroom-bench-hls-'));
  try {
    return await work(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const add = (a: Measured, b: Measured): Measured => ({ seconds: a.seconds + b.seconds, peakMb: Math.max(a.peakMb, b.peakMb) });

export async function runStreamingBench(): Promise<BenchRow[]> {
  const clipDir = await mkdtemp(join(tmpdir(), 'darkroom-bench-clip-'));
  try {
    const input = await makeClip(clipDir);
    let darkroom: Measured = { seconds: 0, peakMb: 0 };
    let bare: Measured = { seconds: 0, peakMb: 0 };
    let perRung: Measured = { seconds: 0, peakMb: 0 };
    for (let i = 0; i < RUNS; i++) {
      const script = join(ROOT, 'bench', 'streaming-ladder.mjs');
      darkroom = add(darkroom, await inFreshDir((dir) => timed(process.execPath, [script, input, join(dir, 'out'), `${THREADS}`])));
      bare = add(bare, await inFreshDir((dir) => timed('ffmpeg', bareLadder(input, dir))));
      let rungs: Measured = { seconds: 0, peakMb: 0 };
      for (let r = 0; PER_RUNG && r < RUNGS.length; r++) rungs = add(rungs, await inFreshDir((dir) => timed('ffmpeg', bareRung(input, dir, r))));
      perRung = add(perRung, rungs);
      console.log(
        `streaming: run ${i + 1}/${RUNS}: darkroom ${JSON.stringify(darkroom)}, bare ${JSON.stringify(bare)}, per rung ${JSON.stringify(perRung)}`,
      );
    }
    const s = (m: Measured) => `${(m.seconds / RUNS).toFixed(1)} s`;
    const mem = (m: Measured) => `${Math.round(m.peakMb)} MB`;
    const throughput = bare.seconds / darkroom.seconds;
    const memory = darkroom.peakMb / bare.peakMb;
    return [
      row('HLS ladder, 30 s 1080p, 5 rungs: time per ladder (throughput ratio)', s(darkroom), s(bare), throughput, '≥ 0.90×', throughput >= 0.9),
      row('HLS ladder: peak memory (largest process)', mem(darkroom), mem(bare), memory, '≤ 1.10×', memory <= 1.1),
      ...(PER_RUNG
        ? [
            row('HLS ladder vs one bare ffmpeg per rung: time', s(darkroom), s(perRung), perRung.seconds / darkroom.seconds, '—', null),
            row('HLS ladder vs one bare ffmpeg per rung: peak memory', mem(darkroom), mem(perRung), darkroom.peakMb / perRung.peakMb, '—', null),
          ]
        : []),
    ];
  } finally {
    await rm(clipDir, { recursive: true, force: true });
  }
}
