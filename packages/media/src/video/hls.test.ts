import { execFile } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { BadMediaError, DarkroomError } from '@darkroom/core/errors';
import { describe, expect, it } from 'vitest';
import { remuxRung, renderHlsLadder } from './hls.js';
import { probeVideo } from './probe.js';
import { clip, ffprobeJson, outputDir, type ClipName } from './test-clips.js';
import type { HlsLadderOptions, HlsLadderSpec } from './types.js';

const run = promisify(execFile);
const LIMITS = { maxDurationSeconds: 900, maxPixels: 4096 * 2160 };
const FULL_HD: HlsLadderSpec = { width: 1920, height: 1080, quality: 60, segmentSeconds: 2 };

async function ladder(name: ClipName, spec: HlsLadderSpec = FULL_HD, options: Partial<HlsLadderOptions> = {}) {
  const input = await clip(name);
  const outputDir_ = join(await outputDir(), 'stream');
  return renderHlsLadder(input, await probeVideo(input, LIMITS), spec, { outputDir: outputDir_, threads: 1, timeoutMs: 120_000, ...options });
}

/** The times of a rung's keyframes, read from its segments joined (one fragmented MP4). */
async function keyframeTimes(dir: string, names: readonly string[]): Promise<string[]> {
  const joined = join(dir, '..', `${names[0]}.joined.mp4`);
  await run('sh', ['-c', 'cat "$@" > "$0"', joined, ...names.map((n) => join(dir, n))]);
  const { stdout } = await run('ffprobe', [
    '-v',
    'error',
    '-select_streams',
    'v:0',
    '-show_entries',
    'frame=pts_time,key_frame',
    '-of',
    'csv=p=0',
    joined,
  ]);
  return stdout
    .split('\n')
    .map((line) => line.split(','))
    .filter(([key]) => key === '1')
    .map(([, time]) => Number(time).toFixed(2));
}

describe('renderHlsLadder', () => {
  it('renders one rung per line count the original reaches, keyframes at the same times in each, and a master playlist naming them', async () => {
    const result = await ladder('ladder.mp4');
    expect(result.rungs.map((r) => [r.width, r.height])).toEqual([
      [640, 360],
      [426, 240],
    ]);
    const [high, low] = await Promise.all(result.rungs.map((r) => keyframeTimes(result.dir, r.segments)));
    expect(high).toEqual(low);
    expect(high!.map(Number)).toEqual([0, 2, 4].map((t) => expect.closeTo(t + Number(high![0]), 1) as number));
    for (const rung of result.rungs) {
      expect(rung.codecs).toMatch(/^avc1\.64[0-9a-f]{4},mp4a\.40\.2$/);
      expect(rung.bandwidth).toBeGreaterThanOrEqual(rung.averageBandwidth);
      expect(rung.averageBandwidth).toBeGreaterThan(0);
      const media = await readFile(join(result.dir, rung.playlist), 'utf8');
      expect(media).toContain('#EXT-X-PLAYLIST-TYPE:VOD');
      expect(media.split('\n').filter((l) => l && !l.startsWith('#'))).toEqual(rung.segments.slice(1));
    }
    expect(result.rungs[0]!.averageBandwidth).toBeGreaterThan(result.rungs[1]!.averageBandwidth);

    const master = await readFile(join(result.dir, result.master), 'utf8');
    const inf = master.split('\n').filter((l) => l.startsWith('#EXT-X-STREAM-INF:'));
    expect(inf).toHaveLength(2);
    for (const rung of result.rungs) {
      const line = `BANDWIDTH=${rung.bandwidth},AVERAGE-BANDWIDTH=${rung.averageBandwidth},RESOLUTION=${rung.width}x${rung.height},CODECS="${rung.codecs}",FRAME-RATE=10.000`;
      expect(master).toContain(`#EXT-X-STREAM-INF:${line}\n${rung.playlist}\n`);
    }
    const names = (await readdir(result.dir)).sort();
    expect(result.files.map((f) => f.name)).toEqual(names);
    expect(result.files.find((f) => f.name === 'master.m3u8')?.contentType).toBe('application/vnd.apple.mpegurl');
    expect(result.size).toBe(result.files.reduce((sum, f) => sum + f.size, 0));
    expect(result.durationSeconds).toBeCloseTo(5, 0);
  });

  it('gives a clip below the lowest rung one rung of its own size; drops audio on request', async () => {
    const result = await ladder('basic.mp4', { ...FULL_HD, audio: false });
    expect(result.rungs.map((r) => [r.width, r.height, r.codecs.includes('mp4a')])).toEqual([[128, 72, false]]);
  });

  it('carries no metadata of the original into segments or playlists', async () => {
    const result = await ladder('located.mov');
    for (const file of result.files) {
      const bytes = await readFile(file.path);
      for (const needle of ['ISO6709', '37.3349', '\u00a9xyz', 'Secret place', '2024-05-01']) expect(bytes.includes(needle, 0, 'latin1')).toBe(false);
    }
  });

  it('makes a rung a progressive MP4 by copying its streams', async () => {
    const result = await ladder('ladder.mp4');
    const outputPath = join(result.dir, '..', 'rung.mp4');
    const mp4 = await remuxRung(result, 1, { outputPath, timeoutMs: 60_000 });
    expect(mp4).toMatchObject({ width: 426, height: 240, contentType: 'video/mp4' });
    expect(mp4.durationSeconds).toBeCloseTo(5, 0);
    const probe = await ffprobeJson(outputPath);
    expect(probe.streams.map((s) => s.codec_name)).toEqual(['h264', 'aac']);
    const bytes = await readFile(outputPath);
    expect(bytes.indexOf('moov')).toBeLessThan(bytes.indexOf('mdat'));
    expect(bytes.includes('moof')).toBe(false);
    expect((await readdir(join(result.dir, '..'))).sort()).toEqual(['rung.mp4', 'stream']);
  });

  it('kills ffmpeg at the time limit (render_timeout) and on abort (AbortError), leaving no directory', async () => {
    const input = await clip('ten-seconds.mp4');
    const probe = await probeVideo(input, LIMITS);
    const parent = await outputDir();
    const options = { outputDir: join(parent, 'stream'), threads: 1 };
    const timedOut = await renderHlsLadder(input, probe, FULL_HD, { ...options, timeoutMs: 50 }).catch((e: unknown) => e);
    expect(timedOut).toBeInstanceOf(DarkroomError);
    expect(timedOut).not.toBeInstanceOf(BadMediaError);
    expect(timedOut).toMatchObject({ code: 'render_timeout' });
    expect(await readdir(parent)).toEqual([]);

    const controller = new AbortController();
    const onProgress = () => controller.abort();
    const aborted = await renderHlsLadder(
      input,
      probe,
      { ...FULL_HD, quality: 100 },
      { ...options, timeoutMs: 120_000, signal: controller.signal, onProgress },
    ).catch((e: unknown) => e);
    expect(aborted).toMatchObject({ name: 'AbortError' });
    expect(await readdir(parent)).toEqual([]);
  });
});
