import { execFile } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { Socket } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DarkroomError } from '@darkroom/core/errors';
import { afterAll, describe, expect, it } from 'vitest';
import { halveHlsChunks, lowestRung, planHlsChunks, renderHlsAudio, renderHlsChunk } from './hls-chunks.js';
import { joinHlsLadder } from './hls-join.js';
import { planHlsLadder } from './hls-plan.js';
import { renderHlsLadder } from './hls.js';
import { probeVideo } from './probe.js';
import { clip, outputDir, type ClipName } from './test-clips.js';
import { rungTimeline, type RungTimeline } from './test-hls-timeline.js';
import type { HlsLadderResult, HlsLadderSpec, VideoProbe } from './types.js';

const run = promisify(execFile);
const LIMITS = { maxDurationSeconds: 900, maxPixels: 4096 * 2160 };
const SPEC: HlsLadderSpec = { width: 1920, height: 1080, quality: 60, segmentSeconds: 2 };
const TIMEOUT_MS = 240_000;
/** Real encodes on a shared machine: the whole test's limit, beyond its renders'. */
const TEST_TIMEOUT_MS = 600_000;

describe('planHlsChunks', () => {
  it('one chunk for a video no longer than a chunk', () => {
    expect(planHlsChunks(60, 4, 60)).toEqual([{ index: 0, startSeconds: 0, endSeconds: 60 }]);
    expect(planHlsChunks(12.5, 2, 60)).toEqual([{ index: 0, startSeconds: 0, endSeconds: 12.5 }]);
  });

  it('chunks start on segment boundaries: the chunk length is rounded to whole segments, at least one', () => {
    expect(planHlsChunks(130, 4, 60).map((c) => [c.startSeconds, c.endSeconds])).toEqual([
      [0, 60],
      [60, 120],
      [120, 130],
    ]);
    expect(planHlsChunks(25, 4, 10).map((c) => c.startSeconds)).toEqual([0, 12]);
    expect(planHlsChunks(10, 4, 1).map((c) => c.startSeconds)).toEqual([0, 4]);
    expect(planHlsChunks(12, 2, 4).map((c) => c.index)).toEqual([0, 1, 2]);
  });

  it('a tail shorter than a segment joins the chunk before it', () => {
    expect(planHlsChunks(121.5, 4, 60).map((c) => [c.startSeconds, c.endSeconds])).toEqual([
      [0, 60],
      [60, 121.5],
    ]);
    expect(planHlsChunks(124, 4, 60).at(-1)).toEqual({ index: 2, startSeconds: 120, endSeconds: 124 });
  });

  it('refuses what is no duration', () => {
    expect(() => planHlsChunks(Number.NaN, 4, 60)).toThrow(/durationSeconds/);
    expect(() => planHlsChunks(10, 0, 60)).toThrow(/segmentSeconds/);
    expect(() => planHlsChunks(10, 4, -1)).toThrow(/chunkSeconds/);
  });
});

