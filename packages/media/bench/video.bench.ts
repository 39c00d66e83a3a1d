/**
 * Video: probe, poster and renditions of a 10 s 1080p H.264/AAC clip, next to plain ffmpeg
 * command lines doing the same work, in one run (ours and the baseline alternate each round).
 *
 *   npx tsx packages/media/bench/video.bench.ts [--rounds 3] [--threads 2] [--formats mp4,webm]
 *
 * Wall time, median of the rounds; output sizes. The baselines are what one would type by hand:
 * a frame at 1 s piped out as PNG, and `-vf scale` + the same encoder settings, so the difference
 * is what the pipeline adds (the probe, the black-frame check, reading the result back, the
 * temporary file and its rename). Results go to docs/media.md.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs, promisify } from 'node:util';
import { extractPoster, probeVideo, transcodeVideo, type VideoRenditionSpec } from '../src/index.js';

const run = promisify(execFile);
const { values } = parseArgs({
  options: { rounds: { type: 'string', default: '3' }, threads: { type: 'string', default: '2' }, formats: { type: 'string', default: 'mp4,webm' } },
});
const FORMATS = values.formats.split(',').filter((f): f is 'mp4' | 'webm' => f === 'mp4' || f === 'webm');
const ROUNDS = Number(values.rounds);
const THREADS = Number(values.threads);
const LIMITS = { maxDurationSeconds: 900, maxPixels: 4096 * 2160 };

async function ffmpeg(args: string[]): Promise<Buffer> {
  const { stdout } = await run('ffmpeg', ['-hide_banner', '-nostdin', '-v', 'error', '-y', ...args], {
    encoding: 'buffer',
    maxBuffer: 256 * 1024 * 1024,
  });
  return stdout;
}

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await fn();
  return performance.now() - started;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const dir = await mkdtemp(join(tmpdir(), 'darkroom-video-bench-'));
const input = join(dir, 'in.mp4');
await ffmpeg([
  '-f',
  'lavfi',
  '-i',
  'testsrc2=size=1920x1080:rate=30:duration=10',
  '-f',
  'lavfi',
  '-i',
  'sine=frequency=440:duration=10',
  '-c:v',
  'libx264',
  '-preset',
  'veryfast',
  '-crf',
  '20',
  '-pix_fmt',
  'yuv420p',
  '-c:a',
  'aac',
  input,
]);

const specs: Record<'mp4' | 'webm', VideoRenditionSpec> = {
  mp4: { format: 'mp4', fit: 'inside', width: 1280, height: 720, quality: 80 },
  webm: { format: 'webm', fit: 'inside', width: 1280, height: 720, quality: 80 },
};
const baselines = {
  poster: () => ffmpeg(['-ss', '1', '-i', input, '-frames:v', '1', '-an', '-f', 'image2pipe', '-c:v', 'png', 'pipe:1']),
  mp4: (out: string) =>
    ffmpeg([
      '-threads',
      `${THREADS}`,
      '-i',
      input,
      '-vf',
      'scale=1280:720',
      '-c:v',
      'libx264',
      '-preset',
      'veryfast',
      '-crf',
      '22',
      '-threads',
      `${THREADS}`,
      '-c:a',
      'aac',
      '-movflags',
      '+faststart',
      out,
    ]),
  mp4Medium: (out: string) =>
    ffmpeg([
      '-threads',
      `${THREADS}`,
      '-i',
      input,
      '-vf',
      'scale=1280:720',
      '-c:v',
      'libx264',
      '-crf',
      '22',
      '-threads',
      `${THREADS}`,
      '-c:a',
      'aac',
      '-movflags',
      '+faststart',
      out,
    ]),
  webm: (out: string) =>
    ffmpeg([
      '-threads',
      `${THREADS}`,
      '-i',
      input,
      '-vf',
      'scale=1280:720',
      '-c:v',
      'libvpx-vp9',
      '-b:v',
      '0',
      '-crf',
      '30',
      '-deadline',
      'good',
      '-cpu-used',
      '4',
      '-row-mt',
      '1',
      '-threads',
      `${THREADS}`,
      '-c:a',
      'libopus',
      out,
    ]),
};

const times: Record<string, number[]> = {};
const sizes: Record<string, number> = {};
const record = (name: string, ms: number) => {
  times[name] ??= [];
  times[name].push(ms);
  console.log(`${name}: ${Math.round(ms)} ms`); // as it goes, so a run stopped early still tells something
};

for (let round = 0; round < ROUNDS; round++) {
  const probe = await probeVideo(input, LIMITS);
  record('probeVideo', await timed(() => probeVideo(input, LIMITS)));
  const ours = async () => {
    let png: Buffer = Buffer.alloc(0);
    record('extractPoster (probe not included)', await timed(async () => (png = await extractPoster(input, probe, {}))));
    sizes['extractPoster (probe not included)'] = png.length;
  };
  const theirs = async () => {
    let png: Buffer = Buffer.alloc(0);
    record('baseline: ffmpeg -ss 1 … -c:v png pipe:1', await timed(async () => (png = await baselines.poster())));
    sizes['baseline: ffmpeg -ss 1 … -c:v png pipe:1'] = png.length;
  };
  for (const step of round % 2 ? [theirs, ours] : [ours, theirs]) await step();

  for (const format of FORMATS) {
    const outputPath = join(dir, `ours.${format}`);
    const name = `transcodeVideo ${format} 720p q80`;
    record(name, await timed(() => transcodeVideo(input, probe, specs[format], { outputPath, threads: THREADS, timeoutMs: 600_000 })));
    sizes[name] = (await stat(outputPath)).size;
    const baselineNames = format === 'mp4' ? (['mp4', 'mp4Medium'] as const) : (['webm'] as const);
    for (const key of baselineNames) {
      const out = join(dir, `baseline-${key}.${format}`);
      const label = `baseline: ffmpeg ${key === 'mp4Medium' ? 'x264 preset medium' : format} 720p`;
      record(label, await timed(() => baselines[key](out)));
      sizes[label] = (await stat(out)).size;
    }
  }
}

console.log(
  `10 s 1920x1080 30 fps H.264 + AAC, ${ROUNDS} rounds, threads ${THREADS}, load average ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}`,
);
console.log('| step | median ms | all rounds ms | output bytes |');
console.log('|---|---|---|---|');
for (const [name, ms] of Object.entries(times)) {
  console.log(`| ${name} | ${Math.round(median(ms))} | ${ms.map((m) => Math.round(m)).join(', ')} | ${sizes[name]?.toLocaleString('en-US') ?? ''} |`);
}
await rm(dir, { recursive: true, force: true });
