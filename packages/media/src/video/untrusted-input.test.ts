import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BadMediaError } from '@darkroom/core/errors';
import { extractPoster } from './poster.js';
import { probeVideo } from './probe.js';
import { renderStoryboard } from './storyboard.js';
import { ffmpeg, outputDir } from './test-clips.js';
import { transcodeVideo } from './transcode.js';
import type { VideoProbe } from './types.js';

const run = promisify(execFile);

/**
 * Text an upload may hold that ffmpeg, left to guess, would follow: an HLS playlist or an ffconcat
 * script naming another file on the machine or a URL. Every command of packages/media pins the
 * demuxers and the `file` protocol (ffmpeg.ts `untrustedInput`), so such an upload is bad media and
 * nothing it names is ever opened. (`complete` refuses these bytes as `content_mismatch` before a
 * worker sees them; this is the wall behind that one.)
 */
let dir: string;
let segment: string;
let hits = 0;
const server = createServer((_req, res) => {
  hits++;
  res.writeHead(404).end();
});

const LIMITS = { maxDurationSeconds: 900, maxPixels: 4096 * 2160 };
/** What a probe would have said had the playlist's segment been the upload: to drive the other commands straight at it. */
const PROBE: VideoProbe = {
  container: 'mp4',
  width: 128,
  height: 72,
  rotation: 0,
  codedWidth: 128,
  codedHeight: 72,
  durationSeconds: 2,
  codec: 'h264',
  fps: 10,
  audio: false,
  audioCodec: null,
  frames: 20,
  bitDepth: 8,
  hdr: null,
  videoStreamIndex: 0,
  audioStreamIndex: null,
};

async function upload(name: string, text: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, text);
  return path;
}

beforeAll(async () => {
  dir = await outputDir();
  segment = join(dir, 'segment.ts');
  await ffmpeg(['-f', 'lavfi', '-i', 'testsrc2=size=128x72:rate=10:duration=2', '-c:v', 'libx264', '-preset', 'ultrafast', '-f', 'mpegts', segment]);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const url = () => `http://127.0.0.1:${(server.address() as AddressInfo).port}/segment.ts`;
const playlist = (target: string) => `#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXTINF:2,\n${target}\n#EXT-X-ENDLIST\n`;

describe('an upload that is a playlist', () => {
  it('is read as the file it names by a bare ffprobe (what the whitelists stop)', async () => {
    const path = await upload('local-playlist.mp4', playlist(segment));
    const { stdout } = await run('ffprobe', ['-v', 'error', '-show_entries', 'stream=codec_name', '-of', 'csv=p=0', path]);
    expect(stdout).toContain('h264');
  });

  it.each([
    ['an HLS playlist naming a local file', () => playlist(segment)],
    ['an HLS playlist naming a URL', () => playlist(url())],
    ['an ffconcat script', () => `ffconcat version 1.0\nfile ${segment}\nfile ${url()}\n`],
    ['a SubRip file', () => '1\n00:00:00,000 --> 00:00:02,000\nHello\n'],
    ['a WebVTT file', () => `WEBVTT\n\n00:00.000 --> 00:02.000\n${url()}#xywh=0,0,16,16\n`],
  ])('%s is corrupt_video to every command, and nothing it names is opened', async (_name, text) => {
    const path = await upload('upload.mp4', text());
    const out = await outputDir();
    const attempts = [
      probeVideo(path, LIMITS),
      extractPoster(path, PROBE, { timeoutMs: 30_000 }),
      renderStoryboard(path, PROBE, { tileWidth: 160, maxTiles: 100, spriteUrl: 's.webp', threads: 1, timeoutMs: 30_000 }),
      transcodeVideo(
        path,
        PROBE,
        { format: 'mp4', fit: 'inside', width: 128, height: 72, quality: 50 },
        {
          outputPath: join(out, 'r.mp4'),
          threads: 1,
          timeoutMs: 30_000,
        },
      ),
    ];
    for (const attempt of await Promise.allSettled(attempts)) {
      expect(attempt.status).toBe('rejected');
      const reason = (attempt as PromiseRejectedResult).reason as Error;
      expect(reason).toBeInstanceOf(BadMediaError);
      expect(reason).toMatchObject({ code: 'corrupt_video' });
    }
    expect(hits).toBe(0);
  });
});