describe('halveHlsChunks', () => {
  const spans = (chunks: { startSeconds: number; endSeconds: number }[]) => chunks.map((c) => [c.startSeconds, c.endSeconds]);

  it('cuts each chunk at the segment boundary nearest its middle, numbering the pieces in order', () => {
    const pieces = halveHlsChunks(planHlsChunks(240, 4, 60), 4);
    expect(spans(pieces)).toEqual([
      [0, 32],
      [32, 60],
      [60, 92],
      [92, 120],
      [120, 152],
      [152, 180],
      [180, 212],
      [212, 240],
    ]);
    expect(pieces.map((p) => p.index)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });

  it('keeps whole a chunk of one segment, or one whose second half would be shorter than a segment', () => {
    expect(spans(halveHlsChunks(planHlsChunks(5, 2, 2), 2))).toEqual([
      [0, 2],
      [2, 5],
    ]);
    expect(spans(halveHlsChunks([{ index: 0, startSeconds: 0, endSeconds: 6.5 }], 2))).toEqual([
      [0, 4],
      [4, 6.5],
    ]);
    expect(spans(halveHlsChunks(planHlsChunks(121.5, 4, 60), 4))).toEqual([
      [0, 32],
      [32, 60],
      [60, 92],
      [92, 121.5],
    ]);
  });

  it('covers exactly what the chunks cover, every cut on a segment boundary', () => {
    for (const [duration, segment, chunk] of [
      [3600, 4, 60],
      [601.3, 6, 45],
      [61, 2, 7],
    ] as const) {
      const pieces = halveHlsChunks(planHlsChunks(duration, segment, chunk), segment);
      expect(pieces[0]!.startSeconds).toBe(0);
      expect(pieces.at(-1)!.endSeconds).toBe(duration);
      for (const [i, piece] of pieces.entries()) {
        if (i > 0) expect(piece.startSeconds).toBe(pieces[i - 1]!.endSeconds);
        expect(piece.startSeconds % segment).toBe(0);
        expect(piece.endSeconds).toBeGreaterThan(piece.startSeconds);
      }
    }
  });
});

describe('lowestRung', () => {
  it("is the last of planHlsLadder's rungs", () => {
    expect(lowestRung(SPEC, { width: 1920, height: 1080 })).toBe(4);
    expect(lowestRung(SPEC, { width: 640, height: 360 })).toBe(1);
    expect(lowestRung(SPEC, { width: 128, height: 72 })).toBe(0);
  });
});

async function probed(name: ClipName): Promise<{ input: string; probe: VideoProbe }> {
  const input = await clip(name);
  return { input, probe: await probeVideo(input, LIMITS) };
}

/** A ladder the way the worker makes it in chunks: each half chunk's lowest rung on its own, then its other rungs from one decode; the audio once; the join. */
async function chunkedLadder(input: string, probe: VideoProbe, spec: HlsLadderSpec, chunkSeconds: number): Promise<HlsLadderResult> {
  const work = await outputDir();
  const chunks = halveHlsChunks(planHlsChunks(probe.durationSeconds, spec.segmentSeconds, chunkSeconds), spec.segmentSeconds);
  const rungs = planHlsLadder(spec, probe).map((_, i) => i);
  const low = lowestRung(spec, probe);
  const chunkFiles: string[][] = rungs.map(() => []);
  const options = { outputDir: join(work, 'chunks'), threads: 1, timeoutMs: TIMEOUT_MS };
  for (const chunk of chunks) {
    for (const group of [[low], rungs.filter((r) => r !== low)].filter((g) => g.length > 0)) {
      const { files } = await renderHlsChunk(input, probe, spec, chunk, group, options);
      for (const [i, rung] of group.entries()) chunkFiles[rung]!.push(files[i]!.path);
    }
  }
  const audio = await renderHlsAudio(input, probe, spec, { outputDir: join(work, 'audio'), timeoutMs: TIMEOUT_MS });
  return joinHlsLadder({ chunkFiles, audio: audio?.path ?? null }, probe, spec, rungs, { outputDir: join(work, 'ladder'), timeoutMs: TIMEOUT_MS });
}

async function singleLadder(input: string, probe: VideoProbe, spec: HlsLadderSpec): Promise<HlsLadderResult> {
  return renderHlsLadder(input, probe, spec, { outputDir: join(await outputDir(), 'ladder'), threads: 1, timeoutMs: TIMEOUT_MS });
}

const timelines = (ladder: HlsLadderResult) => Promise.all(ladder.rungs.map((r) => rungTimeline(ladder.dir, r.playlist)));

/** Seamless: every segment starts with a keyframe, where the last one's frames end (within half a frame), no frame twice or missing, audio ending with the video. */
function expectSeamless(rung: RungTimeline, syncTolerance = rung.frame): void {
  const half = rung.frame / 2;
  expect(rung.segments.every((s) => s.startsWithKeyframe)).toBe(true);
  for (const [i, segment] of rung.segments.entries()) {
    if (i > 0) expect(Math.abs(segment.videoStart - rung.segments[i - 1]!.videoEnd)).toBeLessThan(half);
  }
  const steps = rung.framePts.slice(1).map((pts, i) => pts - rung.framePts[i]!);
  expect(Math.min(...steps)).toBeGreaterThan(half);
  expect(Math.max(...steps)).toBeLessThan(rung.frame + half);
  if (rung.audioEnd !== null) expect(Math.abs(rung.audioEnd - rung.videoEnd)).toBeLessThanOrEqual(syncTolerance);
}

/** Segments of the same lengths starting at the same times in every rung, and as the single render's. */
function expectSameSegments(rungs: readonly RungTimeline[], reference: RungTimeline): void {
  for (const rung of rungs) {
    expect(rung.segments.map((s) => s.listedSeconds)).toEqual(reference.segments.map((s) => expect.closeTo(s.listedSeconds, 3) as number));
    expect(rung.segments.map((s) => s.videoStart)).toEqual(reference.segments.map((s) => expect.closeTo(s.videoStart, 3) as number));
  }
}

describe('a ladder rendered in chunks and joined', () => {
  it(
    'is what one process makes: the same files, segments and keyframes, continuous timestamps, audio ending with the video',
    async () => {
      const { input, probe } = await probed('stream.mp4');
      expect(planHlsChunks(probe.durationSeconds, 2, 4)).toHaveLength(3);
      const [joined, single] = await Promise.all([chunkedLadder(input, probe, SPEC, 4), singleLadder(input, probe, SPEC)]);
      expect(joined.files.map((f) => f.name)).toEqual(single.files.map((f) => f.name));
      expect(joined.rungs.map(({ bandwidth: _, averageBandwidth: __, ...r }) => r)).toEqual(
        single.rungs.map(({ bandwidth: _, averageBandwidth: __, ...r }) => r),
      );
      const withoutRates = (text: string) => text.replace(/BANDWIDTH=\d+/g, 'BANDWIDTH=');
      expect(withoutRates(await readFile(join(joined.dir, joined.master), 'utf8'))).toBe(
        withoutRates(await readFile(join(single.dir, single.master), 'utf8')),
      );
      expect(joined.durationSeconds).toBeCloseTo(single.durationSeconds, 3);

      const [rungs, reference] = await Promise.all([timelines(joined), timelines(single)]);
      expect(rungs[0]!.segments).toHaveLength(6);
      for (const rung of rungs) expectSeamless(rung);
      expectSameSegments(rungs, reference[0]!);
      expect(rungs[0]!.framePts).toHaveLength(120);
      expect(rungs[0]!.audioEnd).toBeCloseTo(reference[0]!.audioEnd!, 2);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'works from a source with a single keyframe and frames between the boundaries (29.97 fps)',
    async () => {
      const { input, probe } = await probed('one-keyframe.mp4');
      const spec = { ...SPEC, segmentSeconds: 3 };
      expect(planHlsChunks(probe.durationSeconds, 3, 3)).toHaveLength(3);
      const [joined, single] = await Promise.all([chunkedLadder(input, probe, spec, 3), singleLadder(input, probe, spec)]);
      const [[rung], [reference]] = await Promise.all([timelines(joined), timelines(single)]);
      expectSeamless(rung!);
      expectSameSegments([rung!], reference!);
      expect(rung!.framePts).toHaveLength(reference!.framePts.length);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    "caps the frame rate at 60 as one process does, on the source's timeline: no frame twice or missing at a boundary",
    async () => {
      const { input, probe } = await probed('slow-motion.mp4');
      const [rung] = await timelines(await chunkedLadder(input, probe, SPEC, 2));
      // At 60 fps a frame is shorter than an AAC frame (1024 samples at 44.1 kHz), the audio's own step.
      expectSeamless(rung!, 1024 / 44_100);
      // The chunks end with the source's last frame: no third segment of a repeated one.
      expect(rung!.segments.map((s) => s.listedSeconds)).toEqual([2, 2]);
      expect(rung!.frame).toBeCloseTo(1 / 60, 4);
      expect(rung!.framePts).toHaveLength(240);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'a chunk past the end of the picture (sound outlasting it) adds nothing: the same ladder as one process makes',
    async () => {
      const { input, probe } = await probed('sound-outlasts-picture.mp4');
      expect(probe.durationSeconds).toBeCloseTo(13, 1);
      expect(planHlsChunks(probe.durationSeconds, 2, 4).map((c) => c.startSeconds)).toEqual([0, 4, 8]);
      const [joined, single] = await Promise.all([chunkedLadder(input, probe, SPEC, 4), singleLadder(input, probe, SPEC)]);
      expect(joined.durationSeconds).toBeCloseTo(single.durationSeconds, 3);
      const [[rung], [reference]] = await Promise.all([timelines(joined), timelines(single)]);
      expectSameSegments([rung!], reference!);
      expect(rung!.framePts).toHaveLength(reference!.framePts.length);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'keeps audio and video in sync to the end of a 3-minute video in 60 s chunks',
    async () => {
      const { input, probe } = await probed('three-minutes.mp4');
      const spec = { ...SPEC, segmentSeconds: 4 };
      const joined = await chunkedLadder(input, probe, spec, 60);
      const [rung] = await timelines(joined);
      expectSeamless(rung!);
      expect(rung!.framePts).toHaveLength(180 * 25);
      expect(rung!.segments).toHaveLength(45);
      expect(Math.abs(rung!.videoEnd - rung!.framePts[0]! - 180)).toBeLessThanOrEqual(rung!.frame);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'an interim master lists the rungs joined so far',
    async () => {
      const { input, probe } = await probed('stream.mp4');
      const work = await outputDir();
      const chunks = planHlsChunks(probe.durationSeconds, 2, 4);
      const low = lowestRung(SPEC, probe);
      const files = [];
      for (const chunk of chunks)
        files.push((await renderHlsChunk(input, probe, SPEC, chunk, [low], { outputDir: work, threads: 1, timeoutMs: TIMEOUT_MS })).files[0]!.path);
      const chunkFiles = [];
      chunkFiles[low] = files;
      const ladder = await joinHlsLadder({ chunkFiles, audio: null }, probe, SPEC, [low], { outputDir: join(work, 'ladder'), timeoutMs: TIMEOUT_MS });
      expect(ladder.rungs.map((r) => [r.width, r.height, r.playlist, r.codecs.includes('mp4a')])).toEqual([[426, 240, 'r1.m3u8', false]]);
      expect(ladder.files.map((f) => f.name).filter((n) => n.endsWith('.m3u8'))).toEqual(['master.m3u8', 'r1.m3u8']);
      expectSeamless((await timelines(ladder))[0]!);
    },
    TEST_TIMEOUT_MS,
  );
});

/** Video packets in a file, as ffprobe counts them. */
async function framesOf(path: string): Promise<number> {
  const args = ['-v', 'error', '-select_streams', 'v:0', '-count_packets', '-show_entries', 'stream=nb_read_packets', '-of', 'json', path];
  const parsed = JSON.parse((await run('ffprobe', args)).stdout) as { streams: { nb_read_packets: string }[] };
  return Number(parsed.streams[0]?.nb_read_packets);
}

describe('joinHlsLadder', () => {
  it('fails on a chunk file it cannot read, leaving no directory, and refuses a path the concat list would split', async () => {
    const { probe } = await probed('stream.mp4');
    const work = await outputDir();
    const options = { outputDir: join(work, 'ladder'), timeoutMs: TIMEOUT_MS };
    await expect(joinHlsLadder({ chunkFiles: [[join(work, 'missing.ts')]], audio: null }, probe, SPEC, [0], options)).rejects.toThrow(
      /join of rung 0/,
    );
    expect(await readdir(work)).toEqual([]);
    await expect(joinHlsLadder({ chunkFiles: [[join(work, 'a|b.ts')]], audio: null }, probe, SPEC, [0], options)).rejects.toThrow(/"\|"/);
    await expect(joinHlsLadder({ chunkFiles: [], audio: null }, probe, SPEC, [0], options)).rejects.toThrow(/no chunk files for rung 0/);
    await expect(joinHlsLadder({ chunkFiles: [], audio: null }, probe, SPEC, [5], options)).rejects.toThrow(/rungs/);
  });
});

describe('renderHlsChunk', () => {
  let server: Server | undefined;
  afterAll(() => server?.close());

  it(
    'reads an http(s) source with ranged requests: a late chunk only part of the file',
    async () => {
      const { input, probe } = await probed('noisy.mp4');
      const size = (await stat(input)).size;
      const sockets: Socket[] = [];
      server = createServer((req, res) => {
        const range = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? '');
        const start = range ? Number(range[1]) : 0;
        const end = range?.[2] ? Number(range[2]) : size - 1;
        const headers = { 'accept-ranges': 'bytes', 'content-length': `${end - start + 1}`, 'content-type': 'video/mp4' };
        res.writeHead(range ? 206 : 200, range ? { ...headers, 'content-range': `bytes ${start}-${end}/${size}` } : headers);
        if (req.method === 'HEAD') return res.end();
        createReadStream(input, { start, end, highWaterMark: 16 * 1024 }).pipe(res);
      });
      server.on('connection', (socket) => sockets.push(socket));
      await new Promise<void>((ready) => server!.listen(0, '127.0.0.1', ready));
      const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/original?X-Signature=abc`;

      const chunks = planHlsChunks(probe.durationSeconds, 2, 2);
      expect(chunks).toHaveLength(5);
      const work = await outputDir();
      const options = { outputDir: work, threads: 1, timeoutMs: TIMEOUT_MS };
      const [remote] = (await renderHlsChunk(url, probe, SPEC, chunks[4]!, [0], options)).files;
      const served = sockets.reduce((sum, s) => sum + s.bytesWritten, 0);
      expect(served).toBeGreaterThan(0);
      expect(served).toBeLessThan(size * 0.5);
      expect(remote).toMatchObject({ name: 'chunk-4-r0.ts', contentType: 'video/mp2t' });
      expect((await readFile(remote!.path)).length).toBe(remote!.size);
      expect(await framesOf(remote!.path)).toBe(50);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'kills ffmpeg at the time limit (render_timeout), leaving none of its files',
    async () => {
      const { input, probe } = await probed('stream.mp4');
      const work = await outputDir();
      const chunk = planHlsChunks(probe.durationSeconds, 2, 4)[1]!;
      const failed = await renderHlsChunk(input, probe, SPEC, chunk, [0, 1], { outputDir: work, threads: 1, timeoutMs: 50 }).catch((e: unknown) => e);
      expect(failed).toBeInstanceOf(DarkroomError);
      expect(failed).toMatchObject({ code: 'render_timeout' });
      expect(await readdir(work)).toEqual([]);
    },
    TEST_TIMEOUT_MS,
  );

  it('refuses a chunk off the segment boundaries and rungs the ladder does not have', async () => {
    const { input, probe } = await probed('stream.mp4');
    const options = { outputDir: await outputDir(), threads: 1, timeoutMs: TIMEOUT_MS };
    await expect(renderHlsChunk(input, probe, SPEC, { index: 0, startSeconds: 1, endSeconds: 4 }, [0], options)).rejects.toThrow(/boundary/);
    await expect(renderHlsChunk(input, probe, SPEC, { index: 0, startSeconds: 0, endSeconds: 4 }, [2], options)).rejects.toThrow(/rungs/);
    await expect(renderHlsChunk(input, probe, SPEC, { index: 0, startSeconds: 0, endSeconds: 4 }, [0, 0], options)).rejects.toThrow(/rungs/);
  });
});
